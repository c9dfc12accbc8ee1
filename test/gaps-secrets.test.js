// Two gaps left by earlier secrets work: a backslash in the host of --base-url (curl and Node's URL parser name
// different hosts, as for an endpoint URL), and a key with invisible characters between its characters written
// percent-encoded ("%E2%80%8B", a zero-width space), which reads as the key once decoded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';
import { Scrubber } from '../dist/shared/scrub.js';
import { MAYBE_PERCENT_INVISIBLE, withoutInvisible } from '../dist/shared/invisible.js';
import { evaluate, outgoingRequest } from '../dist/preflight.js';
import { buildReport } from '../dist/report/build.js';
import { resolveEndpoint } from '../dist/catalog/resolve.js';
import { validateParams } from '../dist/catalog/validate.js';

// 32 characters, none of them hex-only runs a fingerprint could hold by chance.
const KEY = 'zwspKEYpctQRSTUVWXYZghijklmnopqr';
const ZWSP = '%E2%80%8B';

let dir;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-gaps-secrets-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

function filesUnder(d) {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [[path, readFileSync(path, 'utf8')]];
  });
}

/** The key with `sep` between every `every` characters. */
function interleaved(sep, every = 1) {
  return (KEY.match(new RegExp(`.{1,${every}}`, 'g')) ?? []).join(sep);
}

/**
 * No 8-character run of the key is readable once every zero-width space is taken out, in whatever form it was
 * written (raw, percent-encoded once or twice, JSON or HTML escaped).
 */
function assertNoKey(text, where) {
  const visible = text.replace(/%(?:25)*E2%(?:25)*80%(?:25)*8B|\u200b|\\+u200b|&#x200b;|&#8203;/gi, '');
  for (let i = 0; i + 8 <= KEY.length; i++) {
    assert.not.ok(visible.includes(KEY.slice(i, i + 8)), `${where}: "${KEY.slice(i, i + 8)}" of the key is readable`);
  }
}

/** A loopback listener that counts what reaches it. */
async function listener(handler = (req, res) => res.end('{}')) {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.url);
    handler(req, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, port: server.address().port };
}

test('--base-url with a backslash in its host is refused (exit 2, one line, nothing sent)', async () => {
  const { server, seen, port } = await listener();
  try {
    const hosts = [
      `http://127.0.0.1:${port}\\evil.example/v1.1`, // Node: host 127.0.0.1, path /evil.example; curl: one odd host
      `http://127.0.0.1:${port}\\@localhost:${port}/v1.1`, // curl: user "127.0.0.1:port\" at localhost
      `http:\\\\127.0.0.1:${port}/v1.1`, // Node reads the backslashes as "//"
      `http:/\\127.0.0.1:${port}/v1.1`,
    ];
    for (const baseUrl of hosts) {
      const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--key', KEY, '--base-url', baseUrl, '--reports-dir', join(dir, 'r')]);
      assert.is(r.code, 2, `${baseUrl}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^mashvisor-preflight: --base-url: .*backslash/, baseUrl);
      assert.is(r.stderr.trim().split('\n').length, 1, `${baseUrl}: one line: ${r.stderr}`);
      assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
      assert.is(r.stdout, '');
    }
    assert.equal(seen, [], 'nothing was sent');
    assert.equal(readdirSync(dir), [], 'no report written');
  } finally {
    server.close();
  }
});

test('--base-url with a backslash only in its path is not this rule\'s business: the request is sent', async () => {
  const { server, seen, port } = await listener((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"success","content":{}}');
  });
  try {
    const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--key', KEY, '--base-url', `http://127.0.0.1:${port}/v1.1\\x`, '--reports-dir', join(dir, 'r')]);
    assert.not.match(r.stderr, /backslash/, r.stderr);
    assert.is(seen.length, 1, `sent once: ${r.stdout}${r.stderr}`);
  } finally {
    server.close();
  }
});

test('scrubber: a key with percent-encoded zero-width spaces between its characters is masked, the text kept', () => {
  const scrubber = new Scrubber([KEY]);
  for (const [name, text] of [
    ['every character', interleaved(ZWSP)],
    ['every third character', interleaved(ZWSP, 3)],
    ['lower case, encoded twice', interleaved('%25e2%2580%258b', 2)],
    ['a word joiner, every other character', interleaved('%E2%81%A0', 2)],
    ['a tag character (4 bytes)', interleaved('%F3%A0%80%A0', 2)],
    ['a soft hyphen (2 bytes)', interleaved('%C2%AD', 2)],
  ]) {
    const out = scrubber.scrub(`before ${text} after`);
    assert.match(out, /^before \[REDACTED:[^\]]+\] after$/, `${name}: ${out}`);
  }
  // Other percent-encoded text, and a zero-width space that splits no secret, are left alone.
  for (const text of ['q=caf%C3%A9%20au%20lait&x=%E2%80%8B', `a${ZWSP}b zwspKEY${ZWSP}pct`]) assert.is(scrubber.scrub(text), text);
});

test('every format character (\\p{Cf}) percent-encoded is seen, by the first look and by the pass that leaves it out', () => {
  let count = 0;
  for (let cp = 0x80; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (!/\p{Cf}/u.test(ch)) continue;
    count++;
    const text = `ab${encodeURIComponent(ch)}cd`;
    assert.ok(MAYBE_PERCENT_INVISIBLE.test(text), `U+${cp.toString(16)}: first look`);
    assert.is(withoutInvisible(text)?.visible, 'abcd', `U+${cp.toString(16)}`);
  }
  assert.ok(count > 150, `${count} format characters`);
  // Percent-encoded text that holds none is not given the second pass.
  assert.not.ok(MAYBE_PERCENT_INVISIBLE.test('caf%C3%A9 %E6%97%A5%E6%9C%AC a%20b'));
});

test('a server echoing the key with percent-encoded zero-width spaces: no form of it in stdout, stderr or reports', async () => {
  const echo = interleaved(ZWSP);
  const { server, port } = await listener((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json', 'x-echo': interleaved(ZWSP, 4) });
    res.end(JSON.stringify({ status: 'error', message: `key ${echo} is not valid`, url: `/x?api_key=${interleaved(ZWSP, 3)}` }));
  });
  try {
    const base = `http://127.0.0.1:${port}/v1.1`;
    const reports = join(dir, 'reports');
    for (const extra of [[], ['--json']]) {
      const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', base, '--reports-dir', reports, '--bundle', '--har', '--html', ...extra], { env: { MASHVISOR_API_KEY: KEY } });
      assert.is(r.code, 1, r.stdout + r.stderr);
      assertNoKey(r.stdout, 'stdout');
      assertNoKey(r.stderr, 'stderr');
    }
    const written = filesUnder(reports);
    assert.ok(written.some(([p]) => p.endsWith('.html')) && written.some(([p]) => p.endsWith('.har')), 'reports were written');
    for (const [path, text] of written) assertNoKey(text, path);
  } finally {
    server.close();
  }
});

test('stderr: a key split by percent-encoded zero-width spaces does not read through an error message', async () => {
  const r = await runCli(['check', `nosuchendpoint${interleaved(ZWSP)}`, '--key', KEY, '--reports-dir', join(dir, 'r')]);
  assert.is(r.code, 2, r.stderr);
  assertNoKey(r.stderr, 'stderr');
  assert.match(r.stderr, /nosuchendpoint\[REDACTED:/);
});

/** A request with the key and a token in a header, and a 401 whose body echoes both. */
async function pipelineInput() {
  const r = resolveEndpoint('https://api.mashvisor.com/v1.1/client/city/list?state=TX');
  const spec = { operation: r.operation, params: { path: r.path, query: r.query }, mode: 'direct', baseUrl: 'https://api.mashvisor.com/v1.1', key: KEY, keySource: 'flag', origin: 'library' };
  const token = 'custom-token-9d8c7b6a5f4e3d2c';
  const request = outgoingRequest(spec, { headers: { authorization: `Bearer ${token}` } });
  const body = JSON.stringify({ status: 'error', message: `key ${KEY} and ${token} rejected` });
  const exchange = {
    startedAt: '2026-01-02T03:04:05.000Z',
    request: { method: request.method, url: request.url, headers: request.headers, body: null },
    response: { status: 401, statusText: '', httpVersion: '1.1', headers: { 'content-type': 'application/json' }, body, bodyBytes: body.length, truncated: false },
    timings: { dns: 1, connect: 1, tls: null, firstByte: 5, download: 1, total: 8 },
    error: null,
    redirect: null,
  };
  return { spec, request, exchange, token, validation: await validateParams(spec.operation, spec.params) };
}

test('report/build takes the scrubber handed in: it registers nothing in it (the pipeline does)', async () => {
  const { spec, request, exchange, validation } = await pipelineInput();
  const handed = new Scrubber();
  buildReport({
    redactor: handed, spec, validation, exchange, checks: [], rateLimit: null, verdict: 'client-error', requestsSent: 1,
    environment: {}, url: request.url, headers: request.headers,
  });
  assert.is(handed.size, 0, `registered: ${handed.secrets().length} secrets`);
});

test('the pipeline registers the request\'s secrets (headers sent included): in the CLI\'s redactor, or in its own', async () => {
  const { spec, request, exchange, token, validation } = await pipelineInput();
  const handed = new Scrubber();
  const shared = evaluate({ spec, validation, exchange, requestsSent: 1, request }, { redactor: handed });
  for (const secret of [KEY, token]) assert.ok(handed.secrets().includes(secret), 'registered in the handed-in redactor');
  // The library runs without one: the report is scrubbed all the same.
  const own = evaluate({ spec, validation, exchange, requestsSent: 1, request }, {});
  for (const report of [shared, own]) {
    const text = JSON.stringify(report);
    assert.not.ok(text.includes(KEY) || text.includes(token), 'a secret in the report');
    assert.match(report.response.bodyText, /key \[REDACTED:[^\]]+\] and \[REDACTED:[^\]]+\] rejected/);
  }
});

test.run();
