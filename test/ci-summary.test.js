// GitHub Actions outputs: the job summary (GITHUB_STEP_SUMMARY) and the ::error annotation (GITHUB_ACTIONS=true).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';
import { annotationLine, escapeAnnotationData, escapeAnnotationProperty } from '../dist/report/ci-summary.js';
import { root, runCli } from './helpers.js';

const RATES = ['getRentalRates', '-p', 'state=TX', '-p', 'source=airbnb'];

let sandbox;
let dir;
let summary;

test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
test.after(async () => {
  await sandbox.close();
});
test.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-ci-'));
  summary = join(dir, 'step-summary.md');
});
test.after.each(() => rm(dir, { recursive: true, force: true }));

function check(extraArgs, env, base = sandbox.directBaseUrl) {
  return runCli(['check', ...RATES, '--base-url', base, '--reports-dir', join(dir, 'reports'), ...extraArgs], { env: { MASHVISOR_API_KEY: SANDBOX_KEY, ...env } });
}

const annotations = (stdout) => stdout.split('\n').filter((l) => l.startsWith('::'));

test('a failed check on GitHub Actions: the summary is appended and one ::error line is printed', async () => {
  await writeFile(summary, '# Earlier step\n');
  const r = await check(['-H', 'x-sandbox-scenario: maintenance'], { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' });
  assert.is(r.code, 3, r.stderr);
  const text = await readFile(summary, 'utf8');
  assert.ok(text.startsWith('# Earlier step\n'), 'what was there is kept');
  assert.match(text, /### ✖ Mashvisor preflight: Server error \(exit 3\)/);
  assert.match(text, /`GET \/client\/rental-rates` \(`getRentalRates`\) → \*\*503 Service Unavailable\*\*/);
  assert.match(text, /\| Check \| Result \| Details \|/);
  assert.match(text, /\| Response code \| ✖ fail \|/);
  assert.match(text, /Reports: `[^`]+\.json`, `[^`]+\.md`/);
  const lines = annotations(r.stderr);
  assert.is(lines.length, 1, r.stdout);
  assert.match(lines[0], /^::error title=Mashvisor preflight%3A Server error::GET \/client\/rental-rates \(getRentalRates\): /);
  assert.not.ok(text.includes(SANDBOX_KEY) || r.stdout.includes(SANDBOX_KEY));
});

test('a pass: the summary says so, and no annotation', async () => {
  const r = await check([], { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' });
  assert.is(r.code, 0, r.stderr);
  assert.match(await readFile(summary, 'utf8'), /### ✔ Mashvisor preflight: Pass \(exit 0\)/);
  assert.is(annotations(r.stderr).length, 0);
});

test('outside GitHub Actions nothing of this is written', async () => {
  const r = await check(['-H', 'x-sandbox-scenario: maintenance'], {});
  assert.is(r.code, 3);
  assert.is(annotations(r.stderr).length, 0);
  assert.not.ok(existsSync(summary));
});

test('the summary file is not followed through a symbolic link; the check is unaffected', async () => {
  const victim = join(dir, 'victim.txt');
  await writeFile(victim, 'untouched\n');
  await symlink(victim, summary);
  const r = await check(['-H', 'x-sandbox-scenario: maintenance'], { GITHUB_STEP_SUMMARY: summary });
  assert.is(r.code, 3);
  assert.is(await readFile(victim, 'utf8'), 'untouched\n');
  assert.match(r.stderr, /job summary not written .*symbolic link/);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

test('with --json the annotation stays off stdout, which is one JSON document', async () => {
  const r = await check(['--json', '-H', 'x-sandbox-scenario: maintenance'], { GITHUB_ACTIONS: 'true' });
  assert.is(JSON.parse(r.stdout).verdict, 'server-error');
  assert.is(annotations(r.stderr).length, 1);
});

test('hostile server text and an echoed key: no heading, HTML or extra row in the summary, no key anywhere', async () => {
  const server = createServer((req, res) => {
    const key = req.headers['x-api-key'];
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', code: 500, message: `boom ${key}\n# Heading\n<script>alert(1)</script> | x | y |\n\u001b]0;title\u0007` }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const r = await check([], { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' }, `http://127.0.0.1:${server.address().port}/v1.1`);
    assert.is(r.code, 3, r.stderr);
    const text = await readFile(summary, 'utf8');
    assert.not.ok(text.includes(SANDBOX_KEY), 'key in the summary');
    assert.not.ok(r.stdout.includes(SANDBOX_KEY) || r.stderr.includes(SANDBOX_KEY), 'key on a stream');
    assert.not.match(text, /^# Heading/m);
    assert.not.ok(text.includes('<script>'));
    assert.not.ok(text.includes('\u001b') || text.includes('\u0007'));
    const rows = text.split('\n').filter((l) => l.startsWith('|'));
    assert.is(rows.length, 2 + 4, 'header, rule and the four checks');
    for (const line of annotations(r.stderr)) assert.not.ok(/[\r\u001b]/.test(line));
    assert.is(annotations(r.stderr).length, 1);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('validate --batch appends its counts and the first invalid lines', async () => {
  const r = await runCli(['validate', '--batch', join(root, 'test', 'fixtures', 'batch', 'mixed.jsonl')], { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' } });
  assert.is(r.code, 1);
  const text = await readFile(summary, 'utf8');
  assert.match(text, /### ✖ Mashvisor preflight: \d+ invalid request/);
  assert.match(text, /\| Line \| Endpoint \| Problem \|/);
  assert.match(text, /\| 2 \| getRentalRates \|/);
  assert.is(annotations(r.stderr).length, 1);
});

test('annotation escaping follows GitHub\'s rules', () => {
  assert.is(escapeAnnotationData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.is(escapeAnnotationProperty('a: b, c%'), 'a%3A b%2C c%25');
  const line = annotationLine({ verdict: 'server-error', summary: 'GET /x: 100% broken\nsecond line' });
  assert.is(line, '::error title=Mashvisor preflight%3A Server error::GET /x: 100%25 broken%0Asecond line');
  assert.is(annotationLine({ verdict: 'pass', summary: 'ok' }), null);
});

test.run();
