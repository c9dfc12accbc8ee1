// Findings of a new-user/attacker trial: input files that hang or exhaust the run, counts and words that mislead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawStatusServer } from './hostile-server.js';
import { runCli, useSandbox } from './helpers.js';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';

let sandbox;
let dir;
useSandbox(test, 'mp-trial-', (s, d) => {
  sandbox = s;
  dir = d;
});

const EMPTY_COLLECTION = JSON.stringify({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [] });

function fifo(name) {
  const file = join(dir, name);
  execFileSync('mkfifo', [file]); // fails the test when mkfifo is missing
  return file;
}

test('a Postman environment given as a FIFO is refused (exit 2), not waited on', async () => {
  const collection = join(dir, 'c.json');
  writeFileSync(collection, EMPTY_COLLECTION);
  const r = await runCli(['check', '--collection', collection, '--postman-env', fifo('env'), '--offline'], { guardMs: 20_000 });
  assert.is(r.killed, false);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /named pipe \(FIFO\), not a regular file/);
});

test('a batch file swapped for a FIFO is refused (exit 2)', async () => {
  const r = await runCli(['validate', '--batch', fifo('batch.jsonl')], { guardMs: 20_000 });
  assert.is(r.killed, false);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /named pipe/);
});

function collectionOf(item) {
  return JSON.stringify({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item });
}
const REQUEST = { name: 'r', request: { method: 'GET', url: 'https://api.mashvisor.com/v1.1/client/city/listings?state=CA&city=Austin' } };

test('a collection over 400 requests is refused with its limit (exit 2)', async () => {
  const file = join(dir, 'many.json');
  writeFileSync(file, collectionOf(Array.from({ length: 401 }, () => REQUEST)));
  const r = await runCli(['check', '--collection', file, '--offline']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /more than 400 requests \(the limit/);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

test('a collection over 1 MiB is refused with its limit (exit 2)', async () => {
  const file = join(dir, 'big.json');
  writeFileSync(file, collectionOf([{ ...REQUEST, description: 'x'.repeat(1024 * 1024) }]));
  const r = await runCli(['check', '--collection', file, '--offline']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /over the 1 MiB limit/);
});

test('folders nested past 16 levels are refused (exit 2)', async () => {
  let item = [REQUEST];
  for (let i = 0; i < 17; i++) item = [{ name: `f${i}`, item }];
  const file = join(dir, 'deep.json');
  writeFileSync(file, collectionOf(item));
  const r = await runCli(['check', '--collection', file, '--offline']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /nested more than 16 levels deep/);
});

test('400 requests are still read', async () => {
  const file = join(dir, 'ok.json');
  writeFileSync(file, collectionOf(Array.from({ length: 400 }, () => REQUEST)));
  const r = await runCli(['check', '--collection', file, '--offline']);
  assert.match(r.stdout, /400 requests:/);
});

test('check --watch counts every request it sent, in the verdict line and the job summary, with the timeline', async () => {
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl,
    '--reports-dir', dir, '-H', 'x-sandbox-scenario: recovering', '--watch'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY, GITHUB_STEP_SUMMARY: summary, COLUMNS: '80' } });
  assert.is(r.code, 0, r.stderr);
  assert.is(sandbox.requests, 3);
  assert.match(r.stdout, /3 requests sent/);
  assert.not.match(r.stdout, /1 request sent/);
  const md = readFileSync(summary, 'utf8');
  assert.match(md, /3 requests sent/);
  assert.match(md, /Timeline \(UTC\): 503 at .*200 at .*3 requests/);
  // 80 columns when the width is known ($COLUMNS here); captured with no width, a message stays one line.
  for (const line of r.stderr.split('\n')) assert.ok(line.length <= 80, line);
  assert.match(r.stderr, /each may be billed/);
});


for (const status of ['099', '000', '600', '799']) {
  test(`status ${status}: the server answered badly, not "could not be reached"`, async () => {
    const server = await rawStatusServer(status);
    try {
      const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', server.url, '--reports-dir', dir],
        { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
      assert.is(r.code, 4, r.stderr);
      assert.match(r.stdout, new RegExp(`the server's answer is not valid HTTP \\(status ${Number(status)}\\)`));
      assert.not.match(r.stdout, /could not be reached/);
      assert.not.match(r.stdout, /0 answered/);
    } finally {
      await server.close();
    }
  });
}

const RATES_ARGS = () => ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl, '--reports-dir', dir];

test('an empty or blank MASHVISOR_API_KEY is the same as none given', async () => {
  const unset = await runCli(RATES_ARGS());
  for (const value of ['', ' ', '\t']) {
    const r = await runCli(RATES_ARGS(), { env: { MASHVISOR_API_KEY: value } });
    assert.is(r.code, unset.code, `${JSON.stringify(value)}: ${r.stderr}`);
    assert.is(r.stdout.replace(/\d{8}-\d{6}-\d{3}/g, 'T'), unset.stdout.replace(/\d{8}-\d{6}-\d{3}/g, 'T'));
  }
});

test('a recognised placeholder key is shown as written, not masked', async () => {
  for (const key of ['YOUR_API_KEY', 'changeme', '<YOUR_API_KEY>']) {
    const r = await runCli(RATES_ARGS(), { env: { MASHVISOR_API_KEY: key } });
    assert.is(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`the placeholder ${JSON.stringify(key)}`), r.stderr);
    assert.not.match(r.stderr, /REDACTED/);
  }
});

test('a {{$processEnv NAME}} placeholder is named whole, not cut mid-word', async () => {
  const curl = "curl -H 'x-api-key: {{$processEnv MASHVISOR_API_KEY}}' 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&source=airbnb'";
  const r = await runCli(['check', '--from-curl', curl]);
  assert.is(r.code, 2, r.stderr);
  assert.ok(r.stderr.replace(/\s+/g, ' ').includes('the placeholder "{{$processEnv MASHVISOR_API_KEY}}"'), r.stderr);
});

test('--max-requests 0 without --offline is a usage error, and --help says so', async () => {
  const r = await runCli([...RATES_ARGS(), '--max-requests', '0'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 2, r.stdout);
  assert.is(sandbox.requests, 0);
  assert.not.match(r.stdout, /Verdict: pass/);
  assert.match(r.stderr, /nothing would be checked/);
  const help = await runCli(['check', '--help']);
  assert.match(help.stdout.replace(/\s+/g, ' '), /0 is refused: use --offline/);
  const offline = await runCli([...RATES_ARGS(), '--max-requests', '0', '--offline'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(offline.code, 0, offline.stderr);
});

test('check --from-har --offline says which key would be sent, not that one is sent', async () => {
  const har = { log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [{
    startedDateTime: '2026-01-01T00:00:00.000Z', time: 1,
    request: { method: 'GET', url: 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&source=airbnb', httpVersion: 'HTTP/1.1',
      headers: [{ name: 'x-api-key', value: 'recorded0key0value0abcdef' }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'application/json', text: '' }, redirectURL: '', headersSize: -1, bodySize: 0 },
    cache: {}, timings: { send: 0, wait: 1, receive: 0 } }] } };
  const file = join(dir, 's.har');
  writeFileSync(file, JSON.stringify(har));
  const r = await runCli(['check', '--from-har', file, '--offline', '--key', 'given0key0value0abcdefgh']);
  const text = r.stderr.replace(/\s+/g, ' ');
  assert.match(text, /would be sent in place of/);
  assert.not.match(text, /is sent in place of/);
  assert.equal(sandbox.requests, 0);
});

test.run();
