// check --from-har FILE --offline reads the whole HAR: each Mashvisor entry's recorded answer (status, error
// envelope, rate-limit headers) goes through the same checks as a live answer, nothing is sent, and a key carried
// the wrong way is named per entry. The fixture is shaped like a browser's export (test/fixtures/inputs).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runCli } from './helpers.js';
import { readHarEntries, filterMashvisor } from '../dist/inputs/har.js';

const HAR = join(root, 'test', 'fixtures', 'inputs', 'recorded-answers.har');
/** The key every entry of the fixture carries; it must appear in no output. */
const KEY = 'canary0har0key0b7e1d9a4c2f';

// Any connection at all would be a request sent: the proxy variables point every request at this counter.
let connections = 0;
let proxy;
let proxyUrl;
let dir;

const test = suite('HAR offline');
test.before(async () => {
  proxy = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
  dir = mkdtempSync(join(tmpdir(), 'mvp-har-offline-'));
});
test.after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => proxy.close(resolve));
});

const offline = (file, extra = []) => runCli(['check', '--from-har', file, '--offline', '--reports-dir', dir, ...extra],
  { env: { MASHVISOR_API_KEY: '', HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, COLUMNS: '250' } });

let json;
test('--json: every Mashvisor entry judged from its recorded answer, nothing sent, no key in any output', async () => {
  const r = await offline(HAR, ['--json']);
  assert.is(r.code, 1, r.stderr);
  assert.is(connections, 0);
  assert.not.ok(r.stdout.includes(KEY) || r.stderr.includes(KEY), 'the key in no output');
  json = Object.fromEntries(JSON.parse(r.stdout).map((row) => [row.index, row]));
  assert.equal(Object.keys(json).map(Number), [1, 2, 3, 5, 6, 7, 8], 'the font request (entry 4) is not a Mashvisor call');
  assert.equal(Object.values(json).map((row) => [row.status, row.verdict]), [
    [200, 'pass'], [401, 'client-error'], [404, 'client-error'], [429, 'client-error'], [401, 'client-error'], [null, 'network-error'], [200, 'pass'],
  ]);
});

const check = (index, id) => json[index].checks.find((c) => c.id === id);

test('a recorded 200 passes every check', () => {
  assert.equal(json[1].checks.map((c) => c.status), ['pass', 'pass', 'skip', 'pass']);
});

test('a recorded 401 is read as a live one: the key row fails with the server\'s own message', () => {
  assert.is(check(2, 'auth').status, 'fail');
  assert.match(check(2, 'auth').message, '401: the key is wrong or inactive');
  assert.is(check(2, 'auth').details.serverMessage, 'Invalid api access Key');
  assert.is(check(2, 'response').details.envelope.kind, 'error');
});

test('a recorded 404 without state: the parameters and the answer both say state is missing', () => {
  assert.is(check(3, 'params').status, 'fail');
  assert.is(check(3, 'response').details.diagnosis, 'state missing');
});

test('a recorded 429 with rate-limit headers: the quota, the wait and the header family', () => {
  const rate = check(5, 'rate-limit');
  assert.is(rate.status, 'fail');
  // The gateway says the monthly quota is spent: its reset, not the Retry-After, is the wait.
  assert.match(rate.message, 'resets in 24 h');
  assert.equal(rate.details.families.map((f) => [f.source, f.limit, f.remaining]), [['x-ratelimit-requests', 500, 0]]);
});

test('?api_key= plus a Bearer header is named per entry, with or without a recorded answer', () => {
  for (const index of [6, 7]) {
    const auth = check(index, 'auth');
    assert.is(auth.status, 'fail', `entry ${index}`);
    assert.match(auth.message, 'a Bearer token in the Authorization header');
    assert.match(auth.message, 'query string (api_key=');
    assert.match(auth.message, 'as the HAR sent it');
    assert.equal(auth.details.notes.length, 2);
  }
  assert.match(check(7, 'response').message, 'the HAR recorded no answer (status 0)');
});

test('a 200 whose body was saved base64 decodes, and its low quota warns without failing', () => {
  assert.is(check(8, 'response').status, 'pass');
  assert.is(check(8, 'rate-limit').status, 'warn');
  assert.match(check(8, 'rate-limit').message, 'under 10% left');
});

test('the table: one row per entry with the recorded status and verdict, and what each check found', async () => {
  const r = await offline(HAR);
  assert.is(r.code, 1, r.stderr);
  assert.is(connections, 0);
  assert.not.ok(r.stdout.includes(KEY) || r.stderr.includes(KEY));
  for (const text of ['✔ 200 pass', '✖ 401', '✖ 404', '✖ 429', '✖ no answer', '⚠ 200 pass', 'state missing', 'plan quota: 0 of 500 left', 'query string']) {
    assert.ok(r.stdout.includes(text), `${text} in:\n${r.stdout}`);
  }
  assert.match(r.stdout, '7 requests: 2 pass, 5 with a problem\n7 recorded answers judged offline; nothing was sent');
});

test('a key sent the wrong way that the API answered 2xx to is a warning: the answer outranks the reading', async () => {
  const har = JSON.parse(readFileSync(HAR, 'utf8'));
  const entry = har.log.entries[5];
  entry.response = { ...har.log.entries[0].response };
  har.log.entries = [entry];
  const file = join(dir, 'accepted.har');
  writeFileSync(file, JSON.stringify(har));
  const r = await offline(file, ['--json']);
  const [row] = JSON.parse(r.stdout);
  assert.is(row.verdict, 'pass');
  const auth = row.checks.find((c) => c.id === 'auth');
  assert.is(auth.status, 'warn');
  assert.match(auth.message, 'the key was accepted (HTTP 200), but: the key travels as a Bearer token');
  assert.is(r.code, 0);
});

test('an entry with no response object at all is judged on what was sent', async () => {
  const har = JSON.parse(readFileSync(HAR, 'utf8'));
  const entry = har.log.entries[0];
  delete entry.response;
  har.log.entries = [entry];
  const file = join(dir, 'no-response.har');
  writeFileSync(file, JSON.stringify(har));
  const r = await offline(file, ['--json']);
  const [row] = JSON.parse(r.stdout);
  assert.is(row.status, null);
  assert.is(row.verdict, 'pass');
  assert.match(row.checks.find((c) => c.id === 'response').message, 'the input recorded no answer');
  assert.is(r.code, 0);
  const table = await offline(file);
  assert.match(table.stdout, '✔ valid');
});

test('the reader: a recorded answer becomes an Exchange with lower-case headers and the body decoded', () => {
  const entries = filterMashvisor(readHarEntries(JSON.parse(readFileSync(HAR, 'utf8'))));
  const last = entries.at(-1).recorded;
  assert.is(last.response.status, 200);
  assert.is(last.response.headers['x-ratelimit-requests-remaining'], '3');
  assert.equal(JSON.parse(last.response.body).status, 'success');
  assert.is(last.timings.tls, 18);
  assert.is(last.timings.connect, 12, 'HAR counts TLS inside connect');
  const none = entries.find((e) => e.index === 7).recorded;
  assert.is(none.response, null);
  assert.is(none.error.code, 'NO_RECORDED_RESPONSE');
});

test.run();
