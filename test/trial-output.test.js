// Output problems a tester found trying the tool: each test holds one fix (see the commit that added it).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { bin, cleanEnv, interruptAfter, root, runCli } from './helpers.js';

const trial = suite('trial-output');
const dirs = [];
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'mvp-trial-output-'));
  dirs.push(dir);
  return dir;
}
trial.after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A reports directory that cannot be created, even as root: its parent is a regular file. */
async function unwritableReports() {
  const dir = await tempDir();
  const blocker = join(dir, 'file');
  await writeFile(blocker, 'not a directory');
  return { dir, reportsDir: join(blocker, 'reports') };
}

trial('demo where reports cannot be written: one line saying so, no claim of files, exit 0', async () => {
  const { dir, reportsDir } = await unwritableReports();
  const r = await runCli(['demo', '--reports-dir', reportsDir], { cwd: dir });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /cannot write reports to .*reports\/demo: .*not saved/);
  assert.not.match(r.stderr, 'follows on stdout');
  assert.not.match(r.stdout, 'not written');
  assert.not.match(r.stdout, 'Reports (Markdown');
  assert.match(r.stdout, 'server-error');
});

trial('demo --json where reports cannot be written: report is null', async () => {
  const { dir, reportsDir } = await unwritableReports();
  const r = await runCli(['demo', '--json', '--reports-dir', reportsDir], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.is(rows.length, 8);
  for (const row of rows) assert.is(row.report, null);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
});

const TEST_KEY = 'trialoutput0123456789abcdef';

trial('--watch captured with no width: the "trying again" message stays one line', async () => {
  const dir = await tempDir();
  const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', 'http://127.0.0.1:1/v1.1',
    '--reports-dir', dir, '--watch', '--watch-timeout', '2s', '--every', '1s'], { env: { MASHVISOR_API_KEY: TEST_KEY, COLUMNS: '' } });
  const line = r.stderr.split('\n').find((l) => l.includes('--watch: trying again'));
  assert.ok(line, r.stderr);
  assert.match(line, /Ctrl-C stops\.$/);
  assert.ok(line.length > 80, line);
});

let sandbox;
trial.before(async () => {
  const { startSandbox } = await import('../dist/sandbox/server.js');
  sandbox = await startSandbox({ port: 0 });
});
trial.after(() => sandbox.close());

trial('Ctrl-C during a --watch wait: the last attempt\'s line is printed once', async () => {
  const { SANDBOX_KEY } = await import('../dist/sandbox/server.js');
  const dir = await tempDir();
  const r = await interruptAfter(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl,
    '--reports-dir', dir, '-H', 'x-sandbox-scenario: maintenance', '--watch', '--every', '5m'], 'next try in', { MASHVISOR_API_KEY: SANDBOX_KEY });
  assert.ok(r.sent);
  assert.is(r.code, 3, r.stderr);
  assert.is(r.stderr.split('\n').filter((l) => l.startsWith('attempt 1/')).length, 1, r.stderr);
  assert.match(r.stdout, 'stopped by Ctrl-C');
});

/** A saved report of a passing check, under `<dir>/reports`; its path relative to dir. */
async function savedReport(dir) {
  const { SANDBOX_KEY } = await import('../dist/sandbox/server.js');
  const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl, '--reports-dir', 'reports'],
    { cwd: dir, env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stderr);
  const name = (await readdir(join(dir, 'reports'))).find((f) => f.endsWith('.json'));
  return join('reports', name);
}

trial('replay of a bad saved report: the message names the file as given, with a space', async () => {
  const { SANDBOX_KEY } = await import('../dist/sandbox/server.js');
  const dir = await tempDir();
  const file = await savedReport(dir);
  const report = JSON.parse(await readFile(join(dir, file), 'utf8'));
  // A host the report names, not the user: refused before anything is sent, in a message naming the report.
  report.request.baseUrl = 'https://example.com/v1.1';
  await writeFile(join(dir, file), JSON.stringify(report));
  const r = await runCli(['replay', file, '--reports-dir', 'out'], { cwd: dir, env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `replay: ${file}: `);
});

trial('replay --base-url with a path prefix: "Sent to" shows it whole', async () => {
  const { SANDBOX_KEY } = await import('../dist/sandbox/server.js');
  const dir = await tempDir();
  const file = await savedReport(dir);
  const r = await runCli(['replay', file, '--base-url', sandbox.directBaseUrl, '--reports-dir', 'out'], { cwd: dir, env: { MASHVISOR_API_KEY: SANDBOX_KEY, COLUMNS: '200' } });
  assert.is(r.code, 0, r.stderr);
  assert.ok(new URL(sandbox.directBaseUrl).pathname.length > 1, sandbox.directBaseUrl);
  assert.match(r.stdout, `Sent to ${sandbox.directBaseUrl.replace(/\/+$/, '')}\n`);
});

trial('sandbox --scenario nosuch: one line naming where the scenarios are listed, and that help lists them', async () => {
  const r = await runCli(['sandbox', '--scenario', 'nosuch', '--port', '0']);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.not.match(r.stderr, 'docs/');
  assert.match(r.stderr, 'sandbox --help');
  assert.ok([...r.stderr.trim()].length <= 80, r.stderr);
  const help = await runCli(['sandbox', '--help'], { env: { COLUMNS: '80' } });
  for (const name of ['ok', 'maintenance', 'recovering', 'echo-key']) assert.match(help.stdout, new RegExp(`\\b${name}\\b`));
  for (const line of help.stdout.split('\n')) assert.ok([...line].length <= 80, line);
});

trial('sandbox --help: a space between each description and its [type]', async () => {
  const help = await runCli(['sandbox', '--help'], { env: { COLUMNS: '80' } });
  assert.is(help.code, 0);
  assert.not.match(help.stdout, /\S\[(number|string|boolean)\]/);
  assert.match(help.stdout, /--port .* \[number\]/);
});

trial('--format xml: one line, exit 2, naming the choices', async () => {
  for (const args of [['check', 'getRentalRates', '-p', 'state=CA', '--format', 'xml'], ['report', 'x.json', '--format', 'xml']]) {
    const r = await runCli(args, { env: { MASHVISOR_API_KEY: TEST_KEY } });
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--format "xml" is not one of \w+, \w+/);
  }
});

trial('-psource=airbnb: a one-line hint with the form that works, the same with and without the fast path', async () => {
  const args = ['validate', 'getRentalRates', '-psource=airbnb', '-p', 'state=CA'];
  const [fast, slow] = await Promise.all([runCli(args), runCli(args, { env: { MASHVISOR_PREFLIGHT_NO_FASTPATH: '1' } })]);
  for (const r of [fast, slow]) {
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr, 'mashvisor-preflight: -p takes its value as the next word: write -p source=airbnb (with a space)\n');
  }
  // A glued header may be a credential: a placeholder, never its value.
  const header = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-Hx-api-key: secretvalue0123456789'], { env: { MASHVISOR_API_KEY: TEST_KEY } });
  assert.is(header.code, 2);
  assert.match(header.stderr, 'write -H "Name: value"');
  assert.not.match(header.stderr, 'secretvalue');
  // What worked before still works: -p=value and a separate value.
  const eq = await runCli(['validate', 'getRentalRates', '-p=source=airbnb', '-p', 'state=CA']);
  assert.is(eq.code, 0, eq.stderr);
});

trial('installed without node_modules: --version and explain say to run npm install, one line, exit 2', async () => {
  const dir = await tempDir();
  for (const part of ['bin', 'dist', 'package.json']) await cp(join(root, part), join(dir, part), { recursive: true });
  for (const args of [['--version'], ['explain', '404']]) {
    const r = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(dir, 'bin', 'mashvisor-preflight.js'), ...args], { env: cleanEnv({ COLUMNS: '' }) });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr, "mashvisor-preflight: its dependency 'yargs' is not installed; run npm install\n");
  }
});

/** The README's samples that show output: a `$ npx mashvisor-preflight …` line, then what it prints. */
async function readmeSamples() {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```sh\n\$ npx mashvisor-preflight (.*)\n([\s\S]*?)```/g)].map(([, command, output]) => ({ command, output }));
}

trial('README samples: each command\'s output, as shown (a line of just … stands for the rest)', async () => {
  const samples = await readmeSamples();
  assert.ok(samples.length >= 2, 'the README shows validate and explain output');
  for (const { command, output } of samples) {
    const r = await runCli(command.split(' '), { env: { COLUMNS: '' } });
    const shown = output.trimEnd().split('\n');
    const cut = shown.findIndex((line) => line.trim() === '…');
    const real = r.stdout.trimEnd().split('\n');
    if (cut < 0) assert.equal(shown, real, command);
    else assert.equal(shown.slice(0, cut), real.slice(0, cut), command);
  }
});

trial.run();
