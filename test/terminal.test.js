import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { bin, cleanEnv, reportPaths, root, runCli } from './helpers.js';
import { startSandbox, SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY } from '../dist/sandbox/server.js';
import { columnWidths, drawTable } from '../dist/cli/table.js';
import { foldWord, wrapText } from '../dist/cli/text.js';
import { batchLine } from '../dist/cli/progress.js';
import { banner } from '../dist/cli/commands/sandbox.js';
import { formatBytes, formatDuration } from '../dist/shared/units.js';

// What a newcomer sees in an 80-column terminal: every line of every command fits, tables keep their borders,
// and a wait shows progress on the terminal (never in a pipe, never with --json).

const fixtures = join(root, 'test', 'fixtures');
const WIDTH = 80;
const hasScript = existsSync('/usr/bin/script');

let sandbox;
let dir;
test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'mp-terminal-'));
});
test.after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Columns a line takes on a terminal: string-width, with tabs at stops every 8 columns. */
function columns(line) {
  let col = 0;
  const parts = line.split('\t');
  for (const part of parts.slice(0, -1)) col = (Math.floor((col + stringWidth(part)) / 8) + 1) * 8;
  return col + stringWidth(parts.at(-1));
}

function overlong(text) {
  return text.split('\n').filter((line) => columns(line) > WIDTH);
}

const narrow = (args, env = {}) => runCli(args, { env: { COLUMNS: String(WIDTH), NO_COLOR: '1', ...env } });

async function fits(args, env) {
  const r = await narrow(args, env);
  assert.not.ok(r.killed, args.join(' '));
  for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]]) {
    assert.equal(overlong(text), [], `${args.join(' ')}: ${name} lines over ${WIDTH} columns`);
  }
  return r;
}

test('the tests need nothing beside the repository (no ../shared)', () => {
  for (const folder of ['test', 'src', 'scripts']) {
    const files = readdirSync(join(root, folder), { recursive: true }).filter((f) => /\.(m?js|ts|cjs)$/.test(f));
    for (const file of files) {
      if (file === 'terminal.test.js') continue;
      assert.not.match(readFileSync(join(root, folder, file), 'utf8'), /\.\.\/shared\/reference|\/shared\/reference\//, `${folder}/${file}`);
    }
  }
});

test('help, endpoints and explain fit 80 columns; help never splits a word', async () => {
  for (const args of [['--help'], ['check', '--help'], ['validate', '--help'], ['report', '--help'], ['sandbox', '--help']]) {
    const r = await fits(args);
    assert.is(r.code, 0);
    // A word cut by the wrapper leaves half a word at a line's end; these are words the help holds.
    assert.not.match(r.stdout, /Rapid\n|\bre\n\s+port|\brat\n/);
  }
  const list = await fits(['endpoints']);
  assert.match(list.stdout, /getRentalRates/);
  for (const op of ['getRentalRates', 'postMlMashmeter', 'getPropertyInvestment', 'listCityProperties']) await fits(['endpoints', op]);
  for (const code of ['400', '401', '404', '429', '500', '503', '2xx', '4xx', '5xx', '418']) await fits(['explain', code]);
});

test('validate, --batch and the offline inputs fit 80 columns', async () => {
  await fits(['validate', 'getRentalRates', '-p', 'state=California', '-p', 'zipcode=78701', '-p', 'bedroom=2', '-p', 'foo=1']);
  await fits(['validate', 'getRentalRatez']);
  await fits(['validate', '--batch', join(fixtures, 'batch', 'mixed.jsonl')]);
  await fits(['check', '--from-har', join(fixtures, 'inputs', 'session.har'), '--offline', '--reports-dir', dir]);
  await fits(['check', '--from-curl', readFileSync(join(fixtures, 'inputs', 'chrome-bash.curl.txt'), 'utf8'), '--offline', '--reports-dir', dir]);
  for (const file of readdirSync(join(fixtures, 'postman'))) await fits(['check', '--collection', join(fixtures, 'postman', file), '--offline', '--reports-dir', dir]);
  await fits(['check', '--collection', join(fixtures, 'inputs', 'preflight-v2.0.postman_collection.json'), '--offline', '--reports-dir', dir]);
  await fits(['check', 'listCities', '-p', 'state=TX', '--timeout', 'abc']);
});

test('check against the simulator fits 80 columns, --bundle paths one per line', async () => {
  const base = ['--base-url', sandbox.directBaseUrl, '--reports-dir', dir];
  await fits(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--key', SANDBOX_KEY, ...base]);
  await fits(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--key', 'wrong-key-0123456789', ...base]);
  await fits(['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '-H', 'x-sandbox-scenario: bad-gateway', ...base]);
  await fits(['check', 'listCities', '-p', 'state=TX', '--rapidapi', '--key', SANDBOX_KEY, '--base-url', sandbox.rapidapiBaseUrl, '--reports-dir', dir]);
  const bundle = await fits(['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '--bundle', ...base]);
  const paths = reportPaths(bundle.stdout);
  assert.is(paths.length, 5);
  for (const p of paths) assert.ok(existsSync(p), p);
});

test("the sandbox's banner fits 80 columns; its commands stay one command each", () => {
  const text = banner(sandbox, WIDTH);
  assert.equal(overlong(text), []);
  assert.match(text, /^ {2}ok {12}Normal behaviour/m, 'the scenario column stays aligned');
  const curl = text.slice(text.indexOf('  curl -s -H')).split('\n').slice(0, 2);
  assert.ok(curl[0].endsWith(' \\'), curl[0]);
  assert.match(curl[1], /^ {6}'http:/);
});

test('demo, history, report and sanitize fit 80 columns', async () => {
  const demo = await fits(['demo', '--reports-dir', dir]);
  assert.is(demo.code, 0, demo.stderr);
  await fits(['history', '--reports-dir', join(dir, 'demo')]);
  const json = join(dir, 'demo', readdirSync(join(dir, 'demo')).find((f) => f.endsWith('.json')));
  await fits(['report', json, '--html', '--har']);
  await fits(['sanitize', join(fixtures, 'inputs', 'session.har'), '-o', join(dir, 'clean.har')]);
});

test('a redaction marker inside a cell keeps the table border straight', async () => {
  const key = 'k3y-in-the-query-0123456789abcdef';
  const har = { log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [{
    startedDateTime: '2026-11-26T10:00:00.000Z', time: 1,
    request: { method: 'GET', url: `https://api.mashvisor.com/v1.1/client/city/list?state=TX&api_key=${key}`, httpVersion: 'HTTP/1.1',
      headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'application/json' },
      redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {}, timings: { send: 0, wait: 1, receive: 0 },
  }] } };
  const file = join(dir, 'key-in-query.har');
  writeFileSync(file, JSON.stringify(har));
  const r = await fits(['check', '--from-har', file, '--offline']);
  assert.not.ok(r.stdout.includes(key) || r.stderr.includes(key), 'the key never shows');
  assert.match(r.stdout, /REDACTED/);
  const rows = r.stdout.split('\n').filter((l) => /^[│┌├└]/.test(l));
  assert.ok(rows.length > 3);
  const widths = new Set(rows.map(columns));
  assert.is(widths.size, 1, `every row of the table is as wide as the others: ${[...widths]}`);
});

test('the table helper: columns fit, the widest gives way first, long values fold after / ? & =', () => {
  assert.equal(columnWidths(['a', 'b'], [['xx', 'yy']], 80), [2, 2]);
  const widths = columnWidths(['Name', 'Text'], [['getRentalRates', 'word '.repeat(40)]], 60, [0]);
  assert.is(widths[0], 'getRentalRates'.length, 'kept whole');
  assert.ok(widths.reduce((a, b) => a + b) + 3 * 2 + 1 <= 60);
  assert.equal(foldWord('https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&source=airbnb', 30),
    ['https://api.mashvisor.com/', 'v1.1/client/rental-rates?', 'state=CA&source=airbnb']);
  assert.is(wrapText('alpha beta gamma', 11), 'alpha beta\ngamma');
  assert.is(wrapText('    - one two three four', 14, '  '), '    - one two\n      three\n      four');
  assert.is(wrapText('  ok    one two three', 14, '      '), '  ok    one\n        two\n        three', 'inner spaces kept');
  const table = drawTable(['#', 'Request'], [['1', `GET https://api.mashvisor.com/v1.1/client/city/list?state=TX&${'x'.repeat(90)}`]], { width: 40 });
  const lines = table.split('\n');
  assert.ok(lines.every((l) => columns(l) === 40), table);
  assert.not.match(table, /…/, 'nothing cut off');
});

test('textWidth: its short way for ASCII and the tool\'s own symbols gives string-width\'s answer', async () => {
  const { textWidth } = await import('../dist/cli/text.js');
  const { default: stringWidth } = await import('string-width');
  for (const text of ['plain ASCII ~!', '✔ pass', '✖ fail', '⚠ warning', 'a → b — c – d … e · f', '┌──┬──┐ │ └┘', 'é wide 中文', '\u001b[31mred\u001b[0m']) {
    assert.is(textWidth(text), stringWidth(text), JSON.stringify(text));
  }
});

test('isTerminal: a file, a pipe and /dev/null are not terminals', async () => {
  const script = `
    const { openSync } = require('node:fs');
    import(${JSON.stringify(join(root, 'dist', 'cli', 'tty.js'))}).then(({ isTerminal }) => {
      const file = openSync(${JSON.stringify(join(dir, 'mp-isterminal.txt'))}, 'w');
      const devNull = openSync('/dev/null', 'w');
      require('node:fs').writeSync(2, JSON.stringify([isTerminal(file), isTerminal(devNull), isTerminal(1)]));
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((resolve) => child.on('close', resolve));
  assert.equal(JSON.parse(err), [false, false, false]);
});

test('one formatter for sizes and durations', () => {
  assert.is(formatBytes(512), '512 bytes');
  assert.is(formatBytes(1536), '1.5 KiB');
  assert.is(formatBytes(5_000_000), '4.8 MiB');
  assert.is(formatBytes(7_878_558_924), '7.3 GiB');
  assert.is(formatDuration(30_000), '30 s');
  assert.is(formatDuration(1500), '1.5 s');
  assert.is(formatDuration(250), '250 ms');
  assert.is(batchLine({ bytes: 50 * 1024 * 1024, size: 200 * 1024 * 1024, lines: 1_000_000 }, 2000),
    'checked 50 MiB of 200 MiB (25%), 1,000,000 lines, 25 MiB/s, about 6 s left');
  assert.is(batchLine({ bytes: null, size: null, lines: 3000 }, 1500), 'checked 3,000 lines, 2,000 lines/s');
});

// ---- progress on a terminal ----

/**
 * Runs the CLI under util-linux `script`, which gives it a terminal; returns everything the terminal received.
 * `when` waits for an event instead of a time: once the output matches `when.seen`, `when.then()` runs (once).
 */
function viaTerminal(shellCommand, when) {
  assert.ok(hasScript, 'util-linux `script` is needed to give the CLI a terminal: install it (apt-get install bsdutils)');
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/script', ['-qec', shellCommand, '/dev/null'], { env: cleanEnv({ COLUMNS: '80', NO_COLOR: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let fired = false;
    // A ceiling, not a measure: if the event never comes, let the run end (and the test fail on `fired`).
    const ceiling = when ? setTimeout(() => when.then(), 60_000) : null;
    child.stdout.on('data', (d) => {
      out += d;
      if (when && !fired && when.seen.test(out)) {
        fired = true;
        when.then();
      }
    });
    child.on('close', (code) => {
      clearTimeout(ceiling);
      resolve({ code, out, fired });
    });
  });
}
const quote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
const command = (args) => [process.execPath, bin, ...args].map(quote).join(' ');

/** A server that accepts connections and never answers. */
function silentServer() {
  return new Promise((resolve) => {
    const sockets = new Set();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      dropAll: () => {
        for (const s of sockets) s.destroy();
      },
      close: () => new Promise((done) => {
        for (const s of sockets) s.destroy();
        server.close(done);
      }),
    }));
  });
}

test('a check waiting on a silent server shows host, elapsed time and timeout on the terminal, then clears it', async () => {
  const server = await silentServer();
  try {
    // A generous timeout, and no waiting on the clock: once the progress line shows, the server drops the
    // connection and the check ends (a network error).
    const args = ['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '--base-url', `http://127.0.0.1:${server.port}/v1.1`, '--timeout', '120000', '--reports-dir', dir];
    // A wide terminal, so that the message is on one line of its cell.
    const waiting = new RegExp(`waiting for 127\\.0\\.0\\.1:${server.port}… \\d+\\.\\d s of 120 s`);
    const r = await viaTerminal(`stty cols 160; ${command(args)}`, { seen: waiting, then: () => server.dropAll() });
    assert.ok(r.fired, r.out);
    assert.is(r.code, 4, r.out); // the CLI's exit code, passed on by script -e: a network error
    assert.match(r.out, /1 request tried, 0 answered/);
    // The line is wiped before the table: the table starts on a clean line.
    const beforeTable = r.out.slice(0, r.out.indexOf('┌'));
    assert.match(beforeTable, /\r +\r/);
    // The timeout itself, piped (no progress there) and on a terminal with --json (no progress either).
    const short = [...args.slice(0, -4), '--timeout', '1500', '--reports-dir', dir];
    const piped = await runCli(short);
    assert.is(piped.code, 4, piped.stderr);
    assert.match(piped.stdout, /no complete answer within the 1\.5 s timeout/);
    assert.not.match(piped.stderr, /waiting for/);
    const json = await viaTerminal(command([...short, '--json']));
    assert.is(json.code, 4, json.out);
    assert.not.match(json.out, /waiting for/);
  } finally {
    await server.close();
  }
});

test('validate --batch from a slow pipe shows lines done and the rate on the terminal, never in a pipe', async () => {
  const line = '{"endpoint":"listCities","params":{"state":"TX"}}';
  // The second line comes only once the progress line for the first has shown (the test opens the gate then).
  const gate = join(dir, 'batch-gate');
  const shell = `(echo '${line}'; while [ ! -e ${quote(gate)} ]; do sleep 0.05; done; echo '${line}') | ${command(['validate', '--batch', '-'])}`;
  const r = await viaTerminal(shell, { seen: /checked \d+ bytes, 1 line, \d+ bytes\/s/, then: () => writeFileSync(gate, '') });
  rmSync(gate, { force: true });
  assert.ok(r.fired, r.out);
  assert.match(r.out, /2 lines, 2 valid, 0 invalid/);
  const piped = await runCli(['validate', '--batch', '-'], { input: `${line}\n${line}\n` });
  assert.not.match(piped.stderr, /checked/);
});

test.run();
