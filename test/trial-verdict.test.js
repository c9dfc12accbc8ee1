// Found by a tester's trial run: (1) a 200 whose body never ends, or is too large to read, was judged a pass
// although its body was never read to its end; (2) `check --watch --json` named only the last report's files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { reportPaths, runCli, useSandbox } from './helpers.js';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { CAUSES, causeOf, nextStep } from '../dist/index.js';
import { responseCheck } from '../dist/checks/response.js';
import { shouldKeepWatching } from '../dist/cli/watch.js';
import { resolveEndpoint } from '../dist/catalog/resolve.js';

let sandbox;
let dir;
useSandbox(test, 'mvp-trial-verdict-', (s, d) => {
  sandbox = s;
  dir = d;
});

const env = { MASHVISOR_API_KEY: SANDBOX_KEY, COLUMNS: '80' };
const check = (scenario, ...more) => ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl,
  '--reports-dir', dir, '-H', `x-sandbox-scenario: ${scenario}`, ...more];

for (const scenario of ['endless', 'huge']) {
  test(`a 200 whose body does not end within the read limit (${scenario}) is a server error, not a pass`, async () => {
    const r = await runCli(check(scenario, '--json'), { env });
    assert.is(r.code, 3, r.stderr);
    assert.is(sandbox.requests, 1, 'one request, as always');
    const report = JSON.parse(r.stdout);
    assert.is(report.verdict, 'server-error');
    const row = report.checks.find((c) => c.id === 'response');
    assert.is(row.status, 'fail', row.message);
    assert.is(row.details.side, 'server');
    assert.is(causeOf(report), 'body-too-large');
    assert.match(row.message, /HTTP 200, but the body did not end within 8 MiB/);
    assert.match(row.advice, /support/);
    assert.not.ok(`${r.stdout}${r.stderr}`.includes(SANDBOX_KEY));
  });
}

test('the table shows the row as a failure with the advice, and every line fits 80 columns', async () => {
  const r = await runCli(check('endless'), { env });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stdout, /server-error/);
  assert.match(r.stdout.replace(/\s+/g, ' '), /did not end within 8 MiB/);
  for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, line);
});

const spec = () => {
  const r = resolveEndpoint('getRentalRates');
  return { operation: r.operation, params: { path: {}, query: { state: 'CA', source: 'airbnb' } }, mode: 'direct', baseUrl: 'http://127.0.0.1:9/v1.1', origin: 'flags' };
};
const exchange200 = (extra) => ({
  startedAt: '2026-12-05T10:00:00.000Z', request: { method: 'GET', url: 'http://127.0.0.1:9/v1.1/client/rental-rates?state=CA&source=airbnb', headers: {}, body: null },
  response: { status: 200, statusText: 'OK', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body: '{"status":"success","content":"', truncated: true, ...extra },
  timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 1 }, error: null, redirect: null,
});
const judge = (exchange) => responseCheck.run({ spec: spec(), validation: { valid: true, errors: [], warnings: [] }, exchange, sendAnyway: false, intendedPerSecond: null, probe: null, nowMs: Date.now() });

test('the verdict follows what the exchange did, not the size alone: a body recorded whole (HAR, the app) is not failed', () => {
  const stopped = judge(exchange200({ bodyBytes: 8_454_144, readStopped: true }));
  assert.is(stopped.status, 'fail', stopped.message);
  assert.is(stopped.details.cause, 'body-too-large');
  assert.match(stopped.message, /reading stopped after 8\.1 MiB/);
  // 20 MiB that a browser or the app read to its end: judged as before (its start may be JSON), not a server error.
  const whole = judge(exchange200({ bodyBytes: 20 * 1024 * 1024 }));
  assert.is(whole.status, 'pass', whole.message);
  assert.is(whole.details.cause, 'ok');
  assert.not.match(whole.message, /reading stopped/);
});

test('the cause table: a server problem, worth waiting for; --watch retries it within its budget; explain 200 names it', async () => {
  assert.equal(CAUSES['body-too-large'].verdict, 'server-error');
  assert.is(nextStep('body-too-large'), 'wait');
  assert.match(CAUSES['body-too-large'].todo, /support/);
  const report = { verdict: 'server-error', requestsSent: 1, error: null, response: { status: 200 },
    checks: [{ id: 'response', details: { side: 'server', cause: 'body-too-large' } }] };
  assert.ok(shouldKeepWatching(report));
  const explained = await runCli(['explain', '200', '--json']);
  assert.is(explained.code, 0, explained.stderr);
  const other = JSON.parse(explained.stdout).otherAnswers.find((a) => /8 MiB/.test(a.answer));
  assert.ok(other, explained.stdout);
  assert.equal({ todo: other.todo, next: other.next }, { todo: CAUSES['body-too-large'].todo, next: 'wait' });
  const text = await runCli(['explain', '200'], { env: { COLUMNS: '80' } });
  assert.match(text.stdout.replace(/\s+/g, ' '), /8 MiB/);
  for (const line of text.stdout.split('\n')) assert.ok(line.length <= 80, line);
});

test('check --watch on an endless body: retries within --max-requests, then exits 3', async () => {
  const r = await runCli(check('endless', '--watch', '--max-requests', '2', '--every', '1s'), { env });
  assert.is(r.code, 3, r.stderr);
  assert.is(sandbox.requests, 2);
  assert.match(r.stdout, /--max-requests 2 spent/);
});

test('check --watch --json names every file written: the first failure\'s as well as the last attempt\'s', async () => {
  const table = await runCli(check('recovering', '--watch'), { env });
  assert.is(table.code, 0, table.stderr);
  const listed = reportPaths(table.stdout);
  assert.is(listed.length, 4, listed.join(' | '));

  sandbox.resetStats();
  const jsonDir = join(dir, 'json');
  const args = check('recovering', '--watch', '--json').map((a) => (a === dir ? jsonDir : a));
  const r = await runCli(args, { env });
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  // Unchanged: `files` is the final report's.
  assert.ok(existsSync(out.files.json) && existsSync(out.files.md));
  assert.is(out.watch.outcome, 'recovered');
  // Added: the first failure's files, the one watch.firstFailureReport names.
  assert.ok(out.firstFailureFiles, Object.keys(out).join(', '));
  assert.is(basename(out.firstFailureFiles.json), out.watch.firstFailureReport);
  assert.ok(existsSync(out.firstFailureFiles.md));
  // Every report file on disk is named by the JSON, as the table names each.
  const named = new Set([...Object.values(out.files), ...Object.values(out.firstFailureFiles)]);
  const onDisk = readdirSync(jsonDir).filter((f) => /\.(json|md)$/.test(f)).map((f) => join(jsonDir, f));
  assert.is(onDisk.length, 4);
  for (const file of onDisk) assert.ok(named.has(file), `${file} in ${[...named].join(', ')}`);
});

test('check --watch --json that passes at once has no firstFailureFiles', async () => {
  const r = await runCli(check('ok', '--watch', '--json'), { env });
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.firstFailureFiles, undefined);
  assert.ok(existsSync(out.files.json));
});

test.run();
