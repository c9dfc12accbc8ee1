// What a trial run as a new user and as an attacker found on the merged tool, each case held here: a key typed into
// a malformed -H, a key prefix echoed by a server, annotations wrapped by $COLUMNS, --offline without a key, and more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';
import { startSandbox, SANDBOX_KEY, SCENARIO_HEADER } from '../dist/sandbox/server.js';
import { Scrubber } from '../dist/shared/scrub.js';
import { maskCredential } from '../dist/shared/redact.js';
import { escapeControls } from '../dist/shared/terminal.js';
import { responseCheck } from '../dist/checks/response.js';
import { resolveEndpoint } from '../dist/catalog/resolve.js';
import { sanitizeHar } from '../dist/inputs/har-sanitize.js';

const CANARY = 'CANARYKEY1234567890abcdef';
let sandbox;
let echo;
let dir;

test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'mp-trial-'));
  // A server that answers 401 quoting the first 20 characters of the key it was sent.
  echo = createServer((req, res) => {
    const key = String(req.headers['x-api-key'] ?? '');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', code: 401, message: `key ${key.slice(0, 20)}... is invalid` }));
  });
  await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
});

test.after(async () => {
  await sandbox.close();
  await new Promise((resolve) => echo.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args, env = {}) => runCli(args, { env: { NO_COLOR: '1', ...env } });
const base = () => `${sandbox.url}/v1.1`;

function filesIn(folder) {
  return readdirSync(folder).map((f) => readFileSync(join(folder, f), 'utf8')).join('\n');
}

test('a -H flag missing its colon is a usage error that does not print the key typed into it', async () => {
  for (const flag of [`x-api-key ${CANARY}`, `x-api-key;${CANARY}`]) {
    const r = await cli(['check', 'getRentalRates', '-p', 'state=CA', '--base-url', base(), '-H', flag]);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, 'must look like "Name: value"');
    assert.not.ok(r.stderr.includes(CANARY) || r.stdout.includes(CANARY), r.stderr);
  }
  const bad = await cli(['check', 'getRentalRates', '-p', 'state=CA', '--base-url', base(), '-H', 'bad header name: v']);
  assert.is(bad.code, 2, 'a header name that is not a token is a usage error, not a network error');
  assert.match(bad.stderr, 'header name');
});

test('a key prefix the server echoes back is scrubbed from every report file and stream', async () => {
  const reports = join(dir, 'echo');
  const r = await cli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', `http://127.0.0.1:${echo.address().port}/v1.1`,
    '--reports-dir', reports, '--bundle', '--key', CANARY]);
  assert.is(r.code, 1, r.stderr);
  const everything = `${r.stdout}\n${r.stderr}\n${filesIn(reports)}`;
  assert.not.ok(everything.includes(CANARY.slice(0, 12)), 'no 12-character prefix of the key anywhere');
  assert.match(everything, '[REDACTED');
  // Unit level: a prefix of 12 or more is caught, a shorter one is left (it could be ordinary text).
  const s = new Scrubber([CANARY]);
  assert.match(s.scrub(`key ${CANARY.slice(0, 20)}...`), /^key \[REDACTED:sha256:[0-9a-f]{12}\]\.\.\.$/);
  assert.is(s.scrub(`x ${CANARY.slice(0, 11)} y`), `x ${CANARY.slice(0, 11)} y`);
});

test('GitHub annotations stay one line whatever $COLUMNS says', async () => {
  const r = await cli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', base(), '--key', SANDBOX_KEY,
    '--reports-dir', join(dir, 'ci'), '-H', `${SCENARIO_HEADER}: maintenance`], { GITHUB_ACTIONS: 'true', COLUMNS: '80' });
  assert.is(r.code, 3, r.stderr);
  const lines = r.stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('::error '));
  assert.ok(at >= 0, r.stderr);
  assert.ok(lines[at].length > 80, 'the annotation is not cut to the terminal width');
  assert.not.ok((lines[at + 1] ?? '').startsWith('  '), 'no continuation line after the annotation');
});

test('--offline without a key only validates: the key row warns, the exit code is 0', async () => {
  const r = await cli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--offline', '--json', '--reports-dir', join(dir, 'offline')]);
  assert.is(r.code, 0, r.stdout.slice(0, 500));
  const report = JSON.parse(r.stdout);
  assert.is(report.checks.find((c) => c.id === 'auth').status, 'warn');
  assert.is(report.requestsSent, 0);
});

test('--base-url with a query or fragment is a usage error, not a silently different URL', async () => {
  const r = await cli(['check', 'getRentalRates', '-p', 'state=CA', '--base-url', `${base()}?api_key=${CANARY}`]);
  assert.is(r.code, 2);
  assert.match(r.stderr, 'without a query');
  assert.not.ok(r.stderr.includes(CANARY));
});

test('--base-url with a user name and password is a usage error that shows neither (axios would send them as Basic)', async () => {
  const r = await cli(['check', 'getRentalRates', '-p', 'state=CA', '--base-url', `http://user:${CANARY}@127.0.0.1:9/v1.1`]);
  assert.is(r.code, 2);
  assert.match(r.stderr, 'must not hold a user name or password');
  assert.not.ok(r.stderr.includes(CANARY));
});

test('a key given where no value belongs is named, not printed, in the usage error', async () => {
  for (const args of [['check', 'getRentalRates', '--rapidapi', CANARY], ['validate', 'getRentalRates', CANARY]]) {
    const r = await cli(args);
    assert.is(r.code, 2);
    assert.not.ok(r.stderr.includes(CANARY), r.stderr);
    assert.match(r.stderr, 'looks like a key');
  }
  // An operationId or a path is still quoted.
  const typo = await cli(['validate', 'getRentalRatesX', 'extraWord']);
  assert.is(typo.code, 2);
});

test('the end or the middle of a key, or a key split by a line break, is scrubbed too', () => {
  const key = 'CANARYKEY1234567890abcdefghij';
  const s = new Scrubber([key]);
  for (const echo of [key.slice(-16), key.slice(4, 20), `${key.slice(0, 10)}\n${key.slice(10)}`, `${key.slice(0, 9)}-${key.slice(9)}`]) {
    const out = s.scrub(`echo ${echo} end`);
    for (let i = 0; i + 12 <= key.length; i++) assert.not.ok(out.includes(key.slice(i, i + 12)), `${JSON.stringify(echo)} -> ${out}`);
  }
});

test('a 2xx body cut at the cap that cannot start JSON is a server-side problem; one that can is not judged', () => {
  const r = resolveEndpoint('listCities');
  const spec = { operation: r.operation, params: { path: r.path, query: { state: 'TX' } }, mode: 'direct', baseUrl: 'http://127.0.0.1:9/v1.1', origin: 'flags' };
  const exchange = (body) => ({
    startedAt: new Date().toISOString(), request: { method: 'GET', url: 'http://127.0.0.1:9/v1.1/client/city/list?state=TX', headers: {}, body: null },
    response: { status: 200, statusText: 'OK', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body, bodyBytes: 9_000_000, truncated: true },
    timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 1 }, error: null, redirect: null,
  });
  const ctx = (body) => ({ spec, exchange: exchange(body), validation: { valid: true, errors: [], warnings: [] }, sendAnyway: false, intendedPerSecond: null, probe: null, nowMs: Date.now() });
  assert.is(responseCheck.run(ctx('aaaaaaaaaa')).status, 'fail');
  assert.is(responseCheck.run(ctx('\u0000\u0000\u0000')).status, 'fail');
  assert.is(responseCheck.run(ctx('{"status":"success","content":[1,2,')).status, 'pass');
});

test('Basic credentials are masked without a fingerprint that could be checked against guessed passwords', () => {
  const basic = `Basic ${Buffer.from('user:hunter2').toString('base64')}`;
  assert.is(maskCredential('authorization', basic), 'Basic [REDACTED]');
  assert.is(new Scrubber(['user:hunter2secret']).scrub('x user:hunter2secret y'), 'x [REDACTED] y');
  // An API key keeps its fingerprint, so two reports can be matched to one key.
  assert.match(maskCredential('x-api-key', CANARY), /^\[REDACTED:sha256:[0-9a-f]{12}\]$/);
});

test('bidirectional overrides are escaped like other controls', () => {
  assert.is(escapeControls('abc\u202edef'), 'abc\\u202edef');
});

test('a server message with escapes keeps the check table inside 80 columns, borders straight', async () => {
  const reports = join(dir, 'esc');
  const hostile = createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', code: 400, message: '\u001b[31mred\u001b[0m and \u001b]0;title\u0007 and more words to wrap the cell' }));
  });
  await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  try {
    const r = await cli(['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '--base-url', `http://127.0.0.1:${hostile.address().port}/v1.1`,
      '--reports-dir', reports], { COLUMNS: '80' });
    assert.is(r.code, 1, r.stderr);
    assert.not.ok(/\u001b/.test(r.stdout), 'no raw ESC');
    const table = r.stdout.split('\n').filter((l) => /^[│┌├└]/.test(l));
    assert.ok(table.length > 4);
    for (const line of table) assert.is(line.length, table[0].length, line);
    assert.ok(table[0].length <= 80);
  } finally {
    await new Promise((resolve) => hostile.close(resolve));
  }
});

test('an answer Node cannot parse as HTTP is named as such, not as an unreachable API', async () => {
  const raw = net.createServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nX-Bad: a\u0007b\r\nContent-Length: 2\r\n\r\n{}'));
  });
  await new Promise((resolve) => raw.listen(0, '127.0.0.1', resolve));
  try {
    const r = await cli(['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '--base-url', `http://127.0.0.1:${raw.address().port}/v1.1`,
      '--reports-dir', join(dir, 'raw'), '--json']);
    const report = JSON.parse(r.stdout);
    assert.match(report.error.code, /^HPE_/);
    assert.match(report.error.message, 'not in valid HTTP');
  } finally {
    await new Promise((resolve) => raw.close(resolve));
  }
});

test('a Postman URL object holding only raw is read; a -H value with a line break is a usage error', async () => {
  const file = join(dir, 'raw-url.json');
  writeFileSync(file, JSON.stringify({
    info: { name: 't', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [{ name: 'raw only', request: { method: 'GET', header: [], url: { raw: 'https://api.mashvisor.com/v1.1/client/city/list?state=TX' } } }],
  }));
  const r = await cli(['check', '--collection', file, '--offline', '--json']);
  assert.is(r.code, 0, r.stdout.slice(0, 300));
  assert.is(JSON.parse(r.stdout)[0].operationId, 'listCities');
  const crlf = await cli(['check', 'listCities', '-p', 'state=TX', '--base-url', base(), '-H', 'x-a: v\r\nX-Inj: 1']);
  assert.is(crlf.code, 2);
  assert.match(crlf.stderr, 'one line');
});

test('sanitize masks credential fields a JSON answer hands out, and their echoes elsewhere', () => {
  const token = 'HARBODYTOKEN5555555555';
  const har = { log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [{
    startedDateTime: '2025-01-01T00:00:00Z', time: 1,
    request: { method: 'GET', url: 'https://api.mashvisor.com/v1.1/client/city/list?state=TX', httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: -1 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'x-echo', value: `t=${token}` }], cookies: [],
      content: { size: 60, mimeType: 'application/json', text: JSON.stringify({ status: 'success', content: { token, city: 'Austin' } }) }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {}, timings: { send: 1, wait: 1, receive: 1 },
  }] } };
  const { har: out, removed } = sanitizeHar(har);
  const text = JSON.stringify(out);
  assert.not.ok(text.includes(token), text);
  assert.match(text, 'Austin');
  assert.ok(removed.some((r) => r.where === 'response'));
});

test.run();
