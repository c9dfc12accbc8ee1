import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root, runCli } from './helpers.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { har as validateHar } from 'har-validator';
import { runPreflight, renderFormat } from '../dist/index.js';
import { startSandbox, SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY, SCENARIOS } from '../dist/sandbox/server.js';

const CANARY = 'CANARY-KEY-1234567890abcdef';
const FORMATS = ['json', 'md', 'har', 'html', 'junit'];
const reportSchema = JSON.parse(readFileSync(join(root, 'schemas', 'report.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateReport = ajv.compile(reportSchema);

let sandbox;
let dir;
test.before(async () => {
  sandbox = await startSandbox({ port: 0, hugeBodyBytes: 3 * 1024 * 1024 });
});
test.after(() => sandbox.close());
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-report-cli-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args, env = {}) => runCli(args, { env });

test('no key leaves in any format, for every scenario of the simulator, both modes, accepted or refused keys', async () => {
  const cases = [];
  for (const { name } of SCENARIOS) {
    for (const [mode, key] of [['direct', SANDBOX_KEY], ['direct', CANARY], ['rapidapi', SANDBOX_RAPIDAPI_KEY], ['rapidapi', CANARY]]) {
      cases.push({ name, mode, key });
    }
  }
  await Promise.all(cases.map(async ({ name, mode, key }) => {
    const report = await runPreflight(
      { endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key, rapidapi: mode === 'rapidapi', baseUrl: mode === 'rapidapi' ? sandbox.rapidapiBaseUrl : sandbox.directBaseUrl },
      { headers: { 'x-sandbox-scenario': name }, timeoutMs: 800 },
    );
    assert.ok(validateReport(report), `${name}/${mode}: ${JSON.stringify(validateReport.errors?.[0])}`);
    for (const format of FORMATS) {
      const text = renderFormat(report, format);
      assert.not.ok(text.includes(key), `${name}/${mode}/${format} holds the key`);
    }
  }));
});

test('maintenance with --bundle --junit: every file is valid, private, and key-free', async () => {
  const junit = join(dir, 'preflight.junit.xml');
  const r = await cli(['check', 'listCities', '-p', 'state=TX', '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '-H', 'x-sandbox-scenario: maintenance', '--bundle', '--junit', junit],
    { MASHVISOR_API_KEY: SANDBOX_KEY });
  assert.is(r.code, 3, r.stderr);
  const files = readdirSync(dir).filter((f) => f !== 'history.jsonl');
  for (const ext of ['.json', '.md', '.har', '.html', 'preflight.junit.xml']) assert.ok(files.some((f) => f.endsWith(ext)), ext);
  for (const f of files) {
    assert.is(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    assert.not.ok(readFileSync(join(dir, f), 'utf8').includes(SANDBOX_KEY), f);
  }
  const json = JSON.parse(readFileSync(join(dir, files.find((f) => f.endsWith('.json'))), 'utf8'));
  assert.ok(validateReport(json));
  assert.match(json.checks.find((c) => c.id === 'response').message, /maintenance/);
  await validateHar(JSON.parse(readFileSync(join(dir, files.find((f) => f.endsWith('.har'))), 'utf8')));
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /<testsuites[\s>]/);
  assert.is((xml.match(/<testcase /g) ?? []).length, 4);
  assert.match(xml, /<failure /);
  assert.not.ok(readFileSync(join(dir, files.find((f) => f.endsWith('.html'))), 'utf8').match(/<script|<link |@import|url\(http/i));
});

test('a key put in the JSON body or the query is redacted like the key itself', async () => {
  // The payload lives outside the reports dir, whose every file is read below.
  const payload = join(dir, '..', `${dir.split(/[\\/]/).pop()}-payload.json`);
  writeFileSync(payload, JSON.stringify({ body: { api_key: CANARY, property_id: 1 } }));
  const body = await cli(['check', 'postMlMashmeter', '--payload', payload, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '--bundle', '--json'],
    { MASHVISOR_API_KEY: SANDBOX_KEY });
  const query = await cli(['check', `${sandbox.directBaseUrl}/client/city/list?state=TX&api_key=${CANARY}`, '--reports-dir', dir, '--html'],
    { MASHVISOR_API_KEY: SANDBOX_KEY });
  const everything = [body.stdout, body.stderr, query.stdout, query.stderr, ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))].join('\n');
  rmSync(payload, { force: true });
  assert.ok(everything.includes('[REDACTED'), 'something was redacted');
  assert.not.ok(everything.includes(CANARY));
});

test('history records every check and counts per status and endpoint', async () => {
  const env = { MASHVISOR_API_KEY: SANDBOX_KEY };
  const base = ['check', 'listCities', '-p', 'state=TX', '--base-url', sandbox.directBaseUrl, '--reports-dir', dir];
  await Promise.all([cli(base, env), cli(base, env), cli([...base, '-H', 'x-sandbox-scenario: server-error'], env)]);
  const r = await cli(['history', '--reports-dir', dir, '--json']);
  assert.is(r.code, 0, r.stderr);
  const history = JSON.parse(r.stdout);
  assert.is(history.entries.length, 3);
  assert.equal(history.byStatus, { 200: 2, 500: 1 });
  assert.is(history.byEndpoint['/client/city/list'].runs, 3);
  const table = await cli(['history', '--reports-dir', dir]);
  assert.match(table.stdout, /listCities/);
});

test('report FILE.json rebuilds HTML, HAR and Markdown; a non-report is refused', async () => {
  await cli(['check', 'listCities', '-p', 'state=TX', '--base-url', sandbox.directBaseUrl, '--reports-dir', dir], { MASHVISOR_API_KEY: SANDBOX_KEY });
  const json = join(dir, readdirSync(dir).find((f) => f.endsWith('.json')));
  const r = await cli(['report', json, '--html', '--har']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(readdirSync(dir).some((f) => f.endsWith('.html')));
  assert.ok(readdirSync(dir).some((f) => f.endsWith('.har')));
  const md = await cli(['report', json, '--format', 'md']);
  assert.match(md.stdout, /^# Mashvisor API preflight/);
  const bad = await cli(['report', join(root, 'package.json'), '--html']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /not a mashvisor-preflight JSON report/);
});

test.run();
