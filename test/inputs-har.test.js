import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { har as validateHar } from 'har-validator';
import { readHarEntries, isMashvisorUrl, filterMashvisor } from '../dist/inputs/har.js';
import { sanitizeHar, REDACTED } from '../dist/inputs/har-sanitize.js';
import { InputError } from '../dist/inputs/raw.js';

const session = () => JSON.parse(readFileSync(new URL('./fixtures/inputs/session.har', import.meta.url), 'utf8'));
const CANARY = 'CANARY-KEY-1234567890abcdef';

function inputError(fn) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, InputError);
    return err.message;
  }
  assert.unreachable('expected an InputError');
}

test('the fixture is a valid HAR', async () => {
  assert.ok(await validateHar(session()));
});

test('readHarEntries: every request, 1-based index, pseudo headers skipped, repeats noted', () => {
  const entries = readHarEntries(session());
  assert.is(entries.length, 5);
  assert.equal(entries.map((e) => e.index), [1, 2, 3, 4, 5]);
  assert.equal(entries[0].headers, { accept: 'text/css,*/*;q=0.1' });
  const { recorded, ...request } = entries[1];
  assert.is(recorded.response.status, 200, 'the recorded answer comes with the request');
  assert.equal(request, {
    method: 'GET',
    url: 'http://127.0.0.1:8787/v1.1/client/rental-rates?state=CA&source=airbnb',
    headers: { Accept: 'application/json', 'x-api-key': 'simulator-key-0001', Host: '127.0.0.1:8787' },
    body: null,
    index: 2,
    methodFrom: "the HAR entry's method (GET)",
  });
  assert.equal(entries[2].headers, { accept: 'application/json', 'X-Api-Key': 'direct-key-0002' });
  assert.is(entries[2].notes.length, 1);
  assert.match(entries[2].notes[0], /X-Api-Key is given more than once/);
  assert.not.match(entries[2].notes[0], /direct-key|first-value/);
  assert.is(entries[3].method, 'POST');
  assert.is(entries[3].body, '{"state":"TX","city":"Austin"}');
});

test('readHarEntries: a form body recorded only as params', () => {
  const har = { log: { entries: [{ request: { method: 'POST', url: 'https://a.test/', postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'a b', value: '1&2' }, { name: 'c' }] } } }] } };
  assert.is(readHarEntries(har)[0].body, 'a%20b=1%262&c=');
});

test('isMashvisorUrl: both hosts, and /v1.1/client/ on any host', () => {
  assert.ok(isMashvisorUrl('https://api.mashvisor.com/v1.1/client/city/list?state=TX'));
  assert.ok(isMashvisorUrl('https://API.Mashvisor.com/anything'));
  assert.ok(isMashvisorUrl('https://mashvisor-api.p.rapidapi.com/rental-rates'));
  assert.ok(isMashvisorUrl('http://127.0.0.1:8787/v1.1/client/rental-rates'));
  assert.not.ok(isMashvisorUrl('https://www.mashvisor.com/blog/'));
  assert.not.ok(isMashvisorUrl('https://evil.test/?u=https://api.mashvisor.com'));
  assert.not.ok(isMashvisorUrl('https://api.mashvisor.com.evil.test/x'));
  assert.not.ok(isMashvisorUrl('not a url'));
});

test('filterMashvisor keeps the original entry numbers', () => {
  const kept = filterMashvisor(readHarEntries(session()));
  assert.equal(kept.map((e) => e.index), [2, 3, 4]);
});

test('invalid HAR shapes are InputErrors naming the entry', () => {
  assert.match(inputError(() => readHarEntries(null)), /not a HAR file/);
  assert.match(inputError(() => readHarEntries({ log: {} })), /log\.entries/);
  assert.match(inputError(() => readHarEntries({ log: { entries: [{ request: { method: 'GET', url: 'https://a.test' } }, {}] } })), /entry 2 has no request/);
  assert.match(inputError(() => readHarEntries({ log: { entries: [{ request: { url: 'https://a.test' } }] } })), /entry 1 has no request method/);
  assert.match(inputError(() => readHarEntries({ log: { entries: [{ request: { method: 'GET' } }] } })), /entry 1 has no request URL/);
});

function header(name, value) {
  return { name, value };
}

/** A HAR that carries the canary everywhere a key can end up. */
function canaryHar() {
  const echo = JSON.stringify({ status: 'error', code: 401, message: `Invalid api access Key ${CANARY}`, debug: { url: `https://api.mashvisor.com/v1.1/client/city/list?api_key=${CANARY}` } });
  const base64Body = Buffer.from(`binary-ish prefix \u00e9 ${CANARY} suffix`, 'utf8').toString('base64');
  return {
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      comment: `captured while debugging key ${CANARY}`,
      entries: [
        {
          startedDateTime: '2025-01-15T10:00:00.000Z',
          time: 50,
          request: {
            method: 'GET',
            url: `https://api.mashvisor.com/v1.1/client/city/list?state=TX&api_key=${CANARY}&apikey=${CANARY}&page=1#frag`,
            httpVersion: 'HTTP/1.1',
            cookies: [{ name: 'session', value: `sess-${CANARY}` }, { name: 'theme', value: 'dark' }],
            headers: [
              header('Accept', 'application/json'),
              header('x-api-key', CANARY),
              header('Cookie', `session=sess-${CANARY}; theme=dark`),
              header('Authorization', `Bearer ${CANARY}`),
              header('Referer', `https://dashboard.test/?key=${CANARY}`),
              header('X-RapidAPI-Key', `rapid-${CANARY}`),
            ],
            queryString: [
              { name: 'state', value: 'TX' },
              { name: 'api_key', value: CANARY },
              { name: 'apikey', value: CANARY },
              { name: 'page', value: '1' },
            ],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 401,
            statusText: 'Unauthorized',
            httpVersion: 'HTTP/1.1',
            cookies: [{ name: 'sid', value: `sid-${CANARY}`, httpOnly: true }],
            headers: [
              header('Content-Type', 'application/json'),
              header('Set-Cookie', `sid=sid-${CANARY}; Path=/; HttpOnly`),
              header('X-Debug-Echo', `received ${CANARY}`),
            ],
            content: { size: echo.length, mimeType: 'application/json', text: echo },
            redirectURL: '',
            headersSize: -1,
            bodySize: echo.length,
          },
          cache: {},
          timings: { send: 1, wait: 40, receive: 9 },
        },
        {
          startedDateTime: '2025-01-15T10:00:01.000Z',
          time: 70,
          request: {
            method: 'POST',
            url: 'https://mashvisor-api.p.rapidapi.com/ml/mashmeter',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [header('content-type', 'application/json'), header('x-rapidapi-key', CANARY)],
            queryString: [],
            postData: { mimeType: 'application/json', text: JSON.stringify({ state: 'TX', note: `key is ${CANARY}` }) },
            headersSize: -1,
            bodySize: 40,
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [header('Content-Type', 'application/octet-stream')],
            content: { size: 40, mimeType: 'application/octet-stream', text: base64Body, encoding: 'base64' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 40,
          },
          cache: {},
          timings: { send: 1, wait: 60, receive: 9 },
        },
      ],
    },
  };
}

test('sanitizeHar: no trace of the canary anywhere, and the copy is still a valid HAR', async () => {
  const original = canaryHar();
  assert.ok(await validateHar(original));
  const before = JSON.stringify(original);
  const { har, removed } = sanitizeHar(original);
  const text = JSON.stringify(har);
  assert.not.ok(text.includes(CANARY), 'canary left in the sanitized HAR');
  assert.not.ok(text.includes(encodeURIComponent(CANARY)));
  assert.not.ok(Buffer.from(har.log.entries[1].response.content.text, 'base64').toString('utf8').includes(CANARY));
  assert.ok(Buffer.from(har.log.entries[1].response.content.text, 'base64').toString('utf8').includes('prefix \u00e9 [REDACTED] suffix'));
  assert.ok(await validateHar(har));
  assert.is(JSON.stringify(original), before, 'the input is not modified');
  assert.not.ok(JSON.stringify(removed).includes(CANARY), 'removed names places, never values');
});

test('sanitizeHar: `removed` names each header, cookie, parameter and echo', () => {
  const { removed } = sanitizeHar(canaryHar());
  const has = (entry, where, what) => removed.some((r) => r.entry === entry && r.where === where && r.what === what);
  assert.ok(has(1, 'request', 'header x-api-key'));
  assert.ok(has(1, 'request', 'header Cookie'));
  assert.ok(has(1, 'request', 'header Authorization'));
  assert.ok(has(1, 'request', 'header X-RapidAPI-Key'));
  assert.ok(has(1, 'request', 'cookie session'));
  assert.ok(has(1, 'request', 'cookie theme'));
  assert.ok(has(1, 'request', 'query parameter api_key'));
  assert.ok(has(1, 'request', 'query parameter apikey'));
  assert.ok(has(1, 'response', 'header Set-Cookie'));
  assert.ok(has(1, 'response', 'cookie sid'));
  assert.ok(removed.some((r) => r.entry === 1 && r.where === 'response' && r.what.startsWith('response.content.text')));
  assert.ok(removed.some((r) => r.entry === 1 && r.where === 'response' && r.what.startsWith('response.headers[2].value')));
  assert.ok(removed.some((r) => r.entry === 1 && r.where === 'request' && r.what.startsWith('request.headers[4].value')));
  assert.ok(has(2, 'request', 'header x-rapidapi-key'));
  assert.ok(removed.some((r) => r.entry === 2 && r.what.startsWith('request.postData.text')));
  assert.ok(removed.some((r) => r.entry === 2 && r.what.includes('base64')));
  assert.ok(removed.some((r) => r.entry === 0 && r.where === 'log' && r.what.startsWith('log.comment')));
});

test('sanitizeHar: sensitive values become [REDACTED] in place; the rest of the URL is untouched', () => {
  const { har } = sanitizeHar(canaryHar());
  const req = har.log.entries[0].request;
  assert.is(req.url, 'https://api.mashvisor.com/v1.1/client/city/list?state=TX&api_key=%5BREDACTED%5D&apikey=%5BREDACTED%5D&page=1#frag');
  assert.equal(req.queryString, [
    { name: 'state', value: 'TX' },
    { name: 'api_key', value: REDACTED },
    { name: 'apikey', value: REDACTED },
    { name: 'page', value: '1' },
  ]);
  assert.equal(req.headers.find((h) => h.name === 'x-api-key'), { name: 'x-api-key', value: REDACTED });
  assert.equal(req.headers[0], { name: 'Accept', value: 'application/json' });
  assert.equal(req.cookies, []);
  assert.equal(har.log.entries[0].response.cookies, []);
  assert.equal(har.log.entries[0].timings, { send: 1, wait: 40, receive: 9 });
});

test("sanitizeHar mode 'remove' drops the sensitive headers and parameters", async () => {
  const { har } = sanitizeHar(canaryHar(), { mode: 'remove' });
  const req = har.log.entries[0].request;
  assert.is(req.url, 'https://api.mashvisor.com/v1.1/client/city/list?state=TX&page=1#frag');
  assert.equal(req.queryString.map((q) => q.name), ['state', 'page']);
  assert.equal(req.headers.map((h) => h.name), ['Accept', 'Referer']);
  assert.not.ok(JSON.stringify(har).includes(CANARY));
  assert.ok(await validateHar(har));
});

test('sanitizeHar on a recording without echoes changes only the key headers, byte for byte', () => {
  const original = session();
  const expected = session();
  for (const e of expected.log.entries) {
    for (const h of e.request.headers) if (/^x-(rapidapi|api)-key$/i.test(h.name)) h.value = REDACTED;
  }
  const { har, removed } = sanitizeHar(original);
  assert.is(JSON.stringify(har, null, 2), JSON.stringify(expected, null, 2));
  assert.equal(removed, [
    { entry: 2, where: 'request', what: 'header x-api-key' },
    { entry: 3, where: 'request', what: 'header x-api-key' },
    { entry: 3, where: 'request', what: 'header X-Api-Key' },
    { entry: 4, where: 'request', what: 'header x-rapidapi-key' },
  ]);
});

test('sanitizeHar refuses what is not a HAR', () => {
  assert.match(inputError(() => sanitizeHar({ entries: [] })), /not a HAR file/);
});

test.run();
