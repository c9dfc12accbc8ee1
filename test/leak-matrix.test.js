// The leak matrix: a canary credential in every place an input can carry one (flags, curl, HAR, Postman, the
// library, the interceptor, proxy settings), sent to a loopback server that echoes what it received in every
// encoding (raw, decoded Basic, a cookie value alone, base64 at each alignment, JSON-escaped with \/ and \uXXXX,
// HTML-escaped, URL-encoded, and cut by the 1 MiB body cap). No file written and no byte printed may hold the
// canary in any of those encodings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { attachPreflight, runPreflight, writeReport } from '../dist/index.js';
import { runCli } from './helpers.js';

const CAP = 1024 * 1024;
// Each case has its own canary, so a leak names its case; the é makes every escaping scheme differ from the raw text.
const canaryOf = (n) => `Lk${String(n).padStart(2, '0')}/q9ZwK4_Mx7tRé`;
const CANARY_IN_TEXT = /Lk\d\d\/q9ZwK4_Mx7tRé/;
const OTHER_KEY = 'plain-other-key-0123456789';

// ---------------------------------------------------------------------------------------------------------------
// encodings, written here independently of the code under test

const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const pct = (text) => encodeURIComponent(text);
const pctLower = (text) => pct(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const allU = (text, upper) => [...text].map((c) => {
  let out = '';
  for (let i = 0; i < c.length; i++) {
    const hex = c.charCodeAt(i).toString(16).padStart(4, '0');
    out += `\\u${upper ? hex.toUpperCase() : hex}`;
  }
  return out;
}).join('');
const htmlDec = (text) => [...text].map((c) => `&#${c.codePointAt(0)};`).join('');
const htmlHex = (text) => [...text].map((c) => `&#x${c.codePointAt(0).toString(16)};`).join('');
const jsonIn = (text) => JSON.stringify(text).slice(1, -1);
const php = (text) => jsonIn(text).replace(/\//g, '\\/');

/** Text encodings of a piece of the secret: a leak of that piece shows as one of these. */
const TEXT_FORMS = [
  (t) => t, pct, pctLower, (t) => new URLSearchParams({ v: t }).toString().slice(2), jsonIn, php,
  (t) => allU(t, false), (t) => allU(t, true), htmlDec, htmlHex,
];

/** Base64 of the secret alone and at the three alignments inside a longer blob (user:secret, ab+secret). */
function base64Cores(secret) {
  const bytes = Buffer.from(secret, 'utf8');
  const out = [bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')];
  for (const lead of [0, 1, 2]) {
    const usable = Math.floor((bytes.length - lead) / 3) * 3;
    out.push(bytes.subarray(lead, lead + usable).toString('base64'), bytes.subarray(lead, lead + usable).toString('base64url'));
  }
  return out;
}

/** Fails when any 8 consecutive characters of the secret, in any text encoding, or 10 of its base64, appear. */
function assertClean(text, secret, where) {
  const chars = [...secret];
  for (let i = 0; i + 8 <= chars.length; i++) {
    const piece = chars.slice(i, i + 8).join('');
    for (const form of TEXT_FORMS) {
      const needle = form(piece);
      if (text.includes(needle)) assert.unreachable(`${where}: holds ${JSON.stringify(needle)} (a form of ${JSON.stringify(piece)})\n${excerpt(text, needle)}`);
    }
  }
  for (const core of base64Cores(secret)) {
    for (let i = 0; i + 10 <= core.length; i++) {
      const needle = core.slice(i, i + 10);
      if (text.includes(needle)) assert.unreachable(`${where}: holds base64 piece ${needle}\n${excerpt(text, needle)}`);
    }
  }
}

function excerpt(text, needle) {
  const at = text.indexOf(needle);
  return text.slice(Math.max(0, at - 200), at + needle.length + 200);
}

// ---------------------------------------------------------------------------------------------------------------
// the echo server

/** Every string the request carried, and the ones a server derives: decoded Basic (pair and parts), cookie values. */
function receivedStrings(req, body) {
  const out = [req.url, decodeURIComponent(req.url), body];
  try {
    out.push(new URLSearchParams(body).toString(), ...new URLSearchParams(body).values());
  } catch { /* not a form */ }
  for (const [name, value] of Object.entries(req.headers)) {
    const text = String(value);
    out.push(text);
    if (/authorization/i.test(name)) {
      const basic = /^basic\s+(.+)$/i.exec(text);
      if (basic) {
        const pair = Buffer.from(basic[1], 'base64').toString('utf8');
        out.push(pair, ...pair.split(':'));
      }
      out.push(text.replace(/^\S+\s+/, ''));
    }
    if (name === 'cookie') for (const part of text.split(';')) out.push(part.split('=').slice(1).join('=').trim());
  }
  return out.filter((s) => s && CANARY_IN_TEXT.test(s));
}

/** JSON members holding `s` raw, base64 at each alignment, JSON-escaped (\/ and \uXXXX), HTML-escaped, URL-encoded. */
function echoMembers(strings, tag) {
  const members = [];
  strings.forEach((s, i) => {
    const k = `${tag}${i}`;
    members.push(
      [`${k}raw`, jsonIn(s)], [`${k}b64`, b64(s)], [`${k}b64a`, b64(`a${s}`)], [`${k}b64b`, b64(`ab${s}`)],
      [`${k}php`, php(s)], [`${k}u`, allU(s, false)], [`${k}U`, allU(s, true)], [`${k}html`, htmlDec(s)],
      [`${k}hex`, htmlHex(s)], [`${k}pct`, pct(s)], [`${k}pctl`, pctLower(s)],
    );
  });
  return members;
}

/** The forms a body cut at the cap may end inside of. */
const CUT_FORMS = [b64, (s) => b64(`ab${s}`), (s) => allU(s, false), pct, htmlDec, jsonIn, php];

function startEcho() {
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      count++;
      const body = Buffer.concat(chunks).toString('utf8');
      const strings = receivedStrings(req, body);
      const canary = strings.map((s) => CANARY_IN_TEXT.exec(s)?.[0]).find(Boolean) ?? 'none';
      const members = echoMembers([canary, ...strings], 'e');
      let text = `{"message":"Invalid api access Key ${jsonIn(canary)}",${members.map(([k, v]) => `"${k}":"${v}"`).join(',')}`;
      // Every other answer is cut by the 1 MiB cap inside one encoding of the canary.
      const cut = count % 2 === 0;
      if (cut) {
        const form = CUT_FORMS[count % CUT_FORMS.length](canary);
        const keep = Math.ceil(form.length * 0.7);
        text += `,"pad":"${'x'.repeat(CAP - Buffer.byteLength(text) - 8 - Buffer.byteLength(form.slice(0, keep)))}${form}and more"}`;
      } else {
        text += '}';
      }
      const headers = {
        'content-type': 'application/json',
        'x-echo': canary === 'none' ? 'none' : `got ${canary}`,
        'x-echo-b64': b64(canary),
        'set-cookie': `session=${encodeURIComponent(canary)}; Path=/`,
        'www-authenticate': `Bearer error="invalid_token", token="${canary}"`,
      };
      res.writeHead(401, `Denied ${canary}`, headers);
      res.end(text);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------------------------------------------------------
// the cases

let server;
let base;
let port;
let work;

test.before(async () => {
  server = await startEcho();
  port = server.address().port;
  base = `http://127.0.0.1:${port}`;
  work = mkdtempSync(join(tmpdir(), 'mp-leak-'));
});
test.after(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

const CITY = (b) => `${b}/v1.1/client/city/list?state=TX`;
const MASHMETER = (b) => `${b}/v1.1/client/ml/mashmeter`;

function harOf(request) {
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries: [{ startedDateTime: '2025-01-01T00:00:00Z', time: 1, request: { httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: -1, ...request }, response: { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1 }, cache: {}, timings: { send: 0, wait: 0, receive: 0 } }] } });
}

function collectionOf(item, auth) {
  return JSON.stringify({ info: { name: 'leak', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [{ name: 'case', request: item }], ...(auth ? { auth } : {}) });
}

/** Each CLI case: the arguments (files it needs are written first) and its environment. */
function cliCases() {
  const key = ['--key', OTHER_KEY];
  const cases = [
    ['--key', (c) => ['check', 'listCities', '-p', 'state=TX', '--base-url', `${base}/v1.1`, '--key', c]],
    ['--key-file', (c, dir) => (writeFileSync(join(dir, 'key.txt'), `${c}\n`), ['check', 'listCities', '-p', 'state=TX', '--base-url', `${base}/v1.1`, '--key-file', join(dir, 'key.txt')])],
    ['MASHVISOR_API_KEY', () => ['check', 'listCities', '-p', 'state=TX', '--base-url', `${base}/v1.1`], (c) => ({ MASHVISOR_API_KEY: c })],
    ['-H x-api-key', (c) => ['check', 'listCities', '-p', 'state=TX', '--base-url', `${base}/v1.1`, '-H', `x-api-key: ${c}`]],
    ['-H Authorization: Bearer', (c) => ['check', 'listCities', '-p', 'state=TX', '--base-url', `${base}/v1.1`, '-H', `Authorization: Bearer ${c}`, ...key]],
    ['-H custom credential header', (c) => ['check', 'listCities', '-p', 'state=TX', '--base-url', `${base}/v1.1`, '-H', `X-Client-Secret: ${c}`, ...key]],

    // A --base-url with a query is a usage error now (trial.test.js holds that its message shows no key); the key in
    // the query of a full endpoint URL is the way such a request reaches the server.
    ['endpoint URL query', (c) => ['check', `${CITY(base)}&api_key=${encodeURIComponent(c)}`, ...key]],
    ['-p api_key', (c) => ['check', 'listCities', '-p', 'state=TX', '-p', `api_key=${c}`, '--base-url', `${base}/v1.1`, ...key]],
    ['--payload nested JSON key', (c, dir) => (writeFileSync(join(dir, 'p.json'), JSON.stringify({ body: { auth: { api_key: c }, list: [{ clientSecret: c }] } })), ['check', 'postMlMashmeter', '--payload', join(dir, 'p.json'), '--base-url', `${base}/v1.1`, ...key])],
    ['endpoint URL userinfo', (c) => ['check', `http://u:${encodeURIComponent(c)}@127.0.0.1:${port}/v1.1/client/city/list?state=TX`, ...key]],
    ['curl -u', (c) => ['check', '--from-curl', `curl -u 'user:${c}' '${CITY(base)}'`]],
    ['curl -u key:', (c) => ['check', '--from-curl', `curl -u '${c}:' '${CITY(base)}'`]],
    ['curl -H', (c) => ['check', '--from-curl', `curl -H 'x-api-key: ${c}' '${CITY(base)}'`]],
    ['curl --cookie', (c) => ['check', '--from-curl', `curl --cookie 'session=${c}; theme=dark' -H 'x-api-key: ${OTHER_KEY}' '${CITY(base)}'`]],
    ['curl --data form', (c) => ['check', '--from-curl', `curl -H 'x-api-key: ${OTHER_KEY}' --data 'api_key=${encodeURIComponent(c)}&x=1' '${MASHMETER(base)}'`]],
    ['curl --json nested', (c) => ['check', '--from-curl', `curl -H 'x-api-key: ${OTHER_KEY}' --json '${JSON.stringify({ auth: { api_key: c } })}' '${MASHMETER(base)}'`]],
    ['curl URL userinfo and query', (c) => ['check', '--from-curl', `curl -H 'x-api-key: ${OTHER_KEY}' 'http://u:${encodeURIComponent(c)}@127.0.0.1:${port}/v1.1/client/city/list?state=TX&token=${encodeURIComponent(c)}'`]],
    ['HAR headers and cookies', (c, dir) => (writeFileSync(join(dir, 'a.har'), harOf({ method: 'GET', url: CITY(base), headers: [{ name: 'x-api-key', value: c }, { name: 'Cookie', value: `sid=${c}` }], cookies: [{ name: 'sid', value: c }] })), ['check', '--from-har', join(dir, 'a.har')])],
    ['HAR postData text', (c, dir) => (writeFileSync(join(dir, 'b.har'), harOf({ method: 'POST', url: MASHMETER(base), headers: [{ name: 'x-api-key', value: OTHER_KEY }], postData: { mimeType: 'application/x-www-form-urlencoded', text: `api_key=${encodeURIComponent(c)}` } })), ['check', '--from-har', join(dir, 'b.har')])],
    ['HAR postData params', (c, dir) => (writeFileSync(join(dir, 'c.har'), harOf({ method: 'POST', url: MASHMETER(base), headers: [{ name: 'x-api-key', value: OTHER_KEY }], postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'password', value: c }] } })), ['check', '--from-har', join(dir, 'c.har')])],
    ['HAR URL userinfo and query', (c, dir) => (writeFileSync(join(dir, 'd.har'), harOf({ method: 'GET', url: `http://u:${encodeURIComponent(c)}@127.0.0.1:${port}/v1.1/client/city/list?state=TX&apikey=${encodeURIComponent(c)}`, headers: [{ name: 'x-api-key', value: OTHER_KEY }] })), ['check', '--from-har', join(dir, 'd.har')])],
    ['Postman apikey auth, custom header', (c, dir) => (writeFileSync(join(dir, 'a.json'), collectionOf({ method: 'GET', url: CITY(base) }, { type: 'apikey', apikey: [{ key: 'key', value: 'X-Partner-Id' }, { key: 'value', value: c }, { key: 'in', value: 'header' }] })), ['check', '--collection', join(dir, 'a.json')])],
    ['Postman basic auth', (c, dir) => (writeFileSync(join(dir, 'b.json'), collectionOf({ method: 'GET', url: CITY(base), header: [{ key: 'x-api-key', value: OTHER_KEY }] }, { type: 'basic', basic: [{ key: 'username', value: 'user' }, { key: 'password', value: c }] })), ['check', '--collection', join(dir, 'b.json')])],
    ['Postman bearer auth', (c, dir) => (writeFileSync(join(dir, 'c.json'), collectionOf({ method: 'GET', url: CITY(base) }, { type: 'bearer', bearer: [{ key: 'token', value: c }] })), ['check', '--collection', join(dir, 'c.json')])],
    ['Postman urlencoded body', (c, dir) => (writeFileSync(join(dir, 'd.json'), collectionOf({ method: 'POST', url: MASHMETER(base), header: [{ key: 'x-api-key', value: OTHER_KEY }], body: { mode: 'urlencoded', urlencoded: [{ key: 'api_key', value: c }] } })), ['check', '--collection', join(dir, 'd.json')])],
    ['Postman raw JSON body', (c, dir) => (writeFileSync(join(dir, 'e.json'), collectionOf({ method: 'POST', url: MASHMETER(base), header: [{ key: 'x-api-key', value: OTHER_KEY }], body: { mode: 'raw', raw: JSON.stringify({ outer: { access_token: c } }), options: { raw: { language: 'json' } } } })), ['check', '--collection', join(dir, 'e.json')])],
    ['HTTP_PROXY credentials', () => ['check', 'listCities', '-p', 'state=TX', '--base-url', 'http://mashvisor.invalid/v1.1', '--allow-http', ...key], (c) => ({ HTTP_PROXY: `http://user:${encodeURIComponent(c)}@127.0.0.1:${port}`, NO_PROXY: '' })],
  ];
  return cases.map(([name, args, env], i) => ({ name, n: i + 1, args, env: env ?? (() => ({})) }));
}

/** Every file under dir, as text. */
function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push([path, readFileSync(path, 'utf8')]);
  }
  return out;
}

async function runCase(c) {
  const canary = canaryOf(c.n);
  const dir = join(work, `case${c.n}`);
  mkdirSync(dir);
  const reports = join(dir, 'reports');
  // --send-anyway: every case reaches the echo server, even one whose key the checks would stop.
  const args = [...c.args(canary, dir), '--reports-dir', reports, '--bundle', '--timeout', '20000', '--send-anyway'];
  const result = await runCli(args, { env: { NO_COLOR: '1', ...c.env(canary) } });
  assert.not.ok(result.killed, `${c.name}: the run was killed`);
  const json = filesUnder(reports).find(([path]) => path.endsWith('.json'));
  assert.ok(json, `${c.name}: a JSON report (exit ${result.code}: ${result.stderr})`);
  assert.is(JSON.parse(json[1]).response?.status, 401, `${c.name}: the echo server answered`);
  const outputs = [['stdout', result.stdout], ['stderr', result.stderr], ...filesUnder(reports)];
  // The json flag prints the whole report on stdout as well.
  for (const [where, text] of outputs) assertClean(text, canary, `${c.name} (${canary}): ${where}`);
  return { reports: filesUnder(reports).length, result };
}

test('every credential position of every CLI input: no canary in any file or stream, in any encoding', async () => {
  const cases = cliCases();
  const served = [];
  // Two at a time: the machine has two cores; the server is shared.
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) served.push([c.name, await runCase(c)]);
  };
  await Promise.all([worker(), worker()]);
  for (const [name, { reports, result }] of served) {
    assert.ok(reports >= 2, `${name}: the report files were written (exit ${result.code}: ${result.stderr})`);
  }
});

test('--json on stdout: the printed report holds no canary', async () => {
  const canary = canaryOf(60);
  const dir = join(work, 'json');
  const result = await runCli(['check', '--from-curl', `curl -u 'user:${canary}' -H 'x-api-key: ${canary}' '${CITY(base)}'`, '--json', '--reports-dir', dir]);
  assert.ok(result.stdout.includes('"verdict"'), result.stderr);
  for (const [where, text] of [['stdout', result.stdout], ['stderr', result.stderr], ...filesUnder(dir)]) assertClean(text, canary, `--json: ${where}`);
});

test('library runPreflight: the returned report and every written format hold no canary', async () => {
  for (const [n, cut] of [[61, false], [62, true]]) {
    const canary = canaryOf(n);
    const dir = join(work, `lib${n}`);
    const report = await runPreflight({
      endpoint: cut ? 'postMlMashmeter' : 'listCities',
      params: cut ? { body: { auth: { api_key: canary } } } : { state: 'TX', api_key: canary },
      key: canary,
      baseUrl: `http://user:${encodeURIComponent(canary)}@127.0.0.1:${port}/v1.1`,
      headers: { Cookie: `sid=${canary}`, Authorization: `Basic ${b64(`user:${canary}`)}` },
    }, { sendAnyway: true, timeoutMs: 20000 });
    assert.ok(report.response, 'the request was answered');
    assertClean(JSON.stringify(report), canary, `library report ${n}`);
    await writeReport(report, dir, ['json', 'md', 'har', 'html', 'junit']);
    for (const [where, text] of filesUnder(dir)) assertClean(text, canary, `library ${where}`);
  }
});

test('interceptor: axios auth, key header and cookie of the app: no canary in the report or its files', async () => {
  const canary = canaryOf(63);
  const dir = join(work, 'interceptor');
  const client = axios.create({ baseURL: `${base}/v1.1`, auth: { username: 'user', password: canary }, headers: { 'x-api-key': canary, Cookie: `sid=${canary}` } });
  let seen = null;
  attachPreflight(client, { reportsDir: dir, formats: ['json', 'md', 'har', 'html', 'junit'], onReport: (r) => (seen = r) });
  const err = await client.post('/client/ml/mashmeter', { nested: { apiKey: canary } }).catch((e) => e);
  assert.is(err.response?.status, 401, String(err.preflightError ?? err));
  assert.ok(seen, 'onReport was called');
  assertClean(JSON.stringify(seen), canary, 'interceptor onReport');
  assertClean(JSON.stringify(err.preflightReport.report), canary, 'interceptor error.preflightReport');
  for (const [where, text] of filesUnder(dir)) assertClean(text, canary, `interceptor ${where}`);
});

test('sanitize: userinfo, JSON and form postData, #access_token= fragments and base64 copies are all taken out', async () => {
  const canary = canaryOf(64);
  const dir = join(work, 'sanitize');
  mkdirSync(dir);
  const echo = `{"seen":"${php(canary)}","u":"${allU(canary, false)}","html":"${htmlDec(canary)}","b64":"${b64(`user:${canary}`)}"}`;
  const har = JSON.parse(harOf({
    method: 'POST',
    url: `https://u:${encodeURIComponent(canary)}@api.mashvisor.com/v1.1/client/ml/mashmeter?state=TX#access_token=${encodeURIComponent(canary)}`,
    headers: [{ name: 'Content-Type', value: 'application/json' }],
    postData: { mimeType: 'application/json', text: JSON.stringify({ deep: { client_secret: canary } }) },
  }));
  har.log.entries.push(JSON.parse(harOf({ method: 'POST', url: 'https://api.mashvisor.com/v1.1/client/ml/mashmeter', postData: { mimeType: 'application/x-www-form-urlencoded', text: `a=1&api_key=${encodeURIComponent(canary)}` } })).log.entries[0]);
  har.log.entries[0].response.content = { size: echo.length, mimeType: 'application/json', text: echo };
  har.log.entries[1].response.content = { size: echo.length, mimeType: 'application/json', text: Buffer.from(echo).toString('base64'), encoding: 'base64' };
  har.log.entries[1].response.headers = [{ name: 'x-debug', value: `seen ${b64(`ab${canary}`)} end` }];
  writeFileSync(join(dir, 'in.har'), JSON.stringify(har));
  const result = await runCli(['sanitize', join(dir, 'in.har'), '-o', join(dir, 'out.har')]);
  assert.is(result.code, 0, result.stderr);
  const out = readFileSync(join(dir, 'out.har'), 'utf8');
  for (const [where, text] of [['out.har', out], ['stdout', result.stdout], ['stderr', result.stderr]]) assertClean(text, canary, `sanitize ${where}`);
  // The base64 body decodes clean too.
  const decoded = Buffer.from(JSON.parse(out).log.entries[1].response.content.text, 'base64').toString('utf8');
  assertClean(decoded, canary, 'sanitize decoded base64 body');
  assert.ok(JSON.parse(out).log.entries[0].request.url.startsWith('https://api.mashvisor.com/'), 'userinfo dropped');
});

test.run();
