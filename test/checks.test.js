// The check runner: one declared list, one signature, typed details, and isolation — a check that throws becomes
// a failed row naming the error, and the report of a (billed) exchange is still built and written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS, runChecks, judge } from '../dist/checks/index.js';
import { evaluate, outgoingRequest } from '../dist/preflight.js';
import { resolveEndpoint } from '../dist/catalog/resolve.js';
import { validateParams } from '../dist/catalog/validate.js';
import { validateReport } from '../dist/report/schema.js';
import { headline, headlineCheck } from '../dist/report/json.js';
import { writeReportFiles } from '../dist/report/files.js';

const KEY = 'canary-key-7f3a9c1e5b2d4f60';
const NOW = new Date('2026-01-02T03:04:05Z');

function specFor(url = 'https://api.mashvisor.com/v1.1/client/city/list?state=TX') {
  const r = resolveEndpoint(url);
  return { operation: r.operation, params: { path: r.path, query: r.query }, mode: 'direct', baseUrl: 'https://api.mashvisor.com/v1.1', key: KEY, keySource: 'flag', origin: 'flags' };
}

/** An answer as if it had just come over the wire: the request counted as sent (and billed). */
function exchangeFor(spec, status, body, headers = { 'content-type': 'application/json' }) {
  const request = outgoingRequest(spec, {});
  return {
    startedAt: NOW.toISOString(),
    request: { method: request.method, url: request.url, headers: request.headers, body: null },
    response: { status, statusText: '', httpVersion: '1.1', headers, body, bodyBytes: Buffer.byteLength(body), truncated: false },
    timings: { dns: 1, connect: 1, tls: null, firstByte: 5, download: 1, total: 8 },
    error: null,
    redirect: null,
  };
}

async function contextFor(status = 200, body = '{"status":"success","content":{}}', headers) {
  const spec = specFor();
  const validation = await validateParams(spec.operation, spec.params);
  return { spec, validation, exchange: exchangeFor(spec, status, body, headers), sendAnyway: false, intendedPerSecond: null, probe: null, nowMs: NOW.getTime() };
}

const throwing = (id, title, error) => ({ id, title, run: () => { throw error; } });

const runner = suite('check runner');

runner('the declared list: four checks, in the order their rows are shown, each one id, title and function', () => {
  assert.equal(CHECKS.map((c) => c.id), ['params', 'auth', 'rate-limit', 'response']);
  for (const c of CHECKS) {
    assert.type(c.title, 'string');
    assert.type(c.run, 'function');
  }
});

runner('every check takes the one context and returns its own row with typed details', async () => {
  const ctx = await contextFor();
  const rows = runChecks(ctx);
  assert.equal(rows.map((r) => [r.id, r.status]), [['params', 'pass'], ['auth', 'pass'], ['rate-limit', 'skip'], ['response', 'pass']]);
  const byId = Object.fromEntries(rows.map((r) => [r.id, r.details]));
  assert.equal(byId.params, { errors: [], warnings: [] });
  assert.equal(byId.auth, { mode: 'direct', header: 'x-api-key', notes: [] });
  assert.equal(byId['rate-limit'], { families: [], probe: null });
  assert.is(byId.response.side, 'none');
  assert.is(byId.response.status, 200);
});

runner('a check that throws is a failed row of its own id naming the error; the others still run', async () => {
  const ctx = await contextFor();
  const list = [CHECKS[0], throwing('auth', 'API key', new TypeError("Cannot read properties of undefined (reading 'x')\n    at secret/path.js:1:1")), CHECKS[2], CHECKS[3]];
  const { checks, verdict } = judge(ctx, list);
  assert.equal(checks.map((c) => c.id), ['params', 'auth', 'rate-limit', 'response']);
  const auth = checks[1];
  assert.is(auth.status, 'fail');
  assert.is(auth.title, 'API key');
  assert.match(auth.message, "internal error in this check (TypeError: Cannot read properties of undefined (reading 'x'))");
  assert.not.match(auth.message, 'secret/path.js', 'the message only, no stack');
  assert.equal(auth.details, { internalError: "TypeError: Cannot read properties of undefined (reading 'x')" });
  assert.is(checks[3].status, 'pass');
  assert.is(verdict, 'client-error');
});

runner('a thrown value that is not an Error, and a very long message, are named within bounds', async () => {
  const ctx = await contextFor();
  const rows = runChecks(ctx, [throwing('params', 'Parameters & types', 'plain string'), throwing('response', 'Response code', new Error('x'.repeat(5000)))]);
  assert.match(rows[0].details.internalError, 'thrown: plain string');
  assert.ok(rows[1].details.internalError.length <= 300);
});

const isolation = suite('the report of a billed request is always built');

isolation('evaluate with a throwing check: a schema-valid report, the key redacted from the error, files written', async () => {
  const ctx = await contextFor(401, '{"status":"error","code":401,"message":"Invalid api access Key"}');
  const list = [CHECKS[0], CHECKS[1], throwing('rate-limit', 'Rate limit', new Error(`parser fell over on ${KEY}`)), CHECKS[3]];
  const report = evaluate({ spec: ctx.spec, validation: ctx.validation, exchange: ctx.exchange, requestsSent: 1, request: outgoingRequest(ctx.spec, {}) }, { now: NOW }, list);
  assert.is(await validateReport(report), null);
  assert.is(report.requestsSent, 1);
  assert.is(report.response.status, 401);
  const rate = report.checks.find((c) => c.id === 'rate-limit');
  assert.is(rate.status, 'fail');
  assert.match(rate.message, 'internal error');
  assert.not.ok(JSON.stringify(report).includes(KEY), 'the key is redacted from the error text');
  // The headline still points at the key row for a 401, not at the broken one.
  assert.is(headlineCheck(report.checks, 401).id, 'auth');
  const dir = await mkdtemp(join(tmpdir(), 'mvp-checks-'));
  try {
    const paths = await writeReportFiles(report, dir, ['json', 'md']);
    const md = await readFile(paths.md, 'utf8');
    assert.match(md, 'internal error in this check');
    assert.not.ok(md.includes(KEY));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

isolation('a response header holding a number, not text, used to throw out of the rate-limit check and lose the report', async () => {
  const ctx = await contextFor(200, '{"status":"success","content":{}}', { 'content-type': 'application/json', ratelimit: 5 });
  const report = evaluate({ spec: ctx.spec, validation: ctx.validation, exchange: ctx.exchange, requestsSent: 1, request: outgoingRequest(ctx.spec, {}) }, { now: NOW });
  assert.is(await validateReport(report), null);
  const rate = report.checks.find((c) => c.id === 'rate-limit');
  assert.is(rate.status, 'fail');
  assert.match(rate.details.internalError, 'TypeError');
  assert.is(report.checks.find((c) => c.id === 'response').status, 'pass');
});

isolation('a 200 whose JSON is nested past the call stack still gets its report (it used to end in a stack overflow)', async () => {
  const depth = 20000;
  const body = `{"status":"success","content":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  const ctx = await contextFor(200, body);
  const report = evaluate({ spec: ctx.spec, validation: ctx.validation, exchange: ctx.exchange, requestsSent: 1, request: outgoingRequest(ctx.spec, {}) }, { now: NOW });
  assert.is(report.requestsSent, 1);
  assert.is(report.response.status, 200);
  assert.ok(report.response.bodyText.length > 0, 'the body is kept, as text');
  assert.ok(JSON.stringify(report).length < body.length * 4, 'the report stays within a small multiple of the body');
  assert.is(await validateReport({ ...report, response: { ...report.response, body: null } }), null);
});

isolation('the schema types details by check id: a wrong shape is refused, an internal-error row is accepted', async () => {
  const ctx = await contextFor();
  const report = evaluate({ spec: ctx.spec, validation: ctx.validation, exchange: ctx.exchange, requestsSent: 1, request: outgoingRequest(ctx.spec, {}) }, { now: NOW });
  assert.is(await validateReport(report), null);
  const wrong = JSON.parse(JSON.stringify(report));
  wrong.checks[0].details = { errors: 0, warnings: 0 };
  assert.ok(await validateReport(wrong), 'params details with counts instead of lists');
  const side = JSON.parse(JSON.stringify(report));
  side.checks[3].details.side = 'support';
  assert.ok(await validateReport(side), 'an unknown side');
  const crashed = JSON.parse(JSON.stringify(report));
  crashed.checks[2] = { ...crashed.checks[2], status: 'fail', details: { internalError: 'TypeError: x' } };
  assert.is(await validateReport(crashed), null);
});

const headlines = suite('one headline rule');

headlines('the row a status points at, else the failed response row, else the first failure, else a warning, else the response', () => {
  const row = (id, status, message = `${id} ${status}.`) => ({ id, title: id, status, message, advice: '', details: {} });
  assert.is(headlineCheck([row('params', 'pass'), row('auth', 'fail'), row('rate-limit', 'skip'), row('response', 'fail')], 401).id, 'auth');
  assert.is(headlineCheck([row('params', 'pass'), row('auth', 'pass'), row('rate-limit', 'fail'), row('response', 'fail')], 429).id, 'rate-limit');
  assert.is(headlineCheck([row('params', 'pass'), row('auth', 'fail'), row('rate-limit', 'warn'), row('response', 'fail')], 503).id, 'response');
  assert.is(headlineCheck([row('params', 'fail'), row('auth', 'pass'), row('rate-limit', 'skip'), row('response', 'skip')], null).id, 'params');
  assert.is(headlineCheck([row('params', 'pass'), row('auth', 'pass'), row('rate-limit', 'warn'), row('response', 'pass')], 200).id, 'rate-limit');
  assert.is(headlineCheck([row('params', 'pass'), row('auth', 'pass'), row('rate-limit', 'skip'), row('response', 'pass')], 200).id, 'response');
  assert.is(headline({ checks: [row('response', 'fail', 'HTTP 503: down. More words.')], response: { status: 503 } }), 'response: HTTP 503: down.');
});

headlines('the report summary leads with the same row the demo and history show', async () => {
  const ctx = await contextFor(401, '{"status":"error","code":401,"message":"Invalid api access Key"}');
  const report = evaluate({ spec: ctx.spec, validation: ctx.validation, exchange: ctx.exchange, requestsSent: 1, request: outgoingRequest(ctx.spec, {}) }, { now: NOW });
  const top = headlineCheck(report.checks, 401);
  assert.is(top.id, 'auth');
  assert.ok(report.summary.includes(top.message.replace(/[.;]+$/, '').trim()), report.summary);
  assert.ok(headline(report).startsWith('API key: 401: the key is wrong or inactive'));
});

runner.run();
isolation.run();
headlines.run();
