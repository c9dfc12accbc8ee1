import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
// Imported by the package's own name, as an app would: this exercises the "exports" entry.
import { attachPreflight, runPreflight, validateRequest } from 'mashvisor-preflight';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { useSandbox } from './helpers.js';

let sandbox;
let dir;
useSandbox(test, 'mp-interceptor-', (s, d) => {
  sandbox = s;
  dir = d;
});

function app(key = SANDBOX_KEY) {
  return axios.create({ baseURL: sandbox.directBaseUrl, headers: { 'x-api-key': key } });
}

test('a 5xx in the app leaves a report on disk before the promise rejects, with no extra request', async () => {
  const client = app();
  attachPreflight(client, { reportsDir: dir });
  const err = await client.get('/client/city/list', { params: { state: 'TX' }, headers: { 'x-sandbox-scenario': 'maintenance' } }).catch((e) => e);
  assert.is(err.response.status, 503);
  assert.is(sandbox.requests, 1, 'only the app\'s own request reached the server');
  const { report, paths } = err.preflightReport;
  assert.is(report.verdict, 'server-error');
  assert.is(report.request.operationId, 'listCities');
  assert.is(report.requestsSent, 1);
  assert.ok(paths.json && paths.md);
  const files = readdirSync(dir).filter((f) => !f.startsWith('history'));
  assert.is(files.length, 2);
  for (const f of files) {
    assert.is(statSync(join(dir, f)).mode & 0o777, 0o600);
    assert.not.ok(readFileSync(join(dir, f), 'utf8').includes(SANDBOX_KEY), `${f} must not hold the key`);
  }
});

test('the environment block names the axios the app used: from its User-Agent, else the instance, else the installed one', async () => {
  const seen = [];
  const client = app();
  attachPreflight(client, { onReport: (r) => seen.push(r) });
  await client.get('/client/city/list', { params: { state: 'TX' }, headers: { 'x-sandbox-scenario': 'maintenance' } }).catch((e) => e);
  // An app that sends its own User-Agent: the version comes from the axios the app holds.
  await client.get('/client/city/list', { params: { state: 'TX' }, headers: { 'x-sandbox-scenario': 'maintenance', 'user-agent': 'my-app/2' } }).catch((e) => e);
  assert.equal(seen.map((r) => r.environment.axios), [axios.VERSION, axios.VERSION]);
});

test('a 401 names the key problem; onReport receives the report', async () => {
  const seen = [];
  const client = app('not-the-right-key-123');
  attachPreflight(client, { onReport: (r) => seen.push(r) });
  const err = await client.get('/client/rental-rates', { params: { state: 'CA', source: 'airbnb' } }).catch((e) => e);
  assert.is(err.response.status, 401);
  assert.is(seen.length, 1);
  assert.is(seen[0].verdict, 'client-error');
  assert.is(seen[0].checks.find((c) => c.id === 'auth').status, 'fail');
  assert.equal(err.preflightReport.paths, {});
  assert.is(sandbox.requests, 1);
});

test('a key the app sends as a Bearer token is named in the report, from the one exchange', async () => {
  const client = axios.create({ baseURL: sandbox.directBaseUrl, headers: { Authorization: `Bearer ${SANDBOX_KEY}` } });
  attachPreflight(client, { onReport: () => {} });
  const err = await client.get('/client/city/list', { params: { state: 'TX' } }).catch((e) => e);
  assert.is(err.response.status, 401);
  assert.is(sandbox.requests, 1);
  const { report } = err.preflightReport;
  const auth = report.checks.find((c) => c.id === 'auth');
  assert.is(auth.status, 'fail');
  assert.match(auth.message, /Bearer token in the Authorization header/);
  assert.match(auth.message, /as your app sent it/);
  assert.ok(report.key.fingerprint, 'the key is identified by its fingerprint');
  assert.not.ok(JSON.stringify(report).includes(SANDBOX_KEY));
});

test('a 404 without state is diagnosed from the captured exchange', async () => {
  const client = app();
  attachPreflight(client, { onReport: () => {} });
  const err = await client.get('/client/rental-rates', { params: { source: 'airbnb' } }).catch((e) => e);
  assert.is(err.response.status, 404);
  const report = err.preflightReport.report;
  assert.match(report.checks.find((c) => c.id === 'response').message, /state missing/);
  assert.is(report.checks.find((c) => c.id === 'params').status, 'fail');
});

test('network errors are reported as network-error', async () => {
  const client = axios.create({ baseURL: 'http://127.0.0.1:9/v1.1', headers: { 'x-api-key': SANDBOX_KEY } });
  attachPreflight(client, { onReport: () => {} });
  const err = await client.get('/client/city/list', { params: { state: 'TX' } }).catch((e) => e);
  assert.is(err.preflightReport.report.verdict, 'network-error');
  assert.is(err.preflightReport.report.error.code, 'ECONNREFUSED');
});

test('successful calls and non-Mashvisor URLs are left alone; detach stops it', async () => {
  const client = app();
  const detach = attachPreflight(client, { reportsDir: dir });
  const ok = await client.get('/client/city/list', { params: { state: 'TX' } });
  assert.is(ok.status, 200);
  const other = await client.get(`${sandbox.url}/not-mashvisor`).catch((e) => e);
  assert.is(other.preflightReport, undefined);
  detach();
  const err = await client.get('/client/city/list', { params: { state: 'TX' }, headers: { 'x-sandbox-scenario': 'server-error' } }).catch((e) => e);
  assert.is(err.preflightReport, undefined);
  assert.is(readdirSync(dir).length, 0);
});

test('library: validateRequest and runPreflight take friendly requests', async () => {
  const bad = await validateRequest({ endpoint: 'getRentalRates', params: { source: 'airbnb' } });
  assert.is(bad.valid, false);
  assert.is(bad.errors[0].param, 'state');
  const report = await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: SANDBOX_KEY, baseUrl: sandbox.directBaseUrl });
  assert.is(report.verdict, 'pass');
  assert.is(sandbox.requests, 1);
  assert.not.ok(JSON.stringify(report).includes(SANDBOX_KEY));
});

test.run();
