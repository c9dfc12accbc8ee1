// Redaction: a canary key planted in every place and encoding a report can carry must not survive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import {
  keyFingerprint,
  makeRedactor,
  redactDeep,
  redactHeaders,
  redactProxyUrl,
  redactUrl,
  scrubOutput,
  SENSITIVE_HEADERS,
} from '../dist/shared/redact.js';

const CANARY = 'CANARY-KEY-1234567890abcdef';
// A second secret full of characters that every encoding treats differently.
const ODD = 'p@ss w/rd:"q"+&=\\x';

/** Every way the secret could have been written into text. */
function forms(secret) {
  const b64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    encodeURIComponent(secret).toLowerCase(),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
}

/** No run of 10 characters of the secret may survive anywhere (catches partial redaction). */
function assertNoTrace(text, secret, where) {
  for (const form of forms(secret)) {
    for (let i = 0; i + 10 <= form.length; i++) {
      const piece = form.slice(i, i + 10);
      if (text.includes(piece)) assert.unreachable(`${where}: found "${piece}" of a form of the secret in:\n${text}`);
    }
  }
}

test('keyFingerprint: sha256 prefix of 12 hex chars, stable, last4', () => {
  const a = keyFingerprint(CANARY);
  const expected = 'sha256:' + createHash('sha256').update(CANARY).digest('hex').slice(0, 12);
  assert.is(a.fingerprint, expected);
  assert.match(a.fingerprint, /^sha256:[0-9a-f]{12}$/);
  assert.equal(keyFingerprint(CANARY), a);
  assert.is(a.last4, 'cdef');
  assert.is.not(keyFingerprint(CANARY + 'x').fingerprint, a.fingerprint);
  // a short key would be half revealed by its last four characters
  assert.is(keyFingerprint('abc123').last4, '');
});

test('makeRedactor: canary in query, headers (both cases), body, JSON-escaped, URL-encoded, base64', () => {
  const redact = makeRedactor([CANARY, ODD]);
  const text = [
    `GET https://api.mashvisor.com/v1.1/client/city/list?state=TX&api_key=${CANARY}`,
    `x-api-key: ${CANARY}`,
    `X-API-KEY: ${CANARY}`,
    `body: {"note":"my key is ${CANARY} ok"}`,
    `json: ${JSON.stringify({ k: ODD, nested: JSON.stringify({ k: ODD }) })}`,
    `url: https://x.test/?k=${encodeURIComponent(ODD)}&f=${new URLSearchParams({ v: ODD }).toString().slice(2)}`,
    `lower: ${encodeURIComponent(ODD).toLowerCase()}`,
    `plus: ${encodeURIComponent(ODD).replace(/%20/g, '+')}`,
    `b64: ${Buffer.from(CANARY).toString('base64')} ${Buffer.from(ODD).toString('base64url')}`,
    `basic: Authorization: Basic ${Buffer.from(`user:${CANARY}`).toString('base64')}`,
    `basic2: ${Buffer.from(`ab:${CANARY}`).toString('base64')} ${Buffer.from(`a:${CANARY}`).toString('base64')}`,
  ].join('\n');
  const out = redact(text);
  assertNoTrace(out, CANARY, 'canary');
  for (const form of forms(ODD)) assert.not.ok(out.includes(form), `form ${form} of the odd secret survived`);
  const label = `[REDACTED:${keyFingerprint(CANARY).fingerprint}]`;
  assert.ok(out.includes(`api_key=${label}`), out);
  assert.ok(out.includes(`x-api-key: ${label}`));
  // text around the secret is untouched
  assert.ok(out.includes('state=TX&'));
  assert.ok(out.includes('my key is '));
});

test('makeRedactor: short secrets ignored, no secrets is identity, single pass', () => {
  assert.is(makeRedactor(['abc'])('abc abc'), 'abc abc');
  assert.is(makeRedactor([])('anything'), 'anything');
  // a secret that occurs inside the replacement label must not be rewritten again
  const r = makeRedactor(['REDACTED']);
  const once = r('REDACTED');
  // Too short for a fingerprint (see maskFor): a plain marker, replaced once.
  assert.is(once, '[REDACTED]');
});

test('redactHeaders: sensitive values masked, scheme kept, others through the redactor', () => {
  const redact = makeRedactor([CANARY]);
  const out = redactHeaders(
    {
      'x-api-key': CANARY,
      'X-RapidAPI-Key': CANARY,
      Authorization: `Bearer ${CANARY}`,
      'proxy-authorization': `Basic ${Buffer.from('u:' + CANARY).toString('base64')}`,
      Cookie: `session=${CANARY}`,
      'x-trace': `trace-${CANARY}`,
      accept: 'application/json',
      'x-api-key-empty': '',
      apikey: '',
    },
    redact,
  );
  // the field shows where the secret sat, and which secret it was, by fingerprint
  const mask = (s) => `[REDACTED:${keyFingerprint(s).fingerprint}]`;
  assert.is(out['x-api-key'], mask(CANARY));
  assert.is(out['X-RapidAPI-Key'], mask(CANARY));
  assert.is(out.Authorization, `Bearer ${mask(CANARY)}`);
  assert.is(out['proxy-authorization'], 'Basic [REDACTED]', 'Basic carries a password: no fingerprint');
  assert.is(out.Cookie, mask(`session=${CANARY}`));
  assert.ok(out['x-trace'].startsWith('trace-[REDACTED:sha256:'));
  assert.is(out.accept, 'application/json');
  assert.is(out.apikey, '', 'an empty key header stays visibly empty');
  assertNoTrace(JSON.stringify(out), CANARY, 'headers');
  for (const h of ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-rapidapi-key', 'api-key', 'x-apikey']) {
    assert.ok(SENSITIVE_HEADERS.has(h), h);
  }
});

test('redactUrl: userinfo dropped, key parameters masked, encoding of the rest kept', () => {
  const redact = makeRedactor([CANARY]);
  const url =
    `https://bob:hunter2@api.mashvisor.com/v1.1/client/property/${CANARY}/taxing` +
    `?state=TX&api_key=abc123zz&Token=t0k3n&x-api-key=${encodeURIComponent(CANARY)}&city=San%20Antonio&RapidAPI-Key=q#top`;
  const out = redactUrl(url, redact);
  assert.not.ok(out.includes('bob'));
  assert.not.ok(out.includes('hunter2'));
  assert.ok(out.startsWith('https://api.mashvisor.com/v1.1/client/property/[REDACTED:sha256:'), out);
  // Short values get a plain marker; the long key keeps its fingerprint.
  assert.match(out, /api_key=\[REDACTED\]&Token=\[REDACTED\]&x-api-key=\[REDACTED:sha256:\w{12}\]&city=San%20Antonio&RapidAPI-Key=\[REDACTED\]#top/);
  assert.not.ok(out.includes('abc123zz'));
  assertNoTrace(out, CANARY, 'url');
  // a URL without credentials comes back unchanged
  const plain = 'https://api.mashvisor.com/v1.1/client/city/list?state=TX&items=5';
  assert.is(redactUrl(plain, redact), plain);
});

test('redactProxyUrl: whatever precedes @ is masked', () => {
  assert.is(redactProxyUrl('http://bob:s3cr@t@proxy.corp:3128'), 'http://[REDACTED]@proxy.corp:3128');
  assert.is(redactProxyUrl('http://token@proxy.corp:3128/'), 'http://[REDACTED]@proxy.corp:3128/');
  assert.is(redactProxyUrl('user:pw@proxy.corp:8080'), '[REDACTED]@proxy.corp:8080');
  assert.is(redactProxyUrl('http://proxy.corp:3128'), 'http://proxy.corp:3128');
});

test('redactDeep: every string and key, nested, without touching the original', () => {
  const redact = makeRedactor([CANARY]);
  const original = {
    a: CANARY,
    list: [1, true, null, `x${CANARY}x`, { [CANARY]: [CANARY] }],
    nested: { deeper: { value: `Bearer ${CANARY}` } },
  };
  const copy = redactDeep(original, redact);
  assertNoTrace(JSON.stringify(copy), CANARY, 'deep copy');
  assert.is(original.a, CANARY, 'original unchanged');
  assert.is(copy.list[0], 1);
  assert.is(copy.list[1], true);
  assert.is(copy.list[2], null);
  assert.is(Object.keys(copy.list[4]).length, 1);
});

test('a whole report-like object carrying the canary everywhere comes out clean', () => {
  const redact = makeRedactor([CANARY]);
  const report = {
    request: {
      url: redactUrl(`https://api.mashvisor.com/v1.1/client/city/list?state=TX&key=${CANARY}`, redact),
      headers: redactHeaders({ 'X-Api-Key': CANARY, 'x-api-key': CANARY, Referer: `https://app.test/?k=${CANARY}` }, redact),
      body: { apiKey: CANARY, text: JSON.stringify({ key: CANARY }) },
    },
    response: { bodyText: `{"message":"Invalid api access Key ${CANARY}"}` },
    checks: [{ message: `the key ${CANARY.slice(0, 4)}… ${Buffer.from(CANARY).toString('base64')}` }],
  };
  const out = JSON.stringify(redactDeep(report, redact));
  assertNoTrace(out, CANARY, 'report');
});

test('scrubOutput: masks credential-looking text the redactor was not told about, keeps $VARIABLES', () => {
  const redact = makeRedactor([CANARY]);
  const text = [
    `using key ${CANARY}`,
    'x-api-key: someOtherKey999',
    '"x-rapidapi-key": "anotherOne42"',
    'Authorization: Bearer tok_abcdef',
    'GET https://api.test/x?state=TX&apikey=zzz999&items=2',
    'proxy http://alice:pw@proxy.corp:3128 failed',
    `  -H "x-api-key: $MASHVISOR_API_KEY" \\`,
  ].join('\n');
  const out = scrubOutput(text, redact);
  for (const secret of [CANARY, 'someOtherKey999', 'anotherOne42', 'tok_abcdef', 'zzz999', 'alice:pw']) {
    assert.not.ok(out.includes(secret), `${secret} survived:\n${out}`);
  }
  assert.ok(out.includes('Authorization: Bearer [REDACTED]'), out);
  assert.ok(out.includes('&items=2'));
  assert.ok(out.includes('-H "x-api-key: $MASHVISOR_API_KEY"'), 'curl line must stay usable');
  assert.ok(out.includes('http://[REDACTED]@proxy.corp:3128'));
  assert.is(scrubOutput('', redact), '');
});

test.run();
