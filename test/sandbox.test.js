// The sandbox over real loopback HTTP: documented behaviour, every scenario, and survival of rude clients.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  startSandbox, SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY, SCENARIOS,
} from '../dist/sandbox/server.js';

const RAPID_HOST = 'mashvisor-api.p.rapidapi.com';
const DIRECT = { 'x-api-key': SANDBOX_KEY };
const RAPID = { 'x-rapidapi-key': SANDBOX_RAPIDAPI_KEY, 'x-rapidapi-host': RAPID_HOST };
const ENVELOPE_TEXT = {
  400: 'Bad Request -- Your request is invalid.',
  401: 'Unauthorized -- Your API key is wrong.',
  404: 'Not Found -- The specified property could not be found.',
  429: "Too Many Requests -- You're sending too many requests! Slow down!",
  500: 'Internal Server Error -- We had a problem with our server. Try again later.',
};

/** One request with node:http (no decoding, no redirects followed); resolves with the raw body. */
function request(base, path, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let json;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, raw, text: raw.toString('utf8'), json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Reads a streaming answer until `bytes` arrived, then aborts; resolves with what was read. */
function readThenAbort(base, path, headers, bytes) {
  return new Promise((resolve, reject) => {
    let got = 0;
    const req = http.request(base + path, { headers, agent: false }, (res) => {
      res.on('data', (chunk) => {
        got += chunk.length;
        if (got >= bytes) {
          req.destroy();
          resolve({ status: res.statusCode, headers: res.headers, got });
        }
      });
      res.on('error', () => {});
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, got, ended: true }));
    });
    req.on('error', (err) => {
      if (got < bytes) reject(err);
    });
    req.end();
  });
}

function scenario(name, base = DIRECT) {
  return { ...base, 'x-sandbox-scenario': name };
}

function rateHeaders(headers) {
  return Object.keys(headers).filter((h) => h.startsWith('x-ratelimit') || h.startsWith('ratelimit'));
}

// ---------------------------------------------------------------------------------------------------------

const api = suite('sandbox: documented behaviour');
let sb;
api.before(async () => {
  sb = await startSandbox();
});
api.after(async () => {
  await sb.close();
});
api.before.each(() => sb.resetStats());

api('exposes base URLs and the scenario list', () => {
  assert.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.is(sb.directBaseUrl, `${sb.url}/v1.1`);
  assert.is(sb.rapidapiBaseUrl, sb.url);
  assert.is(sb.port, Number(sb.url.split(':').pop()));
  assert.ok(SCENARIOS.length >= 20);
  for (const s of SCENARIOS) assert.type(s.description, 'string');
  assert.not.equal(SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY);
});

api('direct: 200 success envelope as JSON, no rate-limit headers', async () => {
  const r = await request(sb.url, '/v1.1/client/rental-rates?state=CA&source=airbnb', { headers: DIRECT });
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'application/json');
  assert.is(r.json.status, 'success');
  assert.type(r.json.content.rental_rates.studio_value, 'number');
  assert.equal(rateHeaders(r.headers), []);
  assert.is(r.headers['retry-after'], undefined);
});

api('direct: header name is case-insensitive', async () => {
  const r = await request(sb.url, '/v1.1/client/city/list?state=TX', { headers: { 'X-API-KEY': SANDBOX_KEY } });
  assert.is(r.status, 200);
});

api('direct: missing, wrong and RapidAPI keys get the exact 401 envelope', async () => {
  const expected = { status: 'error', code: 401, message: 'Invalid api access Key' };
  for (const headers of [{}, { 'x-api-key': 'nope' }, { 'x-api-key': SANDBOX_RAPIDAPI_KEY }, { ...RAPID }]) {
    const r = await request(sb.url, '/v1.1/client/rental-rates?state=CA', { headers });
    assert.is(r.status, 401);
    assert.equal(r.json, expected);
  }
});

api('RapidAPI: 200 with both rate-limit header families', async () => {
  const r = await request(sb.url, '/rental-rates?state=CA&source=traditional', { headers: RAPID });
  assert.is(r.status, 200);
  assert.is(r.json.status, 'success');
  assert.is(r.json.content.source, 'traditional');
  assert.is(r.headers['x-ratelimit-requests-limit'], '1000');
  assert.is(r.headers['x-ratelimit-requests-remaining'], '999');
  assert.ok(Number(r.headers['x-ratelimit-requests-reset']) > 0);
  assert.is(r.headers['x-ratelimit-limit'], '100');
  assert.is(r.headers['x-ratelimit-remaining'], '99');
  const reset = Number(r.headers['x-ratelimit-reset']);
  assert.ok(reset >= 1 && reset <= 60);
  const again = await request(sb.url, '/rental-rates?state=CA', { headers: RAPID });
  assert.is(again.headers['x-ratelimit-requests-remaining'], '998');
  assert.is(again.headers['x-ratelimit-remaining'], '98');
});

api('RapidAPI: missing key, direct key and wrong host get RapidAPI-style 401s', async () => {
  const missing = await request(sb.url, '/rental-rates?state=CA', { headers: { 'x-rapidapi-host': RAPID_HOST } });
  assert.is(missing.status, 401);
  assert.match(missing.json.message, /^Invalid API key\. Go to https:\/\/docs\.rapidapi\.com\/docs\/keys/);
  assert.is(missing.json.status, undefined);

  const crossed = await request(sb.url, '/rental-rates?state=CA', { headers: { 'x-rapidapi-key': SANDBOX_KEY, 'x-rapidapi-host': RAPID_HOST } });
  assert.is(crossed.status, 401);
  assert.match(crossed.json.message, /Invalid API key/);

  const directHeader = await request(sb.url, '/rental-rates?state=CA', { headers: DIRECT });
  assert.is(directHeader.status, 401);

  const wrongHost = await request(sb.url, '/rental-rates?state=CA', { headers: { 'x-rapidapi-key': SANDBOX_RAPIDAPI_KEY, 'x-rapidapi-host': 'example.p.rapidapi.com' } });
  assert.is(wrongHost.status, 401);
  assert.is(wrongHost.json.message, 'You are not subscribed to this API.');
});

api('missing state is 404 with the documented envelope (both ways)', async () => {
  const direct = await request(sb.url, '/v1.1/client/rental-rates?source=airbnb', { headers: DIRECT });
  assert.is(direct.status, 404);
  assert.equal(direct.json, { status: 'error', code: 404, message: ENVELOPE_TEXT[404] });
  const rapid = await request(sb.url, '/airbnb-property/market-summary?city=Austin', { headers: RAPID });
  assert.is(rapid.status, 404);
  assert.is(rapid.json.message, ENVELOPE_TEXT[404]);
});

api('bad state, bad source and bad types are 400', async () => {
  for (const path of [
    '/v1.1/client/rental-rates?state=ZZ',
    '/v1.1/client/rental-rates?state=CAL',
    '/v1.1/client/rental-rates?state=C1',
    '/v1.1/client/rental-rates?state=CA&source=vrbo',
    '/v1.1/client/city/neighborhoods/zz/Austin',
    '/v1.1/client/trends/cities?state=TX&page=zero',
    '/v1.1/client/neighborhood/268201/airbnb/details?state=TX&bedrooms=two',
    '/v1.1/client/metadata/validate-city?state=TX',
  ]) {
    const r = await request(sb.url, path, { headers: DIRECT });
    assert.is(r.status, 400, path);
    assert.equal(r.json, { status: 'error', code: 400, message: ENVELOPE_TEXT[400] }, path);
  }
});

api('a state code in any case is taken: the docs\' own example URLs write state=ny', async () => {
  for (const path of ['/v1.1/client/rental-rates?state=ny', '/v1.1/client/city/neighborhoods/tx/Austin']) {
    const r = await request(sb.url, path, { headers: DIRECT });
    assert.is(r.status, 200, path);
  }
});

api('ids 0, missing and notfound are 404; real ids are 200', async () => {
  for (const id of ['0', 'missing', 'notfound']) {
    const r = await request(sb.url, `/v1.1/client/property/${id}/taxing?state=TX`, { headers: DIRECT });
    assert.is(r.status, 404, id);
    assert.is(r.json.message, ENVELOPE_TEXT[404]);
  }
  const q = await request(sb.url, '/property?state=TX&id=0', { headers: RAPID });
  assert.is(q.status, 404);
  const ok = await request(sb.url, '/v1.1/client/property/664367/taxing?state=TX', { headers: DIRECT });
  assert.is(ok.status, 200);
  assert.is(ok.json.content.id, 664367);
});

api('path-templated state/city routes need no query state', async () => {
  const r = await request(sb.url, '/v1.1/client/city/investment/TX/Austin', { headers: DIRECT });
  assert.is(r.status, 200);
  assert.is(r.json.content.city, 'Austin');
  const spaced = await request(sb.url, '/trends/summary/CA/Los%20Angeles', { headers: RAPID });
  assert.is(spaced.status, 200);
  assert.is(spaced.json.content.city, 'Los Angeles');
});

api('literal routes win over {id} routes', async () => {
  const r = await request(sb.url, '/airbnb-property/occupancy-rates?state=TX', { headers: RAPID });
  assert.is(r.status, 200);
  assert.ok(r.json.content.occupancy_histogram);
  const byId = await request(sb.url, '/airbnb-property/4242?state=TX', { headers: RAPID });
  assert.is(byId.status, 200);
  assert.is(byId.json.content.id, 4242);
});

api('list answers carry pagination fields', async () => {
  const r = await request(sb.url, '/v1.1/client/city/listings?state=TX&page=2&items=4', { headers: DIRECT });
  assert.is(r.status, 200);
  assert.is(r.json.content.page, 2);
  assert.is(r.json.content.items, 4);
  assert.is(r.json.content.results.length, 4);
  assert.type(r.json.content.total_results, 'number');
  assert.type(r.json.content.total_pages, 'number');
});

api('unknown paths are 404 (documented envelope direct, RapidAPI gateway text there)', async () => {
  const direct = await request(sb.url, '/v1.1/client/no/such/thing?state=TX', { headers: DIRECT });
  assert.is(direct.status, 404);
  assert.is(direct.json.code, 404);
  const notClient = await request(sb.url, '/v1.1/rental-rates?state=TX', { headers: DIRECT });
  assert.is(notClient.status, 404);
  const rapid = await request(sb.url, '/no-such-thing?state=TX', { headers: RAPID });
  assert.is(rapid.status, 404);
  assert.match(rapid.json.message, /does not exist/);
  // Direct-only operations are not listed on RapidAPI.
  const directOnly = await request(sb.url, '/property/1/images?state=TX', { headers: RAPID });
  assert.is(directOnly.status, 404);
  const wrongMethod = await request(sb.url, '/ml/mashmeter', { headers: RAPID });
  assert.is(wrongMethod.status, 404);
});

api('RapidAPI operations also exist under /v1.1/client on the direct API', async () => {
  const r = await request(sb.url, '/v1.1/client/rento-calculator/lookup?state=TX&city=Killeen', { headers: DIRECT });
  assert.is(r.status, 200);
  const lookup = await request(sb.url, '/v1.1/client/lookup?address=3703%20Endicott%20Dr&city=Killeen&state=TX&zip_code=76549&resource=airbnb', { headers: DIRECT });
  assert.is(lookup.status, 200);
});

api('gateway prefix before /v1.1 works', async () => {
  const r = await request(sb.url, '/gateway/x/v1.1/client/rental-rates?state=CA', { headers: DIRECT });
  assert.is(r.status, 200);
  assert.is(r.json.status, 'success');
  assert.is(sb.log[0].mode, 'direct');
});

api('POST /ml/*: JSON object body is 200; broken JSON, arrays and empty bodies are 400', async () => {
  const headers = { ...RAPID, 'content-type': 'application/json' };
  const ok = await request(sb.url, '/ml/mashmeter', { method: 'POST', headers, body: JSON.stringify({ state: 'TX', city: 'Austin' }) });
  assert.is(ok.status, 200);
  assert.is(ok.json.status, 'success');
  assert.is(ok.json.content.fields_received, 2);
  for (const body of ['{"state":', '[1,2]', '"text"', 'null', '']) {
    const bad = await request(sb.url, '/ml/investment-likelihood', { method: 'POST', headers, body });
    assert.is(bad.status, 400, body);
    assert.is(bad.json.message, ENVELOPE_TEXT[400]);
  }
  const direct = await request(sb.url, '/v1.1/client/ml/recommended_property', {
    method: 'POST', headers: { ...DIRECT, 'content-type': 'application/json' }, body: '{"state":"TX"}',
  });
  assert.is(direct.status, 200);
});

api('counts API requests, logs them, and keeps /__sandbox/* out of the count', async () => {
  await request(sb.url, '/v1.1/client/city/list?state=TX', { headers: DIRECT });
  await request(sb.url, '/v1.1/client/city/list', { headers: DIRECT });
  await request(sb.url, '/rental-rates?state=CA', { headers: { 'x-rapidapi-key': 'wrong' } });
  const stats = await request(sb.url, '/__sandbox/stats');
  assert.is(stats.status, 200);
  assert.equal(stats.json, { requests: 3, byStatus: { 200: 1, 404: 1, 401: 1 } });
  assert.is(sb.requests, 3);
  assert.is(sb.log.length, 3);
  assert.is(sb.log[0].method, 'GET');
  assert.is(sb.log[0].path, '/v1.1/client/city/list');
  assert.is(sb.log[0].url, '/v1.1/client/city/list?state=TX');
  assert.is(sb.log[0].headers['x-api-key'], SANDBOX_KEY);
  assert.is(sb.log[0].scenario, 'ok');
  assert.is(sb.log[0].status, 200);
  assert.is(sb.log[2].mode, 'rapidapi');
  assert.is(sb.log[2].status, 401);

  const reset = await request(sb.url, '/__sandbox/reset', { method: 'POST' });
  assert.is(reset.status, 200);
  assert.is(sb.requests, 0);
  assert.is(sb.log.length, 0);
  const after = await request(sb.url, '/__sandbox/stats');
  assert.equal(after.json, { requests: 0, byStatus: {} });
});

api.run();

// ---------------------------------------------------------------------------------------------------------

const sc = suite('sandbox: scenarios');
let sbs;
sc.before(async () => {
  sbs = await startSandbox({ hugeBodyBytes: 200000 });
});
sc.after(async () => {
  await sbs.close();
});

const PATH = '/v1.1/client/rental-rates?state=CA&source=airbnb';

sc('ok is the normal answer', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('ok') });
  assert.is(r.status, 200);
  assert.is(r.json.status, 'success');
});

sc('maintenance: 503 HTML page, even without a key', async () => {
  const r = await request(sbs.url, PATH, { headers: { 'x-sandbox-scenario': 'maintenance' } });
  assert.is(r.status, 503);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.text, /<html/i);
  assert.is(r.json, undefined);
});

sc('server-error, not-found, bad-request, unauthorized: documented envelopes', async () => {
  for (const [name, code] of [['server-error', 500], ['not-found', 404], ['bad-request', 400], ['unauthorized', 401]]) {
    const r = await request(sbs.url, PATH, { headers: scenario(name) });
    assert.is(r.status, code, name);
    assert.is(r.headers['content-type'], 'application/json');
    assert.equal(r.json, { status: 'error', code, message: code === 401 ? ENVELOPE_TEXT[401] : ENVELOPE_TEXT[code] }, name);
  }
});

sc('bad-gateway: 502 HTML', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('bad-gateway') });
  assert.is(r.status, 502);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.text, /502 Bad Gateway/);
});

sc('rate-limited: 429, Retry-After 30, IETF headers direct and x-ratelimit on RapidAPI', async () => {
  const direct = await request(sbs.url, PATH, { headers: scenario('rate-limited') });
  assert.is(direct.status, 429);
  assert.is(direct.headers['retry-after'], '30');
  assert.is(direct.headers['ratelimit-remaining'], '0');
  assert.is(direct.headers['ratelimit-reset'], '30');
  assert.ok(Number(direct.headers['ratelimit-limit']) > 0);
  assert.equal(direct.json, { status: 'error', code: 429, message: ENVELOPE_TEXT[429] });
  assert.is(direct.headers['x-ratelimit-remaining'], undefined);

  const rapid = await request(sbs.url, '/rental-rates?state=CA', { headers: scenario('rate-limited', RAPID) });
  assert.is(rapid.status, 429);
  assert.is(rapid.headers['retry-after'], '30');
  assert.is(rapid.headers['x-ratelimit-remaining'], '0');
  assert.ok(rapid.headers['x-ratelimit-requests-limit']);
  assert.is(rapid.headers['ratelimit-remaining'], undefined);
});

sc('quota-low: 200 with less than 10% left, in the family of the mode', async () => {
  const direct = await request(sbs.url, PATH, { headers: scenario('quota-low') });
  assert.is(direct.status, 200);
  const limit = Number(direct.headers['ratelimit-limit']);
  const remaining = Number(direct.headers['ratelimit-remaining']);
  assert.ok(limit > 0);
  assert.ok(remaining / limit < 0.1);
  assert.ok(Number(direct.headers['ratelimit-reset']) > 0);
  assert.is(direct.headers['x-ratelimit-requests-remaining'], undefined);

  const rapid = await request(sbs.url, '/rental-rates?state=CA', { headers: scenario('quota-low', RAPID) });
  assert.is(rapid.status, 200);
  const rl = Number(rapid.headers['x-ratelimit-requests-limit']);
  const rr = Number(rapid.headers['x-ratelimit-requests-remaining']);
  assert.ok(rr / rl < 0.1);
  assert.is(rapid.headers['ratelimit-limit'], undefined);
});

sc('slow: answers normally (eventually)', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('slow') });
  assert.is(r.status, 200);
  assert.is(r.json.status, 'success');
});

sc('invalid-json: 200 application/json that does not parse', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('invalid-json') });
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'application/json');
  assert.ok(r.raw.length > 0);
  assert.throws(() => JSON.parse(r.text));
});

sc('html-200: 200 text/html', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('html-200') });
  assert.is(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.text, /<!DOCTYPE html>/);
});

sc('gzip and deflate: encoded bodies that decode to the normal answer', async () => {
  const gz = await request(sbs.url, PATH, { headers: scenario('gzip') });
  assert.is(gz.status, 200);
  assert.is(gz.headers['content-encoding'], 'gzip');
  assert.is(gz.json, undefined);
  assert.is(JSON.parse(gunzipSync(gz.raw).toString()).status, 'success');

  const df = await request(sbs.url, PATH, { headers: scenario('deflate') });
  assert.is(df.headers['content-encoding'], 'deflate');
  assert.is(JSON.parse(inflateSync(df.raw).toString()).status, 'success');

  // fetch decodes gzip transparently.
  const viaFetch = await fetch(sbs.url + PATH, { headers: scenario('gzip') });
  assert.is((await viaFetch.json()).status, 'success');
});

sc('gzip also wraps error answers', async () => {
  const r = await request(sbs.url, '/v1.1/client/rental-rates?source=airbnb', { headers: scenario('gzip') });
  assert.is(r.status, 404);
  assert.is(JSON.parse(gunzipSync(r.raw).toString()).code, 404);
});

sc('echo-key: the received keys in the body and in x-echo-key', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('echo-key') });
  assert.is(r.status, 200);
  assert.is(r.json.content.echo['x-api-key'], SANDBOX_KEY);
  assert.is(r.headers['x-echo-key'], SANDBOX_KEY);
  const rapid = await request(sbs.url, '/rental-rates?state=CA', { headers: scenario('echo-key', RAPID) });
  assert.is(rapid.json.content.echo['x-rapidapi-key'], SANDBOX_RAPIDAPI_KEY);
  assert.match(rapid.headers['x-echo-key'], new RegExp(SANDBOX_RAPIDAPI_KEY));
});

sc('redirect: 302 to another host, same port and path', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('redirect') });
  assert.is(r.status, 302);
  const location = new URL(r.headers.location);
  assert.is(location.hostname, '127.0.0.2');
  assert.is.not(location.hostname, new URL(sbs.url).hostname);
  assert.is(Number(location.port), sbs.port);
  assert.is(location.pathname + location.search, PATH);
});

sc('huge: a complete small huge body is exact-size valid JSON', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('huge') });
  assert.is(r.status, 200);
  assert.is(r.raw.length, 200000);
  assert.is(r.headers['content-length'], undefined);
  const parsed = JSON.parse(r.text);
  assert.is(parsed.status, 'success');
  assert.ok(parsed.content.results.length > 100);
});

sc('unknown scenario: 400 listing valid names', async () => {
  const r = await request(sbs.url, PATH, { headers: scenario('nope') });
  assert.is(r.status, 400);
  assert.match(r.json.message, /nope/);
  assert.equal(r.json.scenarios, SCENARIOS.map((s) => s.name));
});

sc('reset: the client sees the connection break mid-body', async () => {
  const outcome = await new Promise((resolve) => {
    const req = http.request(sbs.url + PATH, { headers: scenario('reset'), agent: false }, (res) => {
      res.on('data', () => {});
      res.on('error', (err) => resolve({ stage: 'body', status: res.statusCode, code: err.code }));
      res.on('aborted', () => resolve({ stage: 'body', status: res.statusCode, code: 'aborted' }));
      res.on('end', () => resolve({ stage: 'complete' }));
    });
    req.on('error', (err) => resolve({ stage: 'request', code: err.code }));
    req.end();
  });
  assert.is.not(outcome.stage, 'complete');
  const alive = await request(sbs.url, PATH, { headers: DIRECT });
  assert.is(alive.status, 200);
});

sc('every scenario is covered by this suite', () => {
  const covered = ['ok', 'maintenance', 'server-error', 'not-found', 'bad-request', 'unauthorized', 'bad-gateway',
    'rate-limited', 'quota-low', 'slow', 'invalid-json', 'html-200', 'gzip', 'deflate', 'echo-key', 'redirect',
    'huge', 'reset', 'endless', 'hang',
    'recovering']; // played in test/watch.test.js
  assert.equal([...covered].sort(), SCENARIOS.map((s) => s.name).sort());
});

sc.run();

// ---------------------------------------------------------------------------------------------------------

const rude = suite('sandbox: rude clients and streams');

rude('huge (300 MiB default) and endless stop when the client aborts; the sandbox survives', async () => {
  const sandbox = await startSandbox();
  try {
    const huge = await readThenAbort(sandbox.url, PATH, scenario('huge'), 1024 * 1024);
    assert.is(huge.status, 200);
    assert.ok(!huge.ended);
    assert.ok(huge.got >= 1024 * 1024);

    const endless = await readThenAbort(sandbox.url, PATH, scenario('endless'), 2 * 1024 * 1024);
    assert.is(endless.status, 200);
    assert.ok(!endless.ended);

    const alive = await request(sandbox.url, PATH, { headers: DIRECT });
    assert.is(alive.status, 200);
    assert.is(sandbox.requests, 3);
  } finally {
    await sandbox.close();
  }
});

rude('hang never answers; the client gives up; close() still completes', async () => {
  const sandbox = await startSandbox();
  const outcome = await new Promise((resolve) => {
    const req = http.request(sandbox.url + PATH, { headers: scenario('hang'), agent: false }, () => resolve('answered'));
    req.setTimeout(300, () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', () => {});
    req.end();
  });
  assert.is(outcome, 'timeout');
  const alive = await request(sandbox.url, PATH, { headers: DIRECT });
  assert.is(alive.status, 200);
  assert.is(sandbox.log[0].status, 0);
  // A second hanging request still open while closing.
  const pending = new Promise((resolve) => {
    const req = http.request(sandbox.url + PATH, { headers: scenario('hang'), agent: false }, () => resolve('answered'));
    req.on('error', (err) => resolve(err.code ?? 'error'));
    req.end();
  });
  while (sandbox.requests < 3) await new Promise((r) => setTimeout(r, 10));
  await sandbox.close();
  assert.is.not(await pending, 'answered');
});

rude('closing while an endless stream is running ends it', async () => {
  const sandbox = await startSandbox();
  const done = new Promise((resolve) => {
    const req = http.request(sandbox.url + PATH, { headers: scenario('endless'), agent: false }, (res) => {
      let closing = false;
      res.on('data', () => {
        if (!closing) {
          closing = true;
          sandbox.close();
        }
      });
      res.on('error', () => {});
      res.on('close', () => resolve('closed'));
    });
    req.on('error', () => resolve('closed'));
    req.end();
  });
  assert.is(await done, 'closed');
});

rude.run();

// ---------------------------------------------------------------------------------------------------------

const limits = suite('sandbox: rate limit, quota and options');

limits('over the per-key limit: 429 with Retry-After (direct)', async () => {
  const sandbox = await startSandbox({ rateLimit: { limit: 3, windowSeconds: 60 } });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await request(sandbox.url, PATH, { headers: DIRECT });
      assert.is(r.status, 200, `request ${i + 1}`);
    }
    const limited = await request(sandbox.url, PATH, { headers: DIRECT });
    assert.is(limited.status, 429);
    assert.equal(limited.json, { status: 'error', code: 429, message: ENVELOPE_TEXT[429] });
    const retry = Number(limited.headers['retry-after']);
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60);
    assert.equal(rateHeaders(limited.headers), []);

    // Another key has its own window.
    const rapid = await request(sandbox.url, '/rental-rates?state=CA', { headers: RAPID });
    assert.is(rapid.status, 200);
    assert.is(rapid.headers['x-ratelimit-remaining'], '2');

    // Resetting the counters reopens the window.
    sandbox.resetStats();
    const again = await request(sandbox.url, PATH, { headers: DIRECT });
    assert.is(again.status, 200);
  } finally {
    await sandbox.close();
  }
});

limits('over the per-key limit on RapidAPI: 429 with x-ratelimit-remaining 0', async () => {
  const sandbox = await startSandbox({ rateLimit: { limit: 2, windowSeconds: 60 } });
  try {
    await request(sandbox.url, '/rental-rates?state=CA', { headers: RAPID });
    await request(sandbox.url, '/rental-rates?state=CA', { headers: RAPID });
    const limited = await request(sandbox.url, '/rental-rates?state=CA', { headers: RAPID });
    assert.is(limited.status, 429);
    assert.is(limited.headers['x-ratelimit-remaining'], '0');
    assert.is(limited.headers['x-ratelimit-limit'], '2');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.ok(limited.headers['x-ratelimit-requests-limit']);
    assert.type(limited.json.message, 'string');
  } finally {
    await sandbox.close();
  }
});

limits('RapidAPI quota: overage by default, 429 when hard', async () => {
  const soft = await startSandbox({ quota: { limit: 2 } });
  const hard = await startSandbox({ quota: { limit: 2, hard: true } });
  try {
    for (let i = 0; i < 2; i++) await request(soft.url, '/rental-rates?state=CA', { headers: RAPID });
    const over = await request(soft.url, '/rental-rates?state=CA', { headers: RAPID });
    assert.is(over.status, 200);
    assert.is(over.headers['x-ratelimit-requests-remaining'], '0');

    for (let i = 0; i < 2; i++) await request(hard.url, '/rental-rates?state=CA', { headers: RAPID });
    const blocked = await request(hard.url, '/rental-rates?state=CA', { headers: RAPID });
    assert.is(blocked.status, 429);
    assert.is(blocked.headers['x-ratelimit-requests-remaining'], '0');
    assert.match(blocked.json.message, /quota/i);
  } finally {
    await soft.close();
    await hard.close();
  }
});

limits('default scenario option applies; the header overrides it', async () => {
  const sandbox = await startSandbox({ scenario: 'server-error', latencyMs: 5 });
  try {
    const r = await request(sandbox.url, PATH, { headers: DIRECT });
    assert.is(r.status, 500);
    assert.is(sandbox.log[0].scenario, 'server-error');
    const ok = await request(sandbox.url, PATH, { headers: scenario('ok') });
    assert.is(ok.status, 200);
  } finally {
    await sandbox.close();
  }
});

limits('an unknown default scenario is refused at start', async () => {
  let error;
  try {
    const sandbox = await startSandbox({ scenario: 'nope' });
    await sandbox.close();
  } catch (err) {
    error = err;
  }
  assert.ok(error);
  assert.match(error.message, /nope/);
});

limits.run();

// ---------------------------------------------------------------------------------------------------------

const cmd = suite('sandbox command');
const commandModule = fileURLToPath(new URL('../dist/cli/commands/sandbox.js', import.meta.url));

function runCommand(args) {
  const script = `import(${JSON.stringify(commandModule)}).then((m) => m.run(${JSON.stringify(args)})).then((code) => process.exit(code));`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

cmd('prints URLs, keys, scenarios and examples; stops cleanly on SIGTERM with 0', async () => {
  const child = runCommand({ port: 0 });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('Ctrl+C')) resolve();
    });
    child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)[1];
  assert.ok(stdout.includes(`${url}/v1.1`));
  assert.ok(stdout.includes(SANDBOX_KEY));
  assert.ok(stdout.includes(SANDBOX_RAPIDAPI_KEY));
  assert.ok(stdout.includes('x-sandbox-scenario'));
  for (const s of SCENARIOS) assert.ok(stdout.includes(s.name), s.name);
  // Long commands are broken with shell line continuations to fit the terminal; joined, they are the command.
  const joined = stdout.replace(/ \\\n\s+/g, ' ');
  assert.ok(joined.includes(`mashvisor-preflight check getRentalRates --param state=CA --param source=airbnb --base-url ${url}/v1.1 --key ${SANDBOX_KEY}`));
  assert.match(stdout, /curl /);

  const r = await request(url, PATH, { headers: DIRECT });
  assert.is(r.status, 200);
  child.kill('SIGTERM');
  assert.is(await exit, 0);
  assert.is(stderr, '');
});

cmd('bad input: one line on stderr, exit 2', async () => {
  const child = runCommand({ scenario: 'nope' });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.is(code, 2);
  assert.is(stderr.trim().split('\n').length, 1);
  assert.match(stderr, /unknown scenario 'nope'/);
  assert.not.match(stderr, /at .*\.js/);
});

cmd.run();
