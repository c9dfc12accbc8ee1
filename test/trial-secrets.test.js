// Findings of an attacker's trial of the tool: credentials that left through a saved report, JSON broken by
// sanitize, a host masked as if it were a secret, and a key hidden by invisible characters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';
import { runPreflight } from '../dist/index.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

const K = 'TRIALk3y0123456789abcdefXYZ';

let sandbox;
let dir;
test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
test.after(() => sandbox.close());
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-trial-secrets-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** A real report, then edited by hand the way the trial's forged one was: the key in the saved request and body. */
async function forgedReport() {
  const report = JSON.parse(JSON.stringify(await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: SANDBOX_KEY, baseUrl: sandbox.directBaseUrl })));
  report.request.headers['x-api-key'] = K;
  report.request.headers.Authorization = `Bearer ${K}`;
  report.request.query.api_key = K;
  report.response.bodyText += K;
  const file = join(dir, 'forged.json');
  writeFileSync(file, JSON.stringify(report));
  return file;
}

test('report: a key the saved request holds is masked in the Markdown, HTML and HAR, with no key in the environment', async () => {
  const file = await forgedReport();
  const r = await runCli(['report', file, '--html', '--har', '--format', 'md']);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(r.stdout.includes(K) || r.stderr.includes(K), 'key on stdout/stderr');
  assert.ok(r.stdout.includes('[REDACTED'), 'the Markdown shows the mask');
  const written = readdirSync(dir).filter((f) => /\.(html|har)$/.test(f));
  assert.is(written.length, 2, `written: ${written}`);
  for (const name of written) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.not.ok(text.includes(K), `key in ${name}`);
    assert.ok(text.includes('[REDACTED'), `mask in ${name}`);
  }
});

test('diff --json: a key either saved request holds is masked', async () => {
  const file = await forgedReport();
  const r = await runCli(['diff', file, file, '--json']);
  assert.not.ok(r.stdout.includes(K) || r.stderr.includes(K), 'key in diff output');
});

test.run();
