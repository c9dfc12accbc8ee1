// wrapFetch with Node's own global fetch against the simulator: the report comes from the app's exchange itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
// Imported by the package's own name, as an app would.
import { wrapFetch } from 'mashvisor-preflight';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { useSandbox } from './helpers.js';

let sandbox;
let dir;
useSandbox(test, 'mp-fetch-', (s, d) => {
  sandbox = s;
  dir = d;
});

const files = () => readdirSync(dir).filter((f) => !f.startsWith('history'));

/**
 * The report is built in the background after fetch resolves (the app's call is never held up): `seen` fills as
 * onReport is called, and `wait(n)` resolves once n reports (or errors) have arrived.
 */
function collector() {
  const seen = [];
  const waiters = [];
  const push = (r) => {
    seen.push(r);
    for (const w of waiters.splice(0)) w();
  };
  const wait = (n = 1) => new Promise((resolve) => {
    const check = () => (seen.length >= n ? resolve() : waiters.push(check));
    check();
  });
  return { seen, push, wait };
}
const keyHeaders = (extra = {}) => ({ 'x-api-key': SANDBOX_KEY, ...extra });

test('a 503: fetch resolves at once, the report follows on disk, one request only, and the app still reads the body', async () => {
  const { seen, push, wait } = collector();
  const wrapped = wrapFetch(fetch, { reportsDir: dir, onReport: push });
  const res = await wrapped(`${sandbox.directBaseUrl}/client/city/list?state=TX`, { headers: keyHeaders({ 'x-sandbox-scenario': 'maintenance' }) });
  assert.is(res.status, 503);
  assert.is(sandbox.requests, 1, 'no extra request');
  assert.match(await res.text(), /maintenance/, 'the body is still the app\'s to read');
  assert.is(res.bodyUsed, true);
  await wait(1);
  assert.is(seen.length, 1);
  assert.is(seen[0].verdict, 'server-error');
  assert.is(seen[0].request.operationId, 'listCities');
  assert.is(seen[0].request.origin, 'fetch');
  assert.match(seen[0].response.bodyText, /maintenance/);
  const written = files();
  assert.is(written.length, 2);
  for (const f of written) {
    assert.is(statSync(join(dir, f)).mode & 0o777, 0o600);
    assert.not.ok(readFileSync(join(dir, f), 'utf8').includes(SANDBOX_KEY), `${f} must not hold the key`);
  }
});

test('the Response is the very object fetch gave: status, headers and JSON body untouched', async () => {
  let original;
  const spy = async (input, init) => (original = await fetch(input, init));
  const wrapped = wrapFetch(spy, { onReport: () => {} });
  const res = await wrapped(`${sandbox.directBaseUrl}/client/rental-rates?state=CA&source=airbnb`, { headers: { 'x-api-key': 'sbx_wrong_key_0000000000' } });
  assert.is(res, original);
  assert.is(res.status, 401);
  const body = await res.json();
  assert.is(body.code, 401);
});

test('a 401: onReport gets the report naming the key problem; no files without reportsDir', async () => {
  const { seen, push, wait } = collector();
  const wrapped = wrapFetch(fetch, { onReport: push });
  const res = await wrapped(`${sandbox.directBaseUrl}/client/rental-rates?state=CA&source=airbnb`, { headers: { 'x-api-key': 'sbx_wrong_key_0000000000' } });
  assert.is(res.status, 401);
  await wait(1);
  assert.is(seen[0].verdict, 'client-error');
  assert.is(seen[0].checks.find((c) => c.id === 'auth').status, 'fail');
  assert.not.ok(JSON.stringify(seen[0]).includes('sbx_wrong_key_0000000000'));
  assert.is(files().length, 0);
});

test('a success makes no report; a URL that is not Mashvisor is passed through untouched', async () => {
  const seen = [];
  const wrapped = wrapFetch(fetch, { reportsDir: dir, onReport: (r) => seen.push(r) });
  const ok = await wrapped(`${sandbox.directBaseUrl}/client/city/list?state=TX`, { headers: keyHeaders() });
  assert.is(ok.status, 200);
  const other = await wrapped(`${sandbox.url}/not/an/api/path`);
  assert.ok(other.status >= 400, 'an error answer, but not from a Mashvisor operation');
  assert.is(seen.length, 0);
  assert.is(files().length, 0);
});

test('a network error: the thrown error is fetch\'s own, carrying preflightReport', async () => {
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  const wrapped = wrapFetch(fetch, { reportsDir: dir });
  const err = await wrapped(`http://127.0.0.1:${port}/v1.1/client/city/list?state=TX`, { headers: keyHeaders() }).catch((e) => e);
  assert.instance(err, TypeError);
  assert.is(err.preflightReport.report.verdict, 'network-error');
  assert.is(err.preflightReport.report.error.kind, 'refused');
  assert.ok(err.preflightReport.paths.json);
  assert.not.ok(readFileSync(err.preflightReport.paths.json, 'utf8').includes(SANDBOX_KEY));
});

test('a Request object with a JSON body: the report shows the body, the request goes out whole', async () => {
  const { seen, push, wait } = collector();
  const wrapped = wrapFetch(fetch, { onReport: push });
  const request = new Request(`${sandbox.directBaseUrl}/client/ml/mashmeter`, {
    method: 'POST', headers: keyHeaders({ 'content-type': 'application/json', 'x-sandbox-scenario': 'server-error' }), body: JSON.stringify({ beds: 3 }),
  });
  const res = await wrapped(request);
  assert.is(res.status, 500);
  assert.is(sandbox.requests, 1);
  await wait(1);
  assert.is(seen[0].request.method, 'POST');
  assert.equal(seen[0].request.body, { beds: 3 });
});

test('a server echoing the key: it is in no report, no file and not in onReport\'s copy', async () => {
  const { seen, push, wait } = collector();
  const canary = SANDBOX_KEY;
  const wrapped = wrapFetch(fetch, { reportsDir: dir, formats: ['json', 'md', 'html', 'har', 'junit'], onReport: push });
  // echo-key answers 200; the rate-limited scenario after it makes the answer an error worth reporting.
  const echo = await wrapped(`${sandbox.directBaseUrl}/client/city/list?state=TX&api_key=${canary}`, { headers: keyHeaders({ 'x-sandbox-scenario': 'echo-key' }) });
  await echo.text();
  const res = await wrapped(`${sandbox.directBaseUrl}/client/city/list?state=TX&api_key=${canary}`, { headers: keyHeaders({ 'x-sandbox-scenario': 'unauthorized', cookie: `s=${canary}` }) });
  assert.is(res.status, 401);
  await wait(1);
  assert.is(seen.length, 1);
  assert.not.ok(JSON.stringify(seen[0]).includes(canary));
  for (const f of files()) assert.not.ok(readFileSync(join(dir, f), 'utf8').includes(canary), f);
});

test('a large error body: the report keeps the first MiB, the app reads all of it', async () => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  const server = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(big);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { seen, push, wait } = collector();
    const wrapped = wrapFetch(fetch, { onReport: push });
    const res = await wrapped(`http://127.0.0.1:${server.address().port}/v1.1/client/city/list?state=TX`, { headers: keyHeaders() });
    assert.is((await res.text()).length, big.length);
    await wait(1);
    assert.is(seen[0].response.truncated, true);
    assert.ok(seen[0].response.bodyText.length <= 1024 * 1024);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a report that cannot be written does not change what the app sees; onError is told', async () => {
  const { seen: errors, push, wait } = collector();
  const blocker = join(dir, 'file');
  await import('node:fs/promises').then((fs) => fs.writeFile(blocker, 'x'));
  const wrapped = wrapFetch(fetch, { reportsDir: join(blocker, 'reports'), onError: push });
  const res = await wrapped(`${sandbox.directBaseUrl}/client/city/list?state=TX`, { headers: keyHeaders({ 'x-sandbox-scenario': 'maintenance' }) });
  assert.is(res.status, 503);
  await wait(1);
  assert.is(errors.length, 1);
  assert.match(String(errors[0].message), /cannot write reports/);
});

test.run();
