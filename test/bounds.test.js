// Bounds on every input path: Postman variables, header counts, the size of the files report/diff/sanitize/--from-har
// read (peak memory of the child measured with /usr/bin/time), path parameters the URL would drop, and the table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { bin, cleanEnv, root, runCli, useSandbox } from './helpers.js';

const MIB = 1024 * 1024;

let sandbox;
let dir;
useSandbox(test, 'mp-bounds-', (s, d) => {
  sandbox = s;
  dir = d;
});

/** Runs the CLI under /usr/bin/time and returns its exit code, stderr and peak RSS in bytes. */
function runMeasured(args, env = {}) {
  assert.ok(existsSync('/usr/bin/time'), '/usr/bin/time is needed to measure peak memory');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS=%M', process.execPath, bin, ...args], { env: cleanEnv(env) });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /MAXRSS=(\d+)/.exec(stderr);
      // time's own lines (the peak, and "Command exited with non-zero status N") are not the CLI's.
      const own = stderr.split('\n').filter((l) => !/^(MAXRSS=\d+|Command exited with non-zero status \d+)$/.test(l)).join('\n');
      resolve({ code, stderr: own, rss: m ? Number(m[1]) * 1024 : NaN });
    });
  });
}

const report = () => JSON.parse(readFileSync(join(root, 'test/fixtures/reports/server-error-503-maintenance.json'), 'utf8'));

test('Postman variables that nest each other: one-line error, exit 2, even --offline, in bounded memory', async () => {
  const variable = [{ key: 'v0', value: 'A'.repeat(64) }];
  for (let i = 1; i <= 10; i++) variable.push({ key: `v${i}`, value: `{{v${i - 1}}}`.repeat(4) });
  const collection = {
    info: { name: 'nested', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, variable,
    item: [{ name: 'x', request: { method: 'GET', url: 'https://api.mashvisor.com/v1.1/client/city/top-markets?state=CA&q={{v10}}' } }],
  };
  const file = join(dir, 'nested.json');
  writeFileSync(file, JSON.stringify(collection)); // under 1 KB; it expands to 64 MiB
  const r = await runMeasured(['check', '--collection', file, '--offline']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /variables expand one value by more than 1 MiB/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(r.rss < 100 * MIB, `peak RSS ${r.rss}`);
});

test('more than 200 headers: refused for a HAR entry, a curl command and a replayed report, nothing sent', async () => {
  const headers = Array.from({ length: 250 }, (_, i) => ({ name: `x-h${i}`, value: 'v' }));
  const har = { log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [{
    startedDateTime: '2026-01-01T00:00:00Z', time: 1, cache: {}, timings: { send: 0, wait: 1, receive: 0 },
    request: { method: 'GET', url: `${sandbox.directBaseUrl}/client/city/top-markets?state=CA`, httpVersion: 'HTTP/1.1', headers, queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: 0 },
  }] } };
  writeFileSync(join(dir, 'h.har'), JSON.stringify(har));
  const curl = `curl '${sandbox.directBaseUrl}/client/city/top-markets?state=CA' ${headers.map((h) => `-H '${h.name}: v'`).join(' ')}`;
  const saved = report();
  saved.request.baseUrl = sandbox.directBaseUrl;
  for (const h of headers) saved.request.headers[h.name] = h.value;
  writeFileSync(join(dir, 'r.json'), JSON.stringify(saved));
  const env = { MASHVISOR_API_KEY: SANDBOX_KEY };
  for (const args of [
    ['check', '--from-har', join(dir, 'h.har'), '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'out')],
    ['check', '--from-curl', curl, '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'out')],
    ['replay', join(dir, 'r.json'), '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'out')],
  ]) {
    const r = await runCli(args, { env });
    assert.is(r.code, 2, `${args[1]}: ${r.stderr}`);
    assert.match(r.stderr, /more than (the )?200/);
  }
  assert.is(sandbox.requests, 0);
});

test('report and diff refuse a report over 4 MiB or 400,000 values, naming the limit, within 100 MiB', async () => {
  const big = report();
  big.response.body = new Array(2_000_000).fill(0); // 4 MB of small values: 128 MiB to render before the limit
  writeFileSync(join(dir, 'values.json'), JSON.stringify(big));
  const wide = report();
  wide.response.bodyText = 'x'.repeat(4.5 * MIB);
  writeFileSync(join(dir, 'bytes.json'), JSON.stringify(wide));
  for (const file of ['values.json', 'bytes.json']) {
    for (const args of [['report', join(dir, file), '--html', '--har', '--out-dir', dir], ['diff', join(dir, file), join(dir, file)]]) {
      const r = await runMeasured(args);
      assert.is(r.code, 2, `${args[0]} ${file}: ${r.stderr}`);
      assert.match(r.stderr, /limit/);
      assert.ok(r.rss < 100 * MIB, `${args[0]} ${file}: peak RSS ${r.rss}`);
    }
  }
});

test('sanitize and --from-har refuse a HAR over 2 MiB, naming the limit, within 100 MiB', async () => {
  const text = JSON.stringify({ status: 'success', content: new Array(16 * 1024).fill(1) });
  const entries = Array.from({ length: 70 }, (_, i) => ({
    startedDateTime: '2026-01-01T00:00:00Z', time: 1, cache: {}, timings: { send: 0, wait: 1, receive: 0 },
    request: { method: 'GET', url: `https://api.mashvisor.com/v1.1/client/city/top-markets?state=CA&items=${i}`, httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: text.length, mimeType: 'application/json', text }, redirectURL: '', headersSize: -1, bodySize: text.length },
  }));
  const file = join(dir, 'big.har');
  writeFileSync(file, JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } }));
  for (const args of [['sanitize', file], ['check', '--from-har', file, '--offline', '--json']]) {
    const r = await runMeasured(args);
    assert.is(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, /over the 2 MiB limit/);
    assert.ok(r.rss < 100 * MIB, `${args[0]}: peak RSS ${r.rss}`);
  }
});

test('a path parameter of . or .. is a validation error: the URL would drop it, so nothing is sent', async () => {
  for (const city of ['.', '..']) {
    const r = await runCli(['check', 'getCityInvestment', '-p', 'state=CA', '-p', `city=${city}`, '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'out'), '--json'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stdout, /which a URL reads as the folder/);
  }
  assert.is(sandbox.requests, 0);
});

test('a path parameter with / is sent encoded, as the report shows it', async () => {
  const r = await runCli(['check', 'getCityInvestment', '-p', 'state=CA', '-p', 'city=a/b', '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'out'), '--json'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  const sent = JSON.parse(r.stdout);
  assert.is(sandbox.log.length, 1);
  assert.ok(sent.request.url.endsWith(sandbox.log[0].url), `${sent.request.url} vs ${sandbox.log[0].url}`);
});

test('the table drawn in one pass is the table cli-table3 draws', async () => {
  const { drawTable } = await import('../dist/cli/table.js');
  const rows = [['1', 'GET https://api.mashvisor.com/v1.1/client/city/top-markets?state=CA', '✔ valid', 'é ü 中文 wide'], ['22', '', 'x', 'a\nb\nc']];
  const head = ['#', 'Request', 'Result', 'Problems'];
  const ours = drawTable(head, rows, { width: 60 });
  // cli-table3 given the same wrapped lines and widths draws the same borders and padding.
  const lines = ours.split('\n');
  const widths = lines[0].slice(1, -1).split('┬').map((s) => s.length);
  const cells = (row) => widths.map((_, i) => row.map((line) => line.slice(1, -1).split('│')[i].slice(1).trimEnd()).join('\n').replace(/\n+$/, ''));
  const blocks = [];
  let block = [];
  for (const line of lines.slice(1, -1)) {
    if (line.startsWith('├')) (blocks.push(block), (block = []));
    else block.push(line);
  }
  blocks.push(block);
  const t = new Table({ head: cells(blocks[0]), style: { head: [], border: [] }, colWidths: widths, wordWrap: false });
  for (const b of blocks.slice(1)) t.push(cells(b));
  assert.is(ours, t.toString());
});

test.run();
