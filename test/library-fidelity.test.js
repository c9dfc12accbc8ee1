// The library never changes the app's own call: the axios interceptor records the URL axios really sent (baseURL
// path, params of any shape) and masks every secret in it; wrapFetch hands back fetch's Response as soon as fetch
// resolves (a trickling error body does not hold the app up) and never drains a streaming request body first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import { attachPreflight, wrapFetch } from 'mashvisor-preflight';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { useSandbox } from './helpers.js';

let sandbox;
let dir;
useSandbox(test, 'mp-libfid-', (s, d) => {
  sandbox = s;
  dir = d;
});

const CANARY = 'canary-param-key-5f4e3d2c1b0a99887766';
const CEILING_MS = 10_000; // a generous bound: only a broken wrapper ever reaches it

/** A loopback server; `handle(req, res)` answers. */
async function serve(handle) {
  const server = createServer(handle);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}

test('interceptor: the URL recorded is the one axios sent, baseURL path included', async () => {
  const client = axios.create({ baseURL: sandbox.directBaseUrl, headers: { 'x-api-key': SANDBOX_KEY } });
  const reports = [];
  attachPreflight(client, { onReport: (r) => reports.push(r) });
  await client.get('/client/city/list', { params: { state: 'TX' }, headers: { 'x-sandbox-scenario': 'maintenance' } }).catch((e) => e);
  assert.is(reports.length, 1);
  assert.is(reports[0].request.url, `${sandbox.directBaseUrl}/client/city/list?state=TX`);
});

test('interceptor: a key in URLSearchParams params is masked, even when the server echoes the URL', async () => {
  const echo = await serve((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', message: `bad key in ${req.url}`, upper: req.url.toUpperCase() }));
  });
  try {
    const client = axios.create({ baseURL: `${echo.url}/v1.1` });
    attachPreflight(client, { reportsDir: dir });
    const params = new URLSearchParams({ state: 'TX', api_key: CANARY });
    const err = await client.get('/client/city/list', { params }).catch((e) => e);
    const { report, paths } = err.preflightReport;
    assert.match(report.request.url, '/v1.1/client/city/list?state=TX&api_key=');
    assert.not.match(JSON.stringify(report), CANARY);
    assert.not.match(JSON.stringify(report).toUpperCase(), CANARY.toUpperCase());
    for (const file of Object.values(paths)) {
      const text = readFileSync(file, 'utf8');
      assert.not.match(text, CANARY, file);
      assert.not.match(text.toUpperCase(), CANARY.toUpperCase(), file);
    }
  } finally {
    await echo.close();
  }
});

test('wrapFetch: a trickling error body does not hold up the app\'s call; the report follows', async () => {
  let ended = false;
  let release;
  const released = new Promise((resolve) => (release = resolve));
  const slow = await serve((req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.write('{"status":"error",');
    // The rest comes only once the test says so (or the ceiling passes, for a broken wrapper that waited for it).
    const timer = setTimeout(release, CEILING_MS);
    released.then(() => {
      clearTimeout(timer);
      ended = true;
      res.end('"message":"later"}');
    });
  });
  try {
    let resolveReport;
    const reported = new Promise((resolve) => (resolveReport = resolve));
    const wrapped = wrapFetch(fetch, { onReport: resolveReport });
    const res = await wrapped(`${slow.url}/v1.1/client/city/list?state=TX`, { headers: { 'x-api-key': SANDBOX_KEY } });
    assert.is(ended, false, 'fetch resolved only after the whole error body arrived');
    assert.is(res.status, 503);
    release();
    assert.is(await res.text(), '{"status":"error","message":"later"}');
    const report = await reported;
    assert.match(report.response.bodyText, 'later');
  } finally {
    await slow.close();
  }
});

/** A request body that ends only after the server has seen the request: a wrapper that drains it first stalls. */
function streamingBody(seen) {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent === 0) {
        sent++;
        controller.enqueue(new TextEncoder().encode('{"beds":'));
        return;
      }
      await Promise.race([seen.promise, new Promise((r) => setTimeout(r, CEILING_MS))]);
      controller.enqueue(new TextEncoder().encode('3}'));
      seen.closed = true;
      controller.close();
    },
  });
}

for (const [what, path] of [['a Mashvisor operation', '/v1.1/client/ml/mashmeter'], ['any other URL', '/upload']]) {
  test(`wrapFetch: a streaming request body to ${what} goes out as it is produced, never drained first`, async () => {
    const seen = {};
    seen.promise = new Promise((resolve) => (seen.resolve = resolve));
    const server = await serve((req, res) => {
      seen.closedAtHeaders = Boolean(seen.closed);
      seen.resolve();
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', got: body }));
      });
    });
    try {
      const wrapped = wrapFetch(fetch, { onReport: () => {} });
      const request = new Request(`${server.url}${path}`, {
        method: 'POST', headers: { 'x-api-key': SANDBOX_KEY, 'content-type': 'application/json' }, body: streamingBody(seen), duplex: 'half',
      });
      const res = await wrapped(request);
      assert.is(seen.closedAtHeaders, false, 'the body was drained before the request left');
      assert.equal(await res.json(), { status: 'error', got: '{"beds":3}' });
    } finally {
      await server.close();
    }
  });
}

test.run();
