import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The harness must run; its figures are never judged here (a test never asserts a time).
const root = fileURLToPath(new URL('..', import.meta.url));

test('npm run bench --quick prints all six rows and writes the figures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-test-'));
  const out = join(dir, 'results.json');
  try {
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, [join(root, 'scripts', 'bench.mjs'), '--quick', `--out=${out}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.is(r.code, 0, r.stderr);
    for (const row of ['cold validate', 'library import', 'live check', 'batch', 'huge body', 'billed calls']) assert.match(r.stdout, row);
    const figures = JSON.parse(readFileSync(out, 'utf8'));
    assert.is(figures.rows.length, 6);
    const billed = figures.rows.find((row) => row.name === 'billed calls');
    assert.is(billed.perPass, 1, 'a passing check sends exactly one request');
    assert.is(billed.perInvalid, 0, 'an invalid payload sends none');
    for (const row of figures.rows.slice(0, 3)) assert.ok(row.subjectMs > 0 && row.baselineMs > 0, row.name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
