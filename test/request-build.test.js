// One request builder: every input gets the same mode rule, the same key rule and the same list of secrets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpec, modeFor } from '../dist/request/build.js';
import { toSpec } from '../dist/library/run.js';
import { resolveEndpoint } from '../dist/catalog/resolve.js';
import { RAPIDAPI_BASE_URL } from '../dist/catalog/hosts.js';
import { Scrubber } from '../dist/shared/scrub.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';
import { root, runCli } from './helpers.js';

const SECRET = 'sEcr3t-value/42é';
const b64 = (t) => Buffer.from(t, 'utf8').toString('base64');

test('one mode rule: a RapidAPI base URL means RapidAPI for the library and the CLI alike', () => {
  const lib = toSpec({ endpoint: 'listCities', params: { state: 'TX' }, baseUrl: RAPIDAPI_BASE_URL, key: 'k' });
  const flags = buildSpec({ origin: 'flags', endpoint: 'listCities', paramFlags: ['state=TX'], baseUrl: RAPIDAPI_BASE_URL });
  const curl = buildSpec({ origin: 'curl', endpoint: `${RAPIDAPI_BASE_URL}/city/list?state=TX`, inputHeaders: {} });
  assert.is(lib.mode, 'rapidapi');
  assert.is(flags.mode, 'rapidapi');
  assert.is(curl.mode, 'rapidapi');
  // The form of a full URL's path tells when the host does not; headers only when nothing else does.
  const resolved = resolveEndpoint('http://127.0.0.1:9/v1.1/client/city/list?state=TX');
  assert.is(modeFor({ resolved, headers: { 'x-rapidapi-key': 'k' } }), 'direct');
  assert.is(modeFor({ resolved: resolveEndpoint('listCities'), headers: { 'x-rapidapi-key': 'k' } }), 'rapidapi');
  assert.is(modeFor({ resolved: resolveEndpoint('listCities'), headers: {} }), 'direct');
  assert.is(modeFor({ rapidapi: true, resolved, headers: {} }), 'rapidapi');
});

test('one key rule: the key given on the command line, else the one the request carries, else an x-api-key header flag', () => {
  const given = buildSpec({ origin: 'curl', endpoint: 'https://api.mashvisor.com/v1.1/client/city/list?state=TX', inputHeaders: { 'x-api-key': 'from-input' }, key: { key: 'given', keySource: 'flag' } });
  assert.equal([given.key, given.keySource, given.inputHeaders['x-api-key']], ['given', 'flag', 'given'], 'the user\'s key wins, sent where the input put its own (issue 19)');
  const carried = buildSpec({ origin: 'curl', endpoint: 'https://api.mashvisor.com/v1.1/client/city/list?state=TX', inputHeaders: { 'x-api-key': 'from-input' } });
  assert.equal([carried.key, carried.keySource], ['from-input', 'input']);
  const lib = toSpec({ endpoint: 'listCities', headers: { 'x-api-key': 'app-key' } });
  assert.equal([lib.key, lib.keySource], ['app-key', 'input'], 'the library reads the key its headers carry, as the CLI does');
  const header = buildSpec({ origin: 'flags', endpoint: 'listCities', extraHeaders: { 'X-Api-Key': 'hdr' } });
  assert.equal([header.key, header.keySource], ['hdr', 'flag']);
});

test('the secrets registry: every place a credential can sit', () => {
  const spec = buildSpec({
    origin: 'curl',
    endpoint: `http://bob:${encodeURIComponent(SECRET)}1@127.0.0.1:9/v1.1/client/ml/mashmeter?token=${encodeURIComponent(SECRET)}2#x`,
    body: JSON.stringify({ a: { b: [{ clientSecret: `${SECRET}3` }] }, password: `${SECRET}4` }),
    inputHeaders: {
      Authorization: `Basic ${b64(`alice-user:${SECRET}5`)}`,
      Cookie: `sid=${SECRET}6; theme=dark`,
      'X-Partner-Token': `${SECRET}7`,
      'X-Custom': `${SECRET}8`,
      'Proxy-Authorization': `Bearer ${SECRET}9`,
    },
    extraHeaders: { 'x-api-key': `${SECRET}10` },
    key: { key: `${SECRET}11`, keySource: 'flag' },
    baseUrl: `http://u:${encodeURIComponent(SECRET)}12@127.0.0.1:9/v1.1?api_key=${encodeURIComponent(SECRET)}13`,
    secrets: [`${SECRET}8`],
    env: { HTTPS_PROXY: `http://p:${encodeURIComponent(SECRET)}14@proxy.test:3128` },
  });
  const found = new Set(spec.secrets);
  for (let n = 1; n <= 14; n++) assert.ok(found.has(`${SECRET}${n}`), `secret ${n} registered: ${[...found].join(' | ')}`);
  assert.ok(found.has(`alice-user:${SECRET}5`), 'the decoded Basic pair');
  assert.ok(found.has('alice-user'), 'each part of Basic');
  const form = buildSpec({ origin: 'curl', endpoint: 'https://api.mashvisor.com/v1.1/client/ml/mashmeter', body: `x=1&api_key=${encodeURIComponent(SECRET)}` });
  assert.ok(form.secrets.includes(SECRET), 'a form body field');
  const refs = buildSpec({ origin: 'curl', endpoint: 'https://api.mashvisor.com/v1.1/client/city/list?state=TX', inputHeaders: { 'x-api-key': '$MASHVISOR_API_KEY', Authorization: 'Bearer {{token}}' } });
  assert.not.ok(refs.secrets.some((s) => s.includes('MASHVISOR_API_KEY') || s.includes('{{')), 'references to a secret are not secrets');
});

test('the scrubber: mixed encodings, base64 at every alignment, a misread header, a secret cut at the end', () => {
  const s = new Scrubber([SECRET]);
  const mixed = [...SECRET].map((c, i) => (i % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : i % 3 === 1 ? encodeURIComponent(c) : `&#${c.codePointAt(0)};`)).join('');
  for (const text of [SECRET, mixed, JSON.stringify(JSON.stringify(SECRET)), b64(`x:${SECRET}`), b64(`xy:${SECRET}`), b64(`xyz:${SECRET}`),
    Buffer.from(SECRET, 'utf8').toString('latin1'), SECRET.replace(/\//g, '\\/')]) {
    const out = s.scrub(`before ${text} after`);
    assert.match(out, /^before .*\[REDACTED:sha256:[0-9a-f]{12}\].* after$/, text);
    assert.not.ok(out.includes('sEcr3t'), out);
  }
  for (const cut of [SECRET.slice(0, 9), b64(SECRET).slice(0, 9), encodeURIComponent(SECRET).slice(0, 12), '\\u0073\\u0045\\u0063\\u00']) {
    assert.is(s.cutTail(`body ${cut}`), 'body ', cut);
  }
  assert.is(s.cutTail('ordinary text'), 'ordinary text');
  // A secret with backslashes, at one and two depths of JSON escaping; a secret too long for the per-character
  // pattern, in its literal forms; a hostile run of backslashes is scanned without a match.
  const slashes = 'a\\\\b\\c-secret';
  const long = `${'k'.repeat(400)}/end`;
  const both = new Scrubber([slashes, long]);
  for (const text of [slashes, JSON.stringify(slashes), JSON.stringify(JSON.stringify(slashes)), long, encodeURIComponent(long), b64(long)]) {
    assert.not.ok(both.scrub(`<${text}>`).includes('c-secret') || both.scrub(`<${text}>`).includes('kkkkkkkk'), text.slice(0, 40));
  }
  const hostile = '\\'.repeat(100000);
  assert.is(both.scrub(hostile), hostile);
  assert.is(new Scrubber(['short']).scrub('short'), 'short', 'shorter than the minimum: not scrubbed as free text');
  assert.is(new Scrubber().scrub('anything'), 'anything');
});

test('no import cycle between the check command and its inputs', () => {
  const inputs = readFileSync(join(root, 'src', 'cli', 'commands', 'inputs.ts'), 'utf8');
  assert.not.match(inputs, /from '\.\/check\.js'/);
});

test('a live --collection run sends the -H headers and --rate of a single check', async () => {
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'mp-build-'));
  try {
    const collection = { info: { name: 'c', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [{ name: 'cities', request: { method: 'GET', url: `${sandbox.directBaseUrl}/client/city/list?state=TX`, header: [{ key: 'x-api-key', value: SANDBOX_KEY }] } }] };
    writeFileSync(join(dir, 'c.json'), JSON.stringify(collection));
    const r = await runCli(['check', '--collection', join(dir, 'c.json'), '-H', 'x-sandbox-scenario: maintenance', '--rate', '5/s', '--json', '--reports-dir', join(dir, 'r')]);
    const out = JSON.parse(r.stdout);
    assert.is(out.reports[0].verdict, 'server-error', 'the -H header reached the server');
    assert.is(sandbox.log[0].headers['x-sandbox-scenario'], 'maintenance');
    assert.ok(JSON.stringify(out.reports[0].checks.find((c) => c.id === 'rate-limit')).includes('5'), 'the --rate was given to the checks');
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
