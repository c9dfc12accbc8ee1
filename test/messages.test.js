import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportPaths, root, runCli } from './helpers.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';
import { parseBatchLine } from '../dist/batch/jsonl.js';
import { groupProblems, paramsCheck } from '../dist/checks/params.js';
import { judgeRateLimit } from '../dist/checks/ratelimit.js';
import { responseCheck } from '../dist/checks/response.js';

// The checks run on one context; these tests vary its spec and exchange only.
const context = (spec, exchange, extra = {}) => ({
  spec, exchange, validation: { valid: true, errors: [], warnings: [] }, sendAnyway: false, intendedPerSecond: null, probe: null, nowMs: Date.now(), ...extra,
});
const respond = (spec, exchange) => responseCheck.run(context(spec, exchange));
import { verdictLine } from '../dist/cli/report-view.js';
import { resolveEndpoint } from '../dist/catalog/resolve.js';
import { validateParams } from '../dist/catalog/validate.js';

// Every message a newcomer meets reads right: each case below was a wrong or clumsy message first.

const inputs = join(root, 'test', 'fixtures', 'inputs');
let sandbox;
let dir;
test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'mp-messages-'));
});
test.after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args, env = {}) => runCli(args, { env: { NO_COLOR: '1', ...env } });
const specFor = (endpoint, mode = 'direct') => {
  const r = resolveEndpoint(endpoint);
  return { operation: r.operation, params: { path: r.path, query: r.query }, mode, baseUrl: 'http://127.0.0.1:9/v1.1', origin: 'flags' };
};
const exchangeOf = (status, body, headers = {}, extra = {}) => ({
  startedAt: '2026-11-26T10:00:00.000Z', request: { method: 'GET', url: 'http://127.0.0.1:9/v1.1/client/city/list', headers: {}, body: null },
  response: { status, statusText: '', httpVersion: '1.1', headers, body, bodyBytes: Buffer.byteLength(body), truncated: false, ...extra },
  timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 1 }, error: null, redirect: null,
});

test('report FILE.json alone prints the Markdown report', async () => {
  const made = await cli(['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir]);
  assert.is(made.code, 0, made.stderr);
  const json = join(dir, readdirSync(dir).find((f) => f.endsWith('.json')));
  const r = await cli(['report', json]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# Mashvisor API preflight/);
  // Asked for files, it lists each on its own line.
  const files = await cli(['report', json, '--html', '--har']);
  assert.is(files.code, 0, files.stderr);
  const written = reportPaths(files.stdout, 'Written:');
  assert.is(written.length, 2);
  assert.ok(written.every((p) => p.endsWith('.html') || p.endsWith('.har')), written.join(' | '));
});

test('sizes read in KiB/MiB/GiB, not in raw bytes', () => {
  const huge = exchangeOf(200, '{"status":"success","content":', {}, { bodyBytes: 5_976_883, truncated: true });
  assert.match(respond(specFor('listCities'), huge).message, 'body over 1 MiB: 5.7 MiB');
  const broken = { ...huge, error: { kind: 'reset', code: 'ECONNRESET', message: 'the connection was reset' } };
  assert.match(respond(specFor('listCities'), broken).message, 'after 5.7 MiB');
  // Past the read limit the exchange stops reading, and the message says where.
  const endless = exchangeOf(200, '{"status":"success","content":', {}, { bodyBytes: 8_454_144, truncated: true, readStopped: true });
  assert.match(respond(specFor('listCities'), endless).message, 'did not end within 8 MiB: reading stopped after 8.1 MiB');
});

test('a batch line that is not JSON at all says so, with its first character', () => {
  assert.is(parseBatchLine('https://api.mashvisor.com/v1.1/client/city/list?state=TX').error, "not JSON: starts with 'h'");
  assert.is(parseBatchLine('GET /client/city/list').error, "not JSON: starts with 'G'");
  // Text that starts like JSON keeps the column.
  assert.match(parseBatchLine('{"endpoint": oops}').error, /^malformed JSON at column \d+/);
});

test('a RapidAPI/direct key mix-up is named once in its cell, with advice that says what to do', async () => {
  const r = await cli(['check', 'listCities', '-p', 'state=TX', '--rapidapi', '--key', SANDBOX_KEY, '--base-url', sandbox.rapidapiBaseUrl, '--reports-dir', dir, '--json']);
  const report = JSON.parse(r.stdout);
  const auth = report.checks.find((c) => c.id === 'auth');
  const cell = `${auth.message}\n${auth.advice}`;
  assert.is(cell.split('does not look like a RapidAPI key').length - 1, 1, cell);
  assert.match(auth.advice, /--rapidapi/);
  // RapidAPI turned the key away: the rate-limit row speaks of RapidAPI, not of the direct API.
  const rate = report.checks.find((c) => c.id === 'rate-limit');
  assert.not.match(rate.message, /direct API/);
  assert.match(rate.message, /RapidAPI/);
});

test('a RapidAPI 401 without quota headers does not talk about the direct API', () => {
  const { check } = judgeRateLimit({ headers: { 'content-type': 'application/json' }, status: 401, mode: 'rapidapi' });
  assert.not.match(check.message, /direct API/);
  const direct = judgeRateLimit({ headers: {}, status: 200, mode: 'direct' }).check;
  assert.match(direct.message, /direct API documents none/);
});

test('unknown parameters share one piece of advice; check keeps the hints validate shows', async () => {
  const op = resolveEndpoint('getRentalRates').operation;
  const result = await validateParams(op, { path: {}, query: { state: 'California', zipcode: '78701', bedroom: '2', foo: '1', source: 'airbnb' } });
  const grouped = groupProblems(result.warnings);
  const unknown = grouped.filter((p) => /unknown parameters?/.test(p.message));
  assert.is(unknown.length, 1);
  assert.is(unknown[0].message, 'bedroom, foo: unknown parameters for getRentalRates');
  const check = paramsCheck.run(context(null, null, { validation: result }));
  assert.is(check.status, 'fail');
  assert.match(check.message, 'did you mean zip_code?', 'the hint stays next to the error');
  assert.is(check.advice.split('remove them, or see').length - 1, 1, check.advice);
  // validate prints the same hint and the grouped row.
  const v = await cli(['validate', 'getRentalRates', '-p', 'state=California', '-p', 'zipcode=78701', '-p', 'bedroom=2', '-p', 'foo=1', '-p', 'source=airbnb'], { COLUMNS: '200' });
  assert.match(v.stdout, 'did you mean zip_code?');
  assert.match(v.stdout, 'bedroom, foo: unknown parameters for getRentalRates');
  assert.is(v.stdout.split('remove them, or see').length - 1, 1);
});

test('no answer reads "0 answered", never as if a request had been answered', () => {
  const report = { verdict: 'network-error', exitCode: 4, requestsSent: 1, response: null, checks: [] };
  assert.match(verdictLine(report), '(exit 4, 1 request tried, 0 answered)');
  assert.match(verdictLine({ verdict: 'pass', exitCode: 0, requestsSent: 1, response: { status: 200 }, checks: [] }), '(exit 0, 1 request sent)');
  // Too narrow for one line: the counts go to the next line whole.
  assert.match(verdictLine(report, 60), /reached\n {2}\(exit 4, 1 request tried, 0 answered\)$/);
});

test('a refused connection says 0 answered on the terminal output', async () => {
  const r = await cli(['check', 'listCities', '-p', 'state=TX', '--key', SANDBOX_KEY, '--base-url', 'http://127.0.0.1:9/v1.1', '--reports-dir', dir], { COLUMNS: '200' });
  assert.is(r.code, 4);
  assert.match(r.stdout, '1 request tried, 0 answered');
  assert.not.match(r.stdout, '1 request sent');
});

test('the 502 message ends its sentence; a server message is not followed by a second full stop', () => {
  const page = exchangeOf(502, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' });
  const message = respond(specFor('listCities'), page).message;
  assert.match(message, /if you're seeing this\. The body is an HTML page/);
  const said = exchangeOf(401, '{"status":"error","code":401,"message":"Invalid API key. Go to the docs for more info."}', { 'content-type': 'application/json' });
  assert.not.match(respond(specFor('listCities'), said).message, /\.\."|"\./);
});

test('--timeout: the message gives the range that is accepted', async () => {
  for (const value of ['abc', '0', '-5', '1.5']) {
    const r = await cli(['check', 'listCities', '-p', 'state=TX', '--timeout', value]);
    assert.is(r.code, 2, value);
    assert.match(r.stderr, '--timeout must be a whole number of milliseconds from 1 to 2147483647', value);
  }
});

test('--entry N: an entry the HAR does not have, and one that is not a Mashvisor request, are told apart', async () => {
  const har = join(inputs, 'three-entries.har');
  const missing = await cli(['check', '--from-har', har, '--entry', '4']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, 'entry 4 does not exist (the HAR has 3 entries); choose one of 2');
  const other = await cli(['check', '--from-har', har, '--entry', '1']);
  assert.is(other.code, 2);
  assert.match(other.stderr, 'entry 1 is not a Mashvisor request; choose one of 2');
});

test("the README's library section says what each function returns", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const library = readme.slice(readme.indexOf('## Library'), readme.indexOf('## More'));
  for (const name of ['validateRequest', 'runPreflight', 'writeReport', 'attachPreflight']) {
    const line = library.split('\n- ').find((l) => l.startsWith(`\`${name}(`));
    assert.ok(line, name);
    assert.match(line, /returns /i, name);
  }
  assert.match(library, /validateRequest[^\n]*\n?[^\n]*Promise/);
});

test.run();
