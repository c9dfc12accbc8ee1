// The slips a new user met (issue 19), one test each: what the tool said, and what it says now. Keys as the
// user meant them (placeholders, overrides) are tested with the request builder, not here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runCli } from './helpers.js';
import { CAUSES, nextStep, userCanFix, causeOf } from '../dist/index.js';

const test = suite('new-user slips');
let dir;
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mvp-slips-'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const corpus = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'answers', 'gateway-and-api.json'), 'utf8'));
const KEY = corpus.key;

/** A one-entry HAR of a corpus case. */
function harOf(name, change = (c) => c) {
  const c = change(structuredClone(corpus.cases.find((x) => x.name === name)));
  const url = new URL(c.url);
  const key = url.hostname.endsWith('.p.rapidapi.com') ? [{ name: 'x-rapidapi-key', value: KEY }, { name: 'x-rapidapi-host', value: url.hostname }] : [{ name: 'x-api-key', value: KEY }];
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.har`);
  writeFileSync(file, JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [{
    startedDateTime: '2026-11-30T10:00:00.000Z', time: 1,
    request: { method: 'GET', url: c.url, httpVersion: 'HTTP/1.1', cookies: [], headers: key, queryString: [], headersSize: -1, bodySize: 0 },
    response: { status: c.status, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], redirectURL: '', headersSize: -1, bodySize: c.body.length,
      headers: Object.entries(c.headers).map(([n, value]) => ({ name: n, value })), content: { size: c.body.length, mimeType: '', text: c.body } },
    cache: {}, timings: { send: 0, wait: 1, receive: 0 },
  }] } }));
  return file;
}

test('the cause table is one plain lookup: fix now, or wait', () => {
  assert.is(nextStep('quota'), 'wait');
  assert.is(nextStep('rate'), 'wait');
  assert.is(nextStep('upstream-timeout'), 'wait');
  assert.is(nextStep('plan'), 'fix');
  assert.ok(userCanFix('host-header') && userCanFix('subscription') && userCanFix('key'));
  assert.not.ok(userCanFix('server'));
  for (const [cause, info] of Object.entries(CAUSES)) assert.ok(info.todo && info.verdict && info.next, cause);
  assert.is(causeOf({ checks: [{ id: 'response', details: { side: 'client', cause: 'quota' } }] }), 'quota');
  assert.is(causeOf({ checks: [] }), null);
});

test('a 503 maintenance page: the key row says "not checked", not "pass"', async () => {
  const r = await runCli(['check', '--from-har', harOf('api-503-maintenance-page'), '--offline', '--json']);
  const auth = JSON.parse(r.stdout)[0].checks.find((c) => c.id === 'auth');
  assert.is(auth.status, 'skip');
  assert.match(auth.message, /^not checked/);
});

test('--offline writes nothing, for flag input as for a HAR', async () => {
  const reports = join(dir, 'offline-reports');
  const flags = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--offline', '--reports-dir', reports]);
  assert.is(flags.code, 0, flags.stderr);
  const har = await runCli(['check', '--from-har', harOf('api-200-success'), '--offline', '--reports-dir', reports]);
  assert.is(har.code, 0, har.stderr);
  assert.not.ok(existsSync(reports) && readdirSync(reports).length, 'no report and no history line');
  const help = await runCli(['check', '--help']);
  assert.match(help.stdout, /Send nothing and write\s+nothing/);
});

test('a collection row that fails says why, and the footer counts outcomes', async () => {
  const file = join(dir, 'col.json');
  writeFileSync(file, JSON.stringify({ info: { name: 't', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    // A key with a space in it cannot work: the auth row fails before the call, and says so. The unresolved
    // {{traceId}} is a variable's name, not a secret: it stays readable.
    item: [{ name: 'rates', request: { method: 'GET', header: [{ key: 'x-api-key', value: 'abcdef01 23456789abcd' }, { key: 'x-trace', value: '{{traceId}}' }],
      url: { raw: 'http://127.0.0.1:9/v1.1/client/rental-rates?state=CA&source=airbnb' } } }] }));
  const r = await runCli(['check', '--collection', file, '--reports-dir', join(dir, 'col-reports'), '--base-url', 'http://127.0.0.1:9/v1.1'], { env: { COLUMNS: '80' } });
  assert.match(r.stdout, /✖ API key:/, 'the failing row names its reason');
  assert.match(r.stdout, /1 request: 1 client-error/);
  assert.not.match(r.stdout, /valid, .* invalid/);
  const md = readdirSync(join(dir, 'col-reports')).find((f) => f.endsWith('.md'));
  assert.match(readFileSync(join(dir, 'col-reports', md), 'utf8'), /x-trace: \{\{traceId\}\}/, 'a variable name is not masked');
});

test('curl -d state=CA without -G: the value is named where it is, not "add state=CA"', async () => {
  const r = await runCli(['check', '--from-curl', 'curl -H "x-api-key: abcdef0123456789abcd" -d state=CA -d source=airbnb https://api.mashvisor.com/v1.1/client/rental-rates', '--offline', '--json']);
  const errors = JSON.parse(r.stdout).errors;
  const state = errors.find((e) => e.param === 'state');
  assert.match(state.message, 'state is in the -d data');
  assert.match(state.fix, 'add -G');
  assert.not.match(state.fix, 'add state=');
});

test('a HAR path typo: the suggestion and the recorded answer, judged', async () => {
  const file = harOf('api-200-success', (c) => ({ ...c, url: c.url.replace('/rental-rates', '/rental-rate'), status: 404, body: '{"message":"Endpoint \'/rental-rate\' does not exist"}' }));
  const r = await runCli(['check', '--from-har', file, '--offline'], { env: { COLUMNS: '200' } });
  assert.match(r.stdout, /did you mean/);
  assert.match(r.stdout, /recorded answer: HTTP 404 from the RapidAPI gateway/);
  assert.match(r.stdout, /1 recorded answer judged/);
});

test('history: counts over the last N runs say so; the verdict word stays whole', async () => {
  const reports = join(dir, 'hist');
  mkdirSync(reports);
  const line = (i) => JSON.stringify({ time: `2026-11-26T10:00:${String(i).padStart(2, '0')}.000Z`, endpoint: '/client/rental-rates',
    operationId: 'listNeighborhoodTraditionalListings', status: 503, verdict: 'server-error', durationMs: 5, requestsSent: 1, headline: 'Response code: HTTP 503' });
  writeFileSync(join(reports, 'history.jsonl'), `${Array.from({ length: 45 }, (_, i) => line(i)).join('\n')}\n`);
  const r = await runCli(['history', '--reports-dir', reports, '--limit', '20'], { env: { COLUMNS: '80' } });
  assert.match(r.stdout, /over the last 20 runs \(older runs are\s+recorded/);
  assert.match(r.stdout, /server-error/);
  for (const l of r.stdout.split('\n')) assert.ok(l.length <= 80, l);
  const all = await runCli(['history', '--reports-dir', reports, '--limit', '50']);
  assert.match(all.stdout, /over all 45 recorded runs/);
});

test('sandbox: an unknown scenario is one line within 80 columns; the banner says npx', async () => {
  const r = await runCli(['sandbox', '--scenario', 'nosuch'.repeat(20)]);
  assert.is(r.code, 2);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.ok(r.stderr.trim().length <= 80, r.stderr);
  const { banner } = await import('../dist/cli/commands/sandbox.js');
  const text = banner({ url: 'http://127.0.0.1:1', directBaseUrl: 'http://127.0.0.1:1/v1.1', rapidapiBaseUrl: 'http://127.0.0.1:1' }, 80);
  assert.match(text, /npx mashvisor-preflight check/);
});

test('--help describes every option and positional; explain lists the same codes in help and error', async () => {
  const commands = [['endpoints'], ['explain'], ['sandbox'], ['history'], ['report'], ['sanitize'], ['diff'], ['replay'], ['check'], ['validate']];
  for (const command of commands) {
    const r = await runCli([...command, '--help'], { env: { COLUMNS: '200' } });
    for (const l of r.stdout.split('\n')) {
      // An option or positional line: its name, then its type in brackets with nothing before it means no description.
      assert.not.match(l, /^\s{1,4}(-\w, )?(--[\w-]+|[\w-]+)\s+\[(string|number|boolean|array)/, `${command}: ${l}`);
    }
  }
  const help = await runCli(['explain', '--help'], { env: { COLUMNS: '200' } });
  const error = await runCli(['explain', 'nope']);
  const listed = /try (.*)\)/.exec(error.stderr)[1];
  assert.ok(help.stdout.replace(/\s+/g, ' ').includes(listed), `${listed} in help`);
});

test('an unknown flag is named once', async () => {
  const r = await runCli(['check', '--bogus-flag']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /Unknown argument: bogus-flag\n$/);
});

test('explain: the gateway distinctions, the same as the verdict', async () => {
  const r = await runCli(['explain', '429', '--json']);
  const doc = JSON.parse(r.stdout);
  const quota = doc.otherAnswers.find((a) => /quota/i.test(a.answer));
  assert.is(quota.next, 'wait');
  assert.match(quota.todo, /upgrade/);
  const e403 = await runCli(['explain', '403']);
  assert.match(e403.stdout.replace(/\s+/g, ' '), /unknown or mistyped key/);
  const e200 = await runCli(['explain', '200'], { env: { COLUMNS: '80' } });
  assert.match(e200.stdout.replace(/\s+/g, ' '), /timed out/);
  for (const l of e200.stdout.split('\n')) assert.ok(l.length <= 80, l);
});

test('wording: "not a string", sanitize\'s entry lines, diff order and request object', async () => {
  const payload = join(dir, 'p.json');
  writeFileSync(payload, '"CA"');
  const v = await runCli(['validate', 'getRentalRates', '--payload', payload]);
  assert.match(v.stderr, /not a string/);
  const fixtures = join(root, 'test', 'fixtures', 'reports');
  const newestFirst = await runCli(['diff', join(fixtures, 'pass-200.json'), join(fixtures, 'server-error-503-maintenance.json'), '--json']);
  const doc = JSON.parse(newestFirst.stdout);
  assert.is(typeof doc.before.request, 'object');
  assert.is(doc.before.request.operationId, doc.before.operationId);
  const created = (f) => Date.parse(JSON.parse(readFileSync(join(fixtures, f), 'utf8')).createdAt);
  if (created('pass-200.json') > created('server-error-503-maintenance.json')) assert.match(newestFirst.stderr, /oldest → newest/);
});

test('validate --batch: a screenful grouped by problem, thousands separators, blank lines said', async () => {
  const file = join(dir, 'big.jsonl');
  const lines = [];
  for (let i = 0; i < 3000; i++) {
    lines.push(JSON.stringify({ endpoint: 'getRentalRates', params: { state: i % 3 === 0 ? 'ZZ' : 'CA', source: 'airbnb' } }));
    if (i % 1000 === 0) lines.push('');
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  const r = await runCli(['validate', '--batch', file], { env: { COLUMNS: '80' } });
  assert.is(r.code, 1);
  assert.ok(r.stdout.split('\n').length < 40, `${r.stdout.split('\n').length} lines`);
  assert.match(r.stdout, /1,000 invalid lines, grouped by problem/);
  assert.match(r.stdout, /3,000 lines, 2,000 valid, 1,000 invalid \(3 blank lines skipped\)/);
  const every = await runCli(['validate', '--batch', file, '--all-lines']);
  assert.is(every.stdout.split('\n').filter((l) => l.startsWith('line ')).length, 1000);
});

test.run();
