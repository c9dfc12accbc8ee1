// The destination rule: the user's key goes only to a Mashvisor host or the host named on the command line, and
// over plain http only to loopback. A host an input file names (a saved report, a Postman variable, a curl command,
// a HAR entry) is refused with a message that names it and says how to allow it (exit 2), and nothing is sent.
// Placeholders are never sent as a key; a key given on the command line wins over one a file holds.
// The "foreign" host here is the simulator on 127.0.0.1: it is not a Mashvisor host, so the rule applies to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { runCli, useSandbox } from './helpers.js';

let sandbox;
let dir;
useSandbox(test, 'mp-destination-', (s, d) => {
  sandbox = s;
  dir = d;
});

const USER_KEY = 'user-canary-key-0123456789abcdef';
const base = () => `${sandbox.url}/v1.1`;
const host = () => new URL(sandbox.url).host;
const reportsDir = () => join(dir, 'reports');
const ratesUrl = () => `${base()}/client/rental-rates?state=TX&city=Austin&source=airbnb`;

function assertRefused(r, what) {
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.is(sandbox.log.length, 0, `${what}: a request was sent`);
  assert.match(r.stderr, host(), `${what}: the message names the host`);
  assert.match(r.stderr, '--base-url', `${what}: the message says how to allow it`);
  assert.not.match(r.stdout + r.stderr, USER_KEY);
}

test('replay: a saved report\'s host never gets the key from the environment; --base-url allows it and the output names the host', async () => {
  const first = await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'city=Austin', '-p', 'source=airbnb', '--base-url', base(), '--reports-dir', join(dir, 'first')], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(first.code, 0, first.stderr);
  const [name] = readdirSync(join(dir, 'first')).filter((f) => f.endsWith('.json'));
  const file = join(dir, 'first', name);
  sandbox.resetStats();
  const refused = await runCli(['replay', file, '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: USER_KEY } });
  assertRefused(refused, 'replay');
  assert.match(refused.stderr, 'the saved report');
  const allowed = await runCli(['replay', file, '--base-url', base(), '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(allowed.code, 0, allowed.stdout + allowed.stderr);
  assert.is(sandbox.log.length, 1);
  assert.match(allowed.stdout, `Sent to http://${host()}`);
});

test('a Postman collection whose {{baseUrl}} names another host gets no key', async () => {
  const collection = join(dir, 'c.json');
  writeFileSync(collection, JSON.stringify({
    info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    variable: [{ key: 'baseUrl', value: base() }],
    item: [{ name: 'rates', request: { method: 'GET', url: '{{baseUrl}}/client/rental-rates?state=TX&city=Austin&source=airbnb' } }],
  }));
  const r = await runCli(['check', '--collection', collection, '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: USER_KEY } });
  assertRefused(r, 'collection');
  assert.match(r.stderr, 'collection item 1');
  // Validating it offline sends nothing, so nothing is refused.
  const offline = await runCli(['check', '--collection', collection, '--offline'], { env: { MASHVISOR_API_KEY: USER_KEY } });
  assert.is.not(offline.code, 2, offline.stderr);
  assert.is(sandbox.log.length, 0);
});

test('a curl command with no key header, aimed at another host, is not sent with the env key (or --key)', async () => {
  const curl = `curl '${ratesUrl()}'`;
  assertRefused(await runCli(['check', '--from-curl', curl, '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: USER_KEY } }), 'curl + env');
  assertRefused(await runCli(['check', '--from-curl', curl, '--key', USER_KEY, '--reports-dir', reportsDir()]), 'curl + --key');
  // Named on the command line: sent there, and the output names where.
  const named = await runCli(['check', '--from-curl', curl, '--base-url', base(), '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(named.code, 0, named.stdout + named.stderr);
  assert.is(sandbox.log.length, 1);
  assert.is(sandbox.log[0].headers['x-api-key'], SANDBOX_KEY);
  assert.match(named.stdout, host());
});

test('a curl command that carries its own key still goes where it says (that is the request being diagnosed)', async () => {
  const curl = `curl '${ratesUrl()}' -H 'x-api-key: ${SANDBOX_KEY}'`;
  const r = await runCli(['check', '--from-curl', curl, '--reports-dir', reportsDir()]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(sandbox.log.length, 1);
});

test('a HAR entry with no key header for another host gets no key', async () => {
  const har = join(dir, 'x.har');
  writeFileSync(har, JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [{
    startedDateTime: '2026-01-01T00:00:00.000Z', time: 1,
    request: { method: 'GET', url: ratesUrl(), httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {}, timings: { send: 0, wait: 1, receive: 0 },
  }] } }));
  const r = await runCli(['check', '--from-har', har, '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: USER_KEY } });
  assertRefused(r, 'har');
  assert.match(r.stderr, 'HAR entry 1');
});

test('plain http off loopback is refused before anything leaves, and --allow-http is named', async () => {
  const r = await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'source=airbnb', '--base-url', 'http://mashvisor.invalid/v1.1', '--key', USER_KEY, '--reports-dir', reportsDir()]);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, 'plain http');
  assert.match(r.stderr, '--allow-http');
  assert.not.match(r.stdout + r.stderr, USER_KEY);
  // http to loopback is fine without the flag.
  const local = await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'city=Austin', '-p', 'source=airbnb', '--base-url', base(), '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(local.code, 0, local.stderr);
});

test('placeholders are never sent: the README\'s MASHVISOR_API_KEY=... stops the run, exit 2', async () => {
  for (const placeholder of ['...', 'YOUR_API_KEY', '<key>', 'xxx', '[REDACTED:sha256:0123abcd]']) {
    const r = await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'city=Austin', '-p', 'source=airbnb', '--base-url', base(), '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: placeholder } });
    assert.is(r.code, 2, `${placeholder}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, 'not a key');
  }
  assert.is(sandbox.log.length, 0);
});

test('a placeholder or a mask written in the input is replaced by the user\'s key, with a note; without one the run stops', async () => {
  const masked = `curl '${ratesUrl()}' -H 'x-api-key: [REDACTED:sha256:0123abcd]'`;
  const stopped = await runCli(['check', '--from-curl', masked, '--reports-dir', reportsDir()]);
  assert.is(stopped.code, 2, stopped.stdout + stopped.stderr);
  assert.match(stopped.stderr, 'not a key');
  assert.is(sandbox.log.length, 0);
  const placeholder = `curl '${ratesUrl()}' -H 'x-api-key: YOUR_API_KEY'`;
  const r = await runCli(['check', '--from-curl', placeholder, '--base-url', base(), '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(sandbox.log.length, 1);
  assert.is(sandbox.log[0].headers['x-api-key'], SANDBOX_KEY);
  assert.match(r.stderr, 'not a key');
});

test('a Postman apikey auth on an empty variable sends no empty key: the env key in its place, or nothing at all', async () => {
  const collection = join(dir, 'auth.json');
  writeFileSync(collection, JSON.stringify({
    info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    auth: { type: 'apikey', apikey: [{ key: 'key', value: 'x-api-key' }, { key: 'value', value: '{{apiKey}}' }, { key: 'in', value: 'header' }] },
    variable: [{ key: 'apiKey', value: '' }],
    item: [{ name: 'rates', request: { method: 'GET', url: ratesUrl() } }],
  }));
  const stopped = await runCli(['check', '--collection', collection, '--base-url', base(), '--reports-dir', reportsDir()]);
  assert.is(stopped.code, 2, stopped.stdout + stopped.stderr);
  assert.match(stopped.stderr, 'not a key');
  assert.is(sandbox.log.length, 0);
  const sent = await runCli(['check', '--collection', collection, '--base-url', base(), '--reports-dir', reportsDir()], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(sent.code, 0, sent.stdout + sent.stderr);
  assert.is(sandbox.log.length, 1);
  assert.is(sandbox.log[0].headers['x-api-key'], SANDBOX_KEY);
  assert.match(sent.stdout, `Sent to: ${host()}`);
});

test('a key on the command line wins over the one a curl command holds, with a note', async () => {
  const curl = `curl '${ratesUrl()}' -H 'x-api-key: old-key-in-the-file-1234567'`;
  const r = await runCli(['check', '--from-curl', curl, '--key', SANDBOX_KEY, '--base-url', base(), '--reports-dir', reportsDir()]);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(sandbox.log[0].headers['x-api-key'], SANDBOX_KEY);
  assert.match(r.stderr, 'the key from --key is sent in place of the key written in the curl command');
});

test('the library: runPreflight sends no key over plain http off loopback, and no placeholder key', async () => {
  const { runPreflight } = await import('../dist/index.js');
  const request = { endpoint: 'getRentalRates', params: { state: 'TX', city: 'Austin', source: 'airbnb' } };
  const http = await runPreflight({ ...request, key: USER_KEY, baseUrl: 'http://mashvisor.invalid/v1.1' }).then(() => null, (e) => e);
  assert.ok(http, 'runPreflight resolved');
  assert.match(http.message, 'plain http');
  assert.not.match(http.message, USER_KEY);
  const placeholder = await runPreflight({ ...request, key: '...', baseUrl: base() }).then(() => null, (e) => e);
  assert.ok(placeholder, 'runPreflight resolved');
  assert.match(placeholder.message, 'not a key');
  assert.is(sandbox.log.length, 0);
});

test.run();
