// Hostile answers and hostile files: whatever a server sends (deep JSON, decompression bombs, terminal escapes,
// Markdown injection) the check writes its report, exits with the right code, stays small in memory and on disk,
// and prints no raw control character. Also: a symlinked history.jsonl, and a closed stdout for every command.
// Servers are real, on loopback (test/hostile-server.js and the project's sandbox).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, cleanEnv, runCli } from './helpers.js';
import { startHostileServer } from './hostile-server.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

const KEY = 'hostile-canary-key-0123456789';
const PEAK_LIMIT_MIB = 100;
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));
/** Any control character but newline and tab: none may reach a terminal raw. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * Runs the CLI and measures its peak memory: GNU time's %M when installed (CI installs it), else the kernel's
 * high-water mark (VmHWM in /proc/<pid>/status) read until the process ends.
 */
function runMeasured(args, { env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const rssFile = join(tmpdir(), `mp-hostile-rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
    const child = spawn(file, argv, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKiB = 0;
    const poll = GNU_TIME ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch { /* gone */ }
    }, 2);
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (poll) clearInterval(poll);
      if (GNU_TIME) {
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        rmSync(rssFile, { force: true });
        peakKiB = Number(lines[lines.length - 1]);
        // GNU time reports a non-zero exit on a line of its own before the figure: not the child's output.
        stderr = stderr.replace(/^Command exited with non-zero status \d+\n/m, '');
      }
      resolve({ code, stdout, stderr, peakMiB: peakKiB / 1024 });
    });
  });
}

/** The JSON and Markdown reports a check wrote into dir. */
function reportsIn(dir) {
  const files = readdirSync(dir);
  const json = files.find((f) => f.endsWith('.json'));
  const md = files.find((f) => f.endsWith('.md'));
  return {
    json: json ? join(dir, json) : null,
    md: md ? join(dir, md) : null,
  };
}

/** The Markdown without its fenced blocks, whose content is shown as text whatever it holds. */
function outsideFences(md) {
  const out = [];
  let fence = null;
  for (const line of md.split('\n')) {
    const m = /^(`{3,})/.exec(line);
    if (fence === null && m) fence = m[1];
    else if (fence !== null && line === fence) fence = null;
    else if (fence === null) out.push(line);
  }
  return out.join('\n');
}

/** Only the writer's own headings, no HTML from the server, and every table row as wide as its header. */
function assertMarkdownIntact(whole) {
  assert.not.ok(RAW_CONTROL.test(whole), 'a raw control character reached the Markdown');
  const md = outsideFences(whole);
  const headings = md.split('\n').filter((l) => /^\s{0,3}#/.test(l));
  for (const h of headings) assert.ok(/^(# Mashvisor API preflight — |## )/.test(h), `unexpected heading: ${h}`);
  assert.not.ok(/<script/i.test(md), 'a <script> tag reached the Markdown outside a fence');
  const cells = (line) => line.replace(/\\\|/g, '').split('|').length;
  let width = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      width = null;
      continue;
    }
    if (width === null) width = cells(line);
    else assert.is(cells(line), width, `a table row gained or lost cells: ${line.slice(0, 120)}`);
  }
}

let server;
let work;

const test = suite('hostile answers');

test.before(async () => {
  server = await startHostileServer();
  work = await mkdtemp(join(tmpdir(), 'mp-hostile-'));
});

test.after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

let runs = 0;
async function checkAgainst(attack, extra = []) {
  const dir = join(work, `${attack}-${++runs}`);
  const r = await runMeasured(['check', 'listCities', '-p', 'state=TX', '--base-url', `${server.url}/${attack}/v1.1`, '--reports-dir', dir, ...extra], { env: { MASHVISOR_API_KEY: KEY } });
  return { ...r, dir, ...(existsSync(dir) ? reportsIn(dir) : { json: null, md: null }) };
}

function assertSafeStreams(r) {
  assert.not.ok(RAW_CONTROL.test(r.stdout), `raw control character on stdout: ${JSON.stringify(r.stdout.match(RAW_CONTROL))}`);
  assert.not.ok(RAW_CONTROL.test(r.stderr), `raw control character on stderr: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  assert.not.ok(/Maximum call stack|Invalid string length|unexpected error|\n\s+at /.test(r.stderr), r.stderr.slice(0, 300));
}

function assertBounded(r) {
  assert.ok(r.peakMiB > 0, 'no memory figure');
  assert.ok(r.peakMiB <= PEAK_LIMIT_MIB, `peak RSS ${r.peakMiB.toFixed(1)} MiB is over ${PEAK_LIMIT_MIB} MiB`);
}

for (const [attack, bodyBytes] of [['deep5000', 10_000], ['deep3000', 6_000]]) {
  test(`${attack}: JSON nested that deep is kept as text with a finding; the billed request's report is written`, async () => {
    const r = await checkAgainst(attack);
    assert.is(r.code, 0, r.stderr);
    assertSafeStreams(r);
    assertBounded(r);
    assert.ok(r.json && r.md, 'reports written');
    const report = JSON.parse(await readFile(r.json, 'utf8'));
    assert.is(report.response.body, null);
    assert.is(report.response.bodyText.length, bodyBytes);
    const response = report.checks.find((c) => c.id === 'response');
    assert.is(response.status, 'warn');
    assert.match(response.message, /nested more than 64 levels/);
    // The report stays within a small multiple of the body (it was 18 MB for 6 KB).
    assert.ok(statSync(r.json).size < 20 * bodyBytes + 64 * 1024, `JSON report is ${statSync(r.json).size} bytes`);
    assert.ok(statSync(r.md).size < 64 * 1024);
  });
}

test('nest1mb: 1 MB of arrays nested 3,000 deep: report written, bounded in size and memory', async () => {
  const r = await checkAgainst('nest1mb');
  assert.is(r.code, 0, r.stderr);
  assertSafeStreams(r);
  assertBounded(r);
  assert.ok(statSync(r.json).size < 3 * 1024 * 1024, `JSON report is ${statSync(r.json).size} bytes`);
});

test('wide60: nesting within the limit that pretty-printing would multiply is kept as text', async () => {
  const r = await checkAgainst('wide60');
  assert.is(r.code, 0, r.stderr);
  assertSafeStreams(r);
  assertBounded(r);
  const report = JSON.parse(await readFile(r.json, 'utf8'));
  assert.is(report.response.body, null);
  assert.match(report.checks.find((c) => c.id === 'response').message, /kept as text/);
  assert.ok(statSync(r.json).size < 3 * 1024 * 1024, `JSON report is ${statSync(r.json).size} bytes`);
});

for (const bomb of ['gzip', 'br', 'deflate']) {
  test(`${bomb} bomb: decoding stops at the cap; memory stays under ${PEAK_LIMIT_MIB} MiB`, async () => {
    const r = await checkAgainst(bomb);
    // A 200 whose body decodes to zero bytes is no JSON: a server-side problem (exit 3), with the decoding stop named.
    assert.is(r.code, 3, r.stderr);
    assertSafeStreams(r);
    assertBounded(r);
    const report = JSON.parse(await readFile(r.json, 'utf8'));
    assert.is(report.response.truncated, true);
    // Read no further than the cap and one chunk: a gigabyte (gzip) or 64 MiB (br, deflate) was on offer.
    assert.ok(report.response.bodyBytes < 2 * 1024 * 1024, `read ${report.response.bodyBytes} bytes`);
    assert.match(report.checks.find((c) => c.id === 'response').message, /decoding stopped after its first 1 MiB/);
    assert.ok(statSync(r.json).size < 4 * 1024 * 1024, `JSON report is ${statSync(r.json).size} bytes`);
  });
}

test('escapes: ESC/OSC/BEL/C1 in the reason phrase and the error message never reach the terminal raw', async () => {
  for (const extra of [[], ['--json'], ['--format', 'md']]) {
    const r = await checkAgainst('escapes500', extra);
    assert.is(r.code, 3, r.stderr);
    assertSafeStreams(r);
    if (extra[0] === '--json') JSON.parse(r.stdout); // still one valid JSON document
    // Shown escaped; a table cell may fold the escaped text, so borders and line breaks are taken out first.
    // (In Markdown the bracket is escaped, \], so that no server text can form a link.)
    else assert.match(r.stdout.replace(/[│\s]+/g, ''), /\\x1b\\?\]0;pwned\\x07/);
    assertMarkdownIntact(await readFile(r.md, 'utf8'));
  }
});

test('escapes: a header value with C1 bytes and a reason phrase with ESC on a 400', async () => {
  for (const extra of [[], ['--json'], ['--format', 'md']]) {
    const r = await checkAgainst('escapes', extra);
    assertSafeStreams(r);
    assert.is(r.code, 1, r.stderr);
    const report = JSON.parse(await readFile(r.json, 'utf8'));
    assert.is(report.response.status, 400);
    assert.ok(report.response.statusText.includes('\u001b]0;pwned'), 'the report keeps what was sent');
    assert.ok(report.response.headers['x-note'].includes('\u009b'));
    // The file itself holds no raw control byte (cat report.json is safe); JSON escapes keep the values.
    assert.not.ok(RAW_CONTROL.test(await readFile(r.json, 'utf8')));
    if (extra[0] === '--json') JSON.parse(r.stdout);
    if (extra[0] === '--format') assert.match(r.stdout, /Bad \\x1b\\?\]0;pwned\\x07/);
    assertMarkdownIntact(await readFile(r.md, 'utf8'));
  }
});

test('HTML report: the server message, reason phrase and body are escaped text, never markup', async () => {
  for (const attack of ['escapes500', 'rawtext']) {
    const r = await checkAgainst(attack, ['--html']);
    const html = await readFile(readdirSync(r.dir).map((f) => join(r.dir, f)).find((f) => f.endsWith('.html')), 'utf8');
    assert.not.ok(/<script>alert|<script>x/.test(html), `${attack}: server markup reached the HTML`);
    assert.ok(html.includes('&lt;script&gt;'), `${attack}: shown as text`);
  }
});

test('rawtext: a text body with escapes, a heading and <script> stays fenced in the Markdown', async () => {
  const r = await checkAgainst('rawtext', ['--format', 'md']);
  assert.is(r.code, 3, r.stderr);
  assertSafeStreams(r);
  const md = await readFile(r.md, 'utf8');
  assertMarkdownIntact(md);
  assert.match(md, /```text\n\\x1b\]0;pwned/);
});

test('Markdown summary: a newline, # heading and <script> in the server message cannot add structure', async () => {
  const r = await checkAgainst('escapes500');
  const md = await readFile(r.md, 'utf8');
  const summary = md.split('\n').find((l) => l.startsWith('**Verdict:'));
  assert.ok(summary.includes('# Injected heading'), 'the text is kept, inline');
  assert.ok(summary.includes('&lt;script>'), 'as text, not HTML');
  assertMarkdownIntact(md);
});

test.run();

const files = suite('hostile files and pipes');
let sandbox;

files.before(async () => {
  sandbox = await startSandbox({ port: 0 });
  work = await mkdtemp(join(tmpdir(), 'mp-hostile-files-'));
});

files.after(async () => {
  await sandbox.close();
  await rm(work, { recursive: true, force: true });
});

const RATES = ['getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb'];

files('a symlinked history.jsonl is not followed: victim unchanged, one clear line, reports still written', async () => {
  const dir = join(work, 'reports-link');
  const victim = join(work, 'victim.txt');
  await writeFile(victim, 'do not touch\n');
  await rm(dir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  await symlink(victim, join(dir, 'history.jsonl'));
  const r = await runCli(['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '--bundle'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stderr);
  assert.is(await readFile(victim, 'utf8'), 'do not touch\n');
  assert.ok(lstatSync(join(dir, 'history.jsonl')).isSymbolicLink());
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /history not recorded .*symbolic link/);
  const written = readdirSync(dir);
  for (const ext of ['.json', '.md', '.har', '.html', '.junit.xml']) assert.ok(written.some((f) => f.endsWith(ext)), `${ext} written`);
});

files('a dangling history.jsonl symlink is not created through', async () => {
  const dir = join(work, 'reports-dangling');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  const target = join(work, 'should-not-exist.txt');
  await symlink(target, join(dir, 'history.jsonl'));
  const r = await runCli(['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(existsSync(target));
});

files('report files are private (0600)', async () => {
  const dir = join(work, 'reports-mode');
  const r = await runCli(['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stderr);
  for (const f of readdirSync(dir)) assert.is(statSync(join(dir, f)).mode & 0o777, 0o600, f);
});

files('history --limit reads the end of a large history; escapes in it are shown escaped', async () => {
  const dir = join(work, 'reports-history');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  const entry = (i) => JSON.stringify({ time: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, endpoint: '/x\u001b]0;pwned\u0007', operationId: `op${i}`, status: 200, verdict: 'pass', durationMs: 5, requestsSent: 1 });
  // 40 MB of history: a whole read would need several times that in memory.
  const block = `${Array.from({ length: 1000 }, (_, i) => entry(i)).join('\n')}\n`;
  const { open } = await import('node:fs/promises');
  const h = await open(join(dir, 'history.jsonl'), 'w');
  for (let i = 0; i < 330; i++) await h.write(block);
  await h.write(`${'z'.repeat(3 * 1024 * 1024)}\n${entry(7)}\n`);
  await h.close();
  const r = await runMeasured(['history', '--reports-dir', dir, '--limit', '5']);
  assert.is(r.code, 0, r.stderr);
  assertSafeStreams(r);
  assertBounded(r);
  assert.ok(r.peakMiB < 80, `peak ${r.peakMiB.toFixed(1)} MiB`);
  assert.match(r.stdout, /\\x1b\]0;pwned\\x07/);
  assert.match(r.stdout, /op7 /);
});

files('--timeout beyond what a Node timer holds, or not a whole number, is a usage error that states the range', async () => {
  for (const value of ['2147483648', '99999999999', 'abc', '-5', '0', '1.5']) {
    const r = await runCli(['check', ...RATES, '--offline', '--timeout', value, '--reports-dir', join(work, 'reports-timeout')]);
    assert.is(r.code, 2, `${value}: ${r.stderr}`);
    assert.is(r.stderr.trim(), 'mashvisor-preflight: --timeout must be a whole number of milliseconds from 1 to 2147483647');
  }
  const ok = await runCli(['check', ...RATES, '--offline', '--timeout', '2147483647', '--reports-dir', join(work, 'reports-timeout')]);
  assert.ok([0, 1].includes(ok.code), ok.stderr);
});

files('--key-file over 64 KiB is a usage error, read no further', async () => {
  const file = join(work, 'big.key');
  await writeFile(file, Buffer.alloc(65 * 1024, 97));
  const r = await runCli(['check', ...RATES, '--offline', '--key-file', file, '--reports-dir', join(work, 'reports-key-file')]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /over 64 KiB/);
  assert.not.ok(r.stderr.includes('aaaa'));
});

files('validate --batch: a line over 1 MiB is reported as too long, not echoed; escapes in a line are escaped', async () => {
  const file = join(work, 'long.jsonl');
  const lines = [
    JSON.stringify({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' } }),
    JSON.stringify({ endpoint: 'x'.repeat(20 * 1024 * 1024) }),
    JSON.stringify({ endpoint: '\u001b]0;pwned\u0007\u009b2J' }),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  const r = await runMeasured(['validate', '--batch', file]);
  assert.is(r.code, 1, r.stderr);
  assertSafeStreams(r);
  assertBounded(r);
  assert.match(r.stdout, /line 2\t\(unreadable\)\tthe line is longer than 1 MiB: not read/);
  assert.ok(r.stdout.length < 10_000, `output of ${r.stdout.length} characters`);
  assert.match(r.stdout, /\\x1b\]0;pwned\\x07\\u009b2J/);
  const json = await runCli(['validate', '--batch', file, '--json']);
  assert.not.ok(RAW_CONTROL.test(json.stdout));
  assert.is(JSON.parse(json.stdout).invalid, 2);
});

files('input files nested thousands deep: one clear usage error, no stack overflow', async () => {
  const deep = (d) => '['.repeat(d) + ']'.repeat(d);
  const payload = join(work, 'deep-payload.json');
  await writeFile(payload, `{"state":${deep(100_000)}}`);
  const har = join(work, 'deep.har');
  await writeFile(har, `{"log":${deep(100_000)}}`);
  for (const args of [['validate', 'getRentalRates', '--payload', payload], ['check', '--from-har', har, '--offline'], ['report', har, '--format', 'md']]) {
    const r = await runCli(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.not.ok(/Maximum call stack|unexpected error/.test(r.stderr), r.stderr);
  }
  const batch = join(work, 'deep.jsonl');
  await writeFile(batch, `{"endpoint":"getRentalRates","params":{"state":${deep(100_000)}}}\n{"endpoint":"${'q'.repeat(500_000)}"}\n`);
  const r = await runCli(['validate', '--batch', batch]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /line 1\tgetRentalRates\tthe parameters are nested too deeply to read/);
  assert.ok(r.stdout.length < 10_000, `a long endpoint name is not echoed whole (${r.stdout.length} characters)`);
});

/** Runs a command whose stdout reader has already gone (`... | head -1` after head exited). */
function withClosedStdout(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, child }));
  });
}

/** The exit code a command has with a reader on its stdout, for comparison. */
async function normalCode(args, env = {}) {
  return (await runCli(args, { env })).code;
}

function assertQuiet(r, code, what) {
  assert.is(r.code, code, `${what}: exit ${r.code}, ${r.stderr}`);
  assert.not.ok(/EPIPE|Error|\n\s+at /.test(r.stderr), `${what}: ${r.stderr}`);
}

files('closed stdout: validate --batch, endpoints, history, check, validate, explain end quietly with their own exit code', async () => {
  const batch = join(work, 'many.jsonl');
  await writeFile(batch, `${Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ endpoint: i % 2 ? 'nope' : 'getRentalRates' })).join('\n')}\n`);
  const dir = join(work, 'reports-pipe');
  const env = { MASHVISOR_API_KEY: SANDBOX_KEY };
  const commands = [
    ['validate', '--batch', batch],
    ['validate', '--batch', batch, '--json'],
    ['endpoints'],
    ['endpoints', '--json'],
    ['endpoints', 'getRentalRates'],
    ['explain', '404'],
    ['validate', 'getRentalRates', '-p', 'state=California'],
    ['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir],
    ['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '--json'],
    ['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '--format', 'md'],
    ['history', '--reports-dir', dir],
    ['demo', '--reports-dir', join(work, 'reports-demo')],
    ['history', '--reports-dir', dir, '--json'],
    ['--help'],
  ];
  for (const args of commands) assertQuiet(await withClosedStdout(args, env), await normalCode(args, env), args.join(' '));
  const saved = join(dir, readdirSync(dir).find((f) => f.endsWith('.json')));
  for (const args of [['report', saved, '--format', 'md'], ['report', saved, '--format', 'json']]) {
    assertQuiet(await withClosedStdout(args), await normalCode(args), args.join(' '));
  }
});

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  // Polls until the port answers; the 60 s ceiling only ends a start that never comes.
  for (let i = 0; i < 1200; i++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on ${port}`);
}

files('closed stdout: sandbox starts, serves and stops on SIGTERM quietly (exit 0)', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', String(port)], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  await waitForPort(port);
  child.kill('SIGTERM');
  const code = await closed;
  assertQuiet({ code, stderr }, 0, 'sandbox');
});

files.run();
