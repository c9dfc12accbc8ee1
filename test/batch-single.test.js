// Batch is single, many times: every line of one corpus is judged by `validate --batch` (one run of the CLI) and by
// validateRequest (the library's single validate, through the request builder), and the verdicts agree line by line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceCorpus } from './conformance-corpus.js';
import { runCli } from './helpers.js';

const DIRECT = 'https://api.mashvisor.com/v1.1';

/** The same requests written the ways a log writes them: structured, flat on a concrete path, as a URL. */
function linesOf(c) {
  const out = [{ endpoint: c.operationId, params: { path: c.path, query: c.query, ...(c.body !== undefined ? { body: c.body } : {}) } }];
  if (c.method === 'GET') {
    out.push({ endpoint: c.direct, params: c.query });
    const search = new URLSearchParams(c.query).toString();
    out.push({ url: `${DIRECT}${c.direct}${search ? `?${search}` : ''}` });
    if (c.rapid) out.push({ endpoint: c.rapid, params: { query: c.query } });
  }
  return out;
}

// Lines the fast path must not read differently from the builder: a path value given twice, values that are not
// text (null, true, lists, objects, numbers), placeholders, unknown endpoints, params that are not an object.
const SPECIAL = [
  { endpoint: '/client/city/properties/TX/Austin', params: { state: 'CA' } },
  { endpoint: '/client/city/properties/TX/Austin', params: { state: 'TX' } },
  { endpoint: '/client/city/properties/TX/Austin', params: { path: { city: 'Dallas' } } },
  { endpoint: '/client/city/properties/TX/Austin', params: { path: { city: 'Austin' } } },
  { endpoint: '/client/property/664367/taxing', params: { id: 664367, state: 'TX' } },
  { endpoint: '/client/property/664367/taxing', params: { id: 664368, state: 'TX' } },
  { endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb', neighborhood: null } },
  { endpoint: 'getRentalRates', params: { state: 'CA', city: null } },
  { endpoint: 'getLookup', params: { state: 'CA', address: null } },
  { endpoint: 'getLookup', params: { state: 'CA', beds: true } },
  { endpoint: 'getLookup', params: { state: 'CA', address: true } },
  { endpoint: 'getLookup', params: { state: 'CA', beds: 2, baths: 1.5, lat: 30.27 } },
  { endpoint: 'getLookup', params: { state: 'CA', beds: [1, 2] } },
  { endpoint: 'getLookup', params: { state: 'CA', address: { street: 'x' } } },
  { endpoint: 'getLookup', params: { state: '<string>' } },
  { endpoint: 'getLookup', params: { state: 'tx', home_type: 'condo/coop' } },
  { endpoint: 'getLookup', params: [1] },
  { endpoint: 'getLookup', params: 'state=CA' },
  { endpoint: '/client/no-such-thing', params: { state: 'CA' } },
  { url: `${DIRECT}/client/rental-rates?state=CA&state=TX` },
  { url: `${DIRECT}/client/city/properties/TX/Austin?state=CA` },
  { endpoint: 'postMlMashmeter', params: { body: [] } },
  { endpoint: 'postMlMashmeter', params: { beds: 3 } },
  { endpoint: 'postMlInvestmentLikelihood', params: { body: { beds: '3' } } },
];

let dir;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-batch-single-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

test('validate --batch and validate give every line of one corpus the same verdict', async () => {
  const { validateRequest } = await import('../dist/index.js');
  const lines = [...conformanceCorpus().flatMap(linesOf), ...SPECIAL];
  const file = join(dir, 'corpus.jsonl');
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const run = await runCli(['validate', '--batch', file, '--all-lines'], { guardMs: 120_000 });
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  const invalid = new Set([...run.stdout.matchAll(/^line (\d+)\s/gm)].map((m) => Number(m[1])));
  const differ = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let single;
    try {
      single = (await validateRequest({ endpoint: line.endpoint ?? line.url, ...(line.params !== undefined ? { params: line.params } : {}) })).valid;
    } catch {
      single = false; // validate exits 2: the request cannot be built
    }
    if (single === invalid.has(i + 1)) differ.push(`line ${i + 1} ${JSON.stringify(line)}: validate ${single ? 'valid' : 'invalid'}, batch ${single ? 'invalid' : 'valid'}`);
  }
  assert.equal(differ, []);
  assert.ok(invalid.size > 100 && invalid.size < lines.length - 100, `a corpus of both kinds (${invalid.size} of ${lines.length} invalid)`);
});

test('a log with many broken lines: once thousands were seen, the scanner screens them, with the same verdicts', async () => {
  // Cut off, a trailing comma (a JSON.parse failure that looks like an object), and a line of text.
  const broken = ['{"endpoint": "getRentalRates", "params": {"state": "CA"', '{"endpoint": "getRentalRates",}', 'GET /client/rental-rates'];
  const good = JSON.stringify({ endpoint: 'getRentalRates', params: { state: 'CA' } });
  const lines = [];
  for (let i = 0; i < 9000; i++) lines.push(i % 4 === 3 ? good : broken[i % 3]);
  const file = join(dir, 'broken.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const run = await runCli(['validate', '--batch', file, '--all-lines']);
  assert.is(run.code, 1, run.stderr);
  const problems = [...run.stdout.matchAll(/^line (\d+)\s+\(unreadable\)\s+(.*)$/gm)];
  assert.is(problems.length, 6750);
  assert.match(run.stdout, /9,000 lines, 2,250 valid, 6,750 invalid/);
  for (const [, , problem] of problems.slice(-30)) assert.match(problem, /^(malformed JSON at column \d+: expected .+|not JSON: starts with 'G')$/);
});

test.run();
