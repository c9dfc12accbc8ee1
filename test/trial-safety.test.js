// What a tester found trying the tool as root and in odd places: --junit onto a device, a FIFO or a symbolic link;
// a check run from a directory that was deleted; stdout or stderr that cannot be written (/dev/full).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { bin, cleanEnv, runCli, runProcess, useSandbox } from './helpers.js';

const test = suite('trial safety');
let sandbox;
let dir;
useSandbox(test, 'mp-trial-safety-', (s, d) => {
  sandbox = s;
  dir = d;
});

const env = { MASHVISOR_API_KEY: SANDBOX_KEY, NO_COLOR: '1' };

/** `sh -c script sh ...args`, not blocking: the simulator answers from this very process. */
const shell = (script, args) => runProcess('sh', ['-c', script, 'sh', ...args], { env });
const checkArgs = () => ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'reports')];

test('--junit onto a FIFO, a symbolic link or a directory is a usage error before anything is sent; each is left as it was', async () => {
  const fifo = join(dir, 'results.fifo');
  assert.is(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo is needed for this test');
  const real = join(dir, 'real.xml');
  writeFileSync(real, 'keep');
  const link = join(dir, 'link.xml');
  symlinkSync(real, link);
  const folder = join(dir, 'folder.xml');
  mkdirSync(folder);
  for (const [target, kind] of [[fifo, /FIFO or device/], [link, /symbolic link/], [folder, /directory/]]) {
    const run = await runCli([...checkArgs(), '--junit', target], { env });
    assert.is(run.killed, false);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, `--junit ${target}: `);
    assert.match(run.stderr, kind);
    assert.is(run.stderr.trim().split('\n').length, 1, 'one line');
    // `report FILE --junit` takes the same rule.
    const saved = await runCli(['report', join(dir, 'none.json'), '--junit', target], { env });
    assert.is(saved.code, 2);
    assert.match(saved.stderr, kind);
  }
  assert.is(sandbox.requests, 0, 'nothing was sent');
  assert.not.ok(existsSync(join(dir, 'reports')), 'no report, no history line');
  assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.is(readFileSync(real, 'utf8'), 'keep');
  assert.ok(lstatSync(folder).isDirectory());
  // A new path and an existing regular file are still written (CI replaces last run's results).
  const fresh = join(dir, 'fresh.xml');
  writeFileSync(fresh, 'old');
  const ok = await runCli([...checkArgs(), '--junit', fresh], { env });
  assert.is(ok.code, 0, ok.stderr);
  assert.match(readFileSync(fresh, 'utf8'), /<testsuite/);
});

test('a check run from a deleted directory finishes with its verdict and says why no report was written', async () => {
  const gone = join(dir, 'gone');
  mkdirSync(gone);
  // The shell enters the directory, removes it, then starts the CLI there. A hang ends at the guard and fails.
  const script = `cd "$1" && rmdir "$1" && exec "$2" "$3" check getRentalRates -p state=CA -p source=airbnb --base-url "$4"`;
  const run = await shell(script, [gone, process.execPath, bin, sandbox.directBaseUrl]);
  assert.is(run.killed, false, 'the run ended by itself');
  assert.is(run.code, 0, run.stderr);
  assert.match(run.stderr, /the current directory no longer exists/);
  assert.match(run.stdout, /Verdict: `pass`/, 'the Markdown report follows on stdout');
});

test('every command started from a deleted directory says so in one line, exit 2, instead of an unexpected error', async () => {
  const gone = join(dir, 'gone-too');
  mkdirSync(gone);
  for (const command of ['explain 503', 'endpoints getRentalRates', 'history']) {
    const run = await shell(`cd "$1" && rmdir "$1" && exec "$2" "$3" ${command}`, [gone, process.execPath, bin]);
    assert.is(run.code, 2, command);
    assert.is(run.stderr, 'mashvisor-preflight: the current directory no longer exists (it was deleted or moved): cd to another one\n', command);
    mkdirSync(gone);
  }
});

test('stdout that cannot be written: the exit code still stands and stderr says the output was lost', () => {
  assert.ok(existsSync('/dev/full'), '/dev/full is needed for this test');
  const run = spawnSync('sh', ['-c', 'exec "$@" >/dev/full', 'sh', process.execPath, bin, 'validate', 'getRentalRates', '-p', 'source=airbnb'], {
    env: cleanEnv({ NO_COLOR: '1' }), encoding: 'utf8', timeout: 60_000,
  });
  assert.is(run.status, 1, 'validation failed: exit 1, as with a working stdout');
  assert.match(run.stderr, /could not write to stdout \(ENOSPC\)/);
  assert.not.match(run.stderr, /unexpected error|at .*\.cjs:/);
});

test('--help and --version leave through the same boundary: on a full stdout they say so, exit 0', () => {
  for (const flag of ['--help', '--version']) {
    const run = spawnSync('sh', ['-c', 'exec "$@" >/dev/full', 'sh', process.execPath, bin, flag], {
      env: cleanEnv({ NO_COLOR: '1' }), encoding: 'utf8', timeout: 60_000,
    });
    assert.is(run.status, 0, flag);
    assert.match(run.stderr, /could not write to stdout \(ENOSPC\)/, flag);
  }
});

test('stderr that cannot be written: bad input still exits 2, with no crash', () => {
  for (const args of [['explain', '999'], ['validate', 'nosuch'], ['check', 'getRentalRates', '--bogus']]) {
    const run = spawnSync('sh', ['-c', 'exec "$@" 2>/dev/full', 'sh', process.execPath, bin, ...args], {
      env: cleanEnv({ NO_COLOR: '1' }), encoding: 'utf8', timeout: 60_000,
    });
    assert.is(run.status, 2, args.join(' '));
  }
});

test.run();
