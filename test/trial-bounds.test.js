// Findings of a new-user/attacker trial: input files that hang or exhaust the run, counts and words that mislead.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';

let dir;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-trial-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

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

test.run();
