import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { root, runCli } from './helpers.js';
import { mkdtempSync, readFileSync, rmSync, createWriteStream, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixture = join(root, 'test', 'fixtures', 'batch', 'mixed.jsonl');

const cli = (args, input) => runCli(args, { input });

test('one row per invalid line with its line number, then a summary; exit 1', async () => {
  const r = await cli(['validate', '--batch', fixture]);
  assert.is(r.code, 1, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => l.startsWith('line '));
  const numbers = rows.map((l) => Number(/^line (\d+)/.exec(l)[1]));
  assert.equal(numbers, [2, 4, 7, 8, 9, 11]);
  assert.match(rows[0], /getRentalRates\tstate is required/);
  assert.match(rows[1], /listCityTrends\tpage must be a whole number/);
  assert.match(rows[2], /malformed JSON at column \d+/);
  assert.match(rows[3], /unknown endpoint: noSuchOperation/);
  assert.match(rows[4], /JSON object/);
  assert.match(r.stdout, /10 lines, 4 valid, 6 invalid/);
});

test('--json gives counts per endpoint and the invalid lines as one document', async () => {
  const r = await cli(['validate', '--batch', fixture, '--json']);
  assert.is(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.lines, 10);
  assert.is(doc.valid, 4);
  assert.is(doc.invalid, 6);
  assert.equal(doc.endpoints.getRentalRates, { lines: 2, valid: 1, invalid: 1 });
  assert.equal(doc.endpoints['(unreadable)'], { lines: 2, valid: 0, invalid: 2 });
  assert.equal(doc.invalidLines.map((l) => l.line), [2, 4, 7, 8, 9, 11]);
});

test('stdin with -, all valid → exit 0', async () => {
  const r = await cli(['validate', '--batch', '-'], '{"endpoint":"listCities","params":{"state":"TX"}}\n{"url":"/client/city/list?state=NY"}\n');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 lines, 2 valid, 0 invalid/);
});

test('unreadable input is a usage error: exit 2, one line', async () => {
  const r = await cli(['validate', '--batch', join(tmpdir(), 'no-such-batch-file.jsonl')]);
  assert.is(r.code, 2);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /cannot read batch file .*no such file/);
});

test('a large generated batch streams through with exact counts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-batch-'));
  try {
    const file = join(dir, 'big.jsonl');
    const out = createWriteStream(file);
    let chunk = '';
    for (let i = 0; i < 60000; i++) {
      const bad = i % 1000 === 999;
      chunk += `${JSON.stringify({ endpoint: 'getRentalRates', params: { state: bad ? 'ZZ' : 'TX', source: 'traditional', zip_code: '78701' } })}\n`;
    }
    await new Promise((resolve) => out.end(chunk, resolve));
    const r = await cli(['validate', '--batch', file, '--json']);
    assert.is(r.code, 1);
    const doc = JSON.parse(r.stdout);
    assert.is(doc.lines, 60000);
    assert.is(doc.invalid, 60);
    assert.is(doc.invalidLines[0].line, 1000);
    assert.match(doc.invalidLines[0].problem, /two-letter US state code/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A file and the same bytes on stdin are read by the same one pass; every answer must be the same, line numbers
// included.
async function bothWays(file, extra = []) {
  const [fromFile, fromStdin] = await Promise.all([
    runCli(['validate', '--batch', file, ...extra]),
    runCli(['validate', '--batch', '-', ...extra], { input: readFileSync(file) }),
  ]);
  assert.is(fromStdin.stderr, fromFile.stderr);
  assert.is(fromStdin.code, fromFile.code);
  assert.is(fromStdin.stdout, fromFile.stdout);
  return fromFile;
}

/** Writes `content` to a file in a fresh temp dir, runs fn on its path, and removes the dir. */
async function withFile(name, content, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'mp-batch-ways-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, content);
    await fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('file or stdin, the same output: BOM, CRLF, blank lines, bad lines throughout, in order', async () => {
  const lines = [];
  for (let i = 0; i < 400; i++) {
    if (i % 37 === 5) lines.push('');
    if (i % 53 === 7) lines.push('{"endpoint": "getRentalRates", "params": {');
    if (i % 61 === 9) lines.push('{"endpoint": "nope"}');
    lines.push(JSON.stringify({ endpoint: i % 5 === 0 ? 'listCityTrends' : 'getRentalRates', params: { state: i % 11 === 0 ? 'ZZ' : 'CA', source: 'airbnb' } }));
  }
  // No newline after the last line.
  await withFile('mixed.jsonl', `\ufeff${lines.join('\r\n')}`, async (file) => {
    const text = await bothWays(file, ['--all-lines']);
    assert.is(text.code, 1);
    const numbers = text.stdout.split('\n').filter((l) => l.startsWith('line ')).map((l) => Number(/^line (\d+)/.exec(l)[1]));
    assert.ok(numbers.some((n) => n < lines.length / 2) && numbers.some((n) => n > lines.length / 2), 'bad lines in both halves of the file');
    assert.equal(numbers, [...numbers].sort((a, b) => a - b));
    const json = await bothWays(file, ['--json']);
    assert.is(JSON.parse(json.stdout).lines, lines.filter((l) => l !== '').length);
  });
});

test('the JSON list of bad lines keeps the first 1000, the counts cover all', async () => {
  const content = `${Array.from({ length: 3000 }, (_, i) => JSON.stringify({ endpoint: 'getRentalRates', params: { state: i % 2 ? 'CA' : 'ZZ' } })).join('\n')}\n`;
  await withFile('bad.jsonl', content, async (file) => {
    const doc = JSON.parse((await bothWays(file, ['--json'])).stdout);
    assert.is(doc.invalid, 1500);
    assert.is(doc.invalidLines.length, 1000);
    assert.is(doc.invalidLinesTruncated, true);
    await bothWays(file);
  });
});

test('a file that is one long line without a newline, and the mixed fixture, answer alike from file and stdin', async () => {
  const one = JSON.stringify({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb', note: 'x'.repeat(5000) } });
  await withFile('one.jsonl', one, (file) => bothWays(file));
  await bothWays(fixture);
  await bothWays(fixture, ['--json']);
});

test.run();
