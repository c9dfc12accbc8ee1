// Telling a preflight error apart, and onReport's second argument: what a library user catches and receives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import axios from 'axios';
import { attachPreflight, hasPreflightReport, wrapFetch } from 'mashvisor-preflight';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { useSandbox } from './helpers.js';

let sandbox;
let dir;
useSandbox(test, 'mp-library-errors-', (s, d) => {
  sandbox = s;
  dir = d;
});

test('hasPreflightReport: true for a failed axios call with its report, false for anything else', async () => {
  const seen = [];
  const client = axios.create({ baseURL: sandbox.directBaseUrl, headers: { 'x-api-key': 'wrong-key-0123456789' } });
  attachPreflight(client, { reportsDir: dir, onReport: (report, paths) => seen.push({ report, paths }) });
  const err = await client.get('/client/city/list', { params: { state: 'TX' } }).catch((e) => e);
  assert.ok(hasPreflightReport(err));
  assert.is(err.preflightReport.report.verdict, 'client-error');
  // onReport got the same report and the paths of the files written.
  assert.is(seen.length, 1);
  assert.is(seen[0].report, err.preflightReport.report);
  assert.equal(seen[0].paths, err.preflightReport.paths);
  assert.ok(existsSync(seen[0].paths.json) && existsSync(seen[0].paths.md));
  for (const other of [new Error('plain'), { preflightReport: { report: {}, paths: {} } }, null, undefined, 'text', Object.assign(new Error('x'), { preflightReport: null })]) {
    assert.not.ok(hasPreflightReport(other), String(other));
  }
});

test('wrapFetch: onReport gets the paths too (empty without reportsDir); a network failure carries the report', async () => {
  // The report is built in the background after fetch resolves: wait for onReport itself, not for a fixed time.
  const seen = [];
  let arrived = () => {};
  const next = () => new Promise((resolve) => (arrived = resolve));
  const onReport = (report, paths) => { seen.push(paths); arrived(); };
  const f = wrapFetch(fetch, { onReport });
  let report = next();
  const res = await f(`${sandbox.directBaseUrl}/client/city/list?state=TX`, { headers: { 'x-api-key': 'wrong-key-0123456789' } });
  assert.is(res.status, 401);
  await report;
  assert.equal(seen, [{}]);
  const withFiles = wrapFetch(fetch, { reportsDir: dir, onReport });
  report = next();
  await withFiles(`${sandbox.directBaseUrl}/client/city/list?state=TX`, { headers: { 'x-api-key': SANDBOX_KEY, 'x-sandbox-scenario': 'maintenance' } });
  await report;
  assert.ok(existsSync(seen[1].json), JSON.stringify(seen[1]));
  // Port 9 on loopback refuses: nothing leaves the machine.
  const err = await f('http://127.0.0.1:9/v1.1/client/city/list?state=TX').catch((e) => e);
  assert.ok(hasPreflightReport(err), String(err));
  assert.is(err.preflightReport.report.verdict, 'network-error');
});

test.run();
