import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReadStream, readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readBatchLines, readBatchBlocks, parseBatchLine } from '../dist/batch/jsonl.js';
import { locateJsonError } from '../dist/shared/json-error.js';

const fixturePath = new URL('./fixtures/inputs/batch.jsonl', import.meta.url);

async function collect(iterable) {
  const out = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A stream that hands out the bytes in pieces of `size`, to cut lines, CRLFs and UTF-8 sequences apart. */
function chunked(bytes, size) {
  const pieces = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}

const EXPECTED = [
  { line: 1, text: '{"endpoint":"/client/rental-rates","params":{"state":"CA","source":"airbnb"}}' },
  { line: 3, text: '{"url":"https://api.mashvisor.com/v1.1/client/city/list?state=TX"}' },
  { line: 5, text: '{"endpoint":"/client/trends/cities","params":{"state":"NY"},"method":"GET"}' },
  { line: 6, text: '{"endpoint": "/client/property", "params": {"state": "TX", "address": "Caf\u00e9 \u2014 12 Main St"}}' },
  { line: 7, text: '{"endpoint":"/client/city/list","params":{"state":"TX"},}' },
  { line: 8, text: '[1,2]' },
  { line: 9, text: '{"params":{"state":"TX"}}' },
  { line: 11, text: '{"endpoint":"/client/city/top-markets","params":{"state":"FL"}}' },
];

test('fixture: BOM, CRLF, blank lines counted but skipped, last line without a newline', async () => {
  const lines = await collect(readBatchLines(createReadStream(fixturePath)));
  assert.equal(lines, EXPECTED);
});

test('the same lines whatever the chunk size (split CRLF, split UTF-8 sequences, split BOM)', async () => {
  const bytes = readFileSync(fixturePath);
  for (const size of [1, 2, 3, 5, 7, 64, 1 << 16]) {
    assert.equal(await collect(readBatchLines(chunked(bytes, size))), EXPECTED, `chunk size ${size}`);
  }
});

test('readBatchBlocks yields the same lines, as parallel arrays of numbers and texts', async () => {
  const blocks = await collect(readBatchBlocks(chunked(readFileSync(fixturePath), 40)));
  assert.ok(blocks.length > 1);
  for (const b of blocks) assert.is(b.lines.length, b.texts.length);
  assert.equal(blocks.flatMap((b) => b.texts.map((text, i) => ({ line: b.lines[i], text }))), EXPECTED);
});

test('string chunks, a trailing newline, a file of only blank lines, an empty stream', async () => {
  assert.equal(await collect(readBatchLines(Readable.from(['{"a":', '1}\n{"b"', ':2}\n']))), [
    { line: 1, text: '{"a":1}' },
    { line: 2, text: '{"b":2}' },
  ]);
  assert.equal(await collect(readBatchLines(Readable.from([Buffer.from('\n\r\n  \n')]))), []);
  assert.equal(await collect(readBatchLines(Readable.from([]))), []);
  assert.equal(await collect(readBatchLines(Readable.from([Buffer.from('x\r')]))), [{ line: 1, text: 'x' }]);
});

test('stopping early closes the file stream', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-batch-'));
  try {
    const file = join(dir, 'many.jsonl');
    writeFileSync(file, '{"endpoint":"/client/city/list"}\n'.repeat(50000));
    const stream = createReadStream(file, { highWaterMark: 1024 });
    let seen = 0;
    for await (const { line } of readBatchLines(stream)) {
      seen = line;
      if (line === 3) break;
    }
    assert.is(seen, 3);
    let timer;
    await Promise.race([
      new Promise((resolve) => (stream.closed ? resolve() : stream.once('close', resolve))),
      // A ceiling, not a measure: the close event ends the wait; a busy machine may take a while to deliver it.
      new Promise((resolve) => (timer = setTimeout(resolve, 30_000))),
    ]);
    clearTimeout(timer);
    assert.ok(stream.destroyed, 'the stream was left open');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseBatchLine: requests by endpoint or url', () => {
  assert.equal(parseBatchLine(EXPECTED[0].text), { endpoint: '/client/rental-rates', params: { state: 'CA', source: 'airbnb' } });
  assert.equal(parseBatchLine(EXPECTED[1].text), { url: 'https://api.mashvisor.com/v1.1/client/city/list?state=TX' });
  assert.equal(parseBatchLine(EXPECTED[2].text), { endpoint: '/client/trends/cities', method: 'GET', params: { state: 'NY' } });
});

test('parseBatchLine: errors for malformed JSON (with a column), non-objects, missing endpoint and url', () => {
  assert.equal(parseBatchLine(EXPECTED[4].text), { error: 'malformed JSON at column 57: expected double-quoted property name' });
  assert.equal(parseBatchLine('[1,2]'), { error: 'each line must be a JSON object, not an array' });
  assert.equal(parseBatchLine('null'), { error: 'each line must be a JSON object, not null' });
  assert.equal(parseBatchLine('"text"'), { error: 'each line must be a JSON object, not a string' });
  assert.equal(parseBatchLine('{"params":{"state":"TX"}}'), { error: 'a line needs "endpoint" or "url"' });
  assert.equal(parseBatchLine('{"endpoint":42}'), { error: '"endpoint" must be a string' });
  assert.equal(parseBatchLine('{"a":1'), { error: "malformed JSON at column 7: expected ',' or '}' after property value" });
});

test('parseBatchLine: V8 messages that quote the line are cut, so a key in the line is never echoed', () => {
  const r = parseBatchLine('{"endpoint":"/x","key":SECRET-KEY-123}');
  assert.ok('error' in r);
  assert.not.match(r.error, /SECRET/);
  assert.is(r.error, "malformed JSON at column 24: unexpected token 'S'");
  const noCol = parseBatchLine('');
  assert.is(noCol.error, 'malformed JSON at column 1: unexpected end of JSON input');
});

test('the JSON error locator agrees with JSON.parse on what is valid', () => {
  const valid = ['{}', '[]', ' {"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]} ', '0', '"s"'];
  for (const v of valid) assert.is(locateJsonError(v), null, v);
  const invalid = { '{"a":}': 5, '[1,]': 3, '{"a" 1}': 5, 'tru': 0, '01': 1, '"\\x"': 1, '{"a":1}x': 7, '"abc': 4, '-': 0 };
  for (const [text, at] of Object.entries(invalid)) {
    assert.throws(() => JSON.parse(text));
    assert.is(locateJsonError(text)?.offset, at, text);
  }
});

test.run();
