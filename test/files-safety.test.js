// Files the tool opens: a FIFO or a device in a file's place is refused, never waited on (the run would hang after the
// billed request); an append after a cut line starts a fresh line; a status outside 100-599 is not HTTP, and the
// report saved for it still matches the report schema.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { rawStatusServer } from './hostile-server.js';
import { runCli, useSandbox } from './helpers.js';

const RATES = ['getRentalRates', '-p', 'state=TX', '-p', 'source=airbnb'];
// Far longer than a run takes; a run that blocks on a FIFO is killed at this point and reported as killed.
const GUARD = { guardMs: 30_000 };

let sandbox;
let dir;
useSandbox(test, 'mp-files-', (s, d) => {
  sandbox = s;
  dir = d;
});

function fifo(path) {
  assert.ok(existsSync('/usr/bin/mkfifo'), 'mkfifo is needed for this test');
  execFileSync('/usr/bin/mkfifo', [path]);
}

const check = (reports, extra = [], env = {}) =>
  runCli(['check', ...RATES, '--base-url', sandbox.directBaseUrl, '--reports-dir', reports, ...extra], { env: { MASHVISOR_API_KEY: SANDBOX_KEY, ...env }, ...GUARD });

test('a FIFO at reports/history.jsonl: the check finishes and says the history is not a regular file', async () => {
  const reports = join(dir, 'reports');
  mkdirSync(reports);
  fifo(join(reports, 'history.jsonl'));
  const r = await check(reports);
  assert.not.ok(r.killed, 'the run blocked on the FIFO');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /history not recorded .*not a regular file/);
  assert.ok(readdirSync(reports).some((f) => f.endsWith('.json')), 'the report itself is written');
});

test('history reads no FIFO: a one-line usage error, with and without --limit', async () => {
  const reports = join(dir, 'reports');
  mkdirSync(reports);
  fifo(join(reports, 'history.jsonl'));
  for (const extra of [[], ['--limit', '3']]) {
    const r = await runCli(['history', '--reports-dir', reports, ...extra], GUARD);
    assert.not.ok(r.killed, 'history blocked on the FIFO');
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot read the history .*: it is a named pipe \(FIFO\), not a regular file/);
  }
});

test('a FIFO at GITHUB_STEP_SUMMARY: the check finishes with a note instead of hanging', async () => {
  const summary = join(dir, 'summary.md');
  fifo(summary);
  const r = await check(join(dir, 'reports'), [], { GITHUB_STEP_SUMMARY: summary });
  assert.not.ok(r.killed, 'the run blocked on the FIFO');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /job summary not written .*not a regular file/);
});

test('a FIFO given as --payload or --key-file is a one-line usage error', async () => {
  const pipe = join(dir, 'pipe');
  fifo(pipe);
  for (const args of [['validate', 'getRentalRates', '--payload', pipe], ['check', ...RATES, '--key-file', pipe, '--base-url', sandbox.directBaseUrl, '--reports-dir', join(dir, 'r')]]) {
    const r = await runCli(args, GUARD);
    assert.not.ok(r.killed, `${args[0]} blocked on the FIFO`);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /named pipe \(FIFO\), not a regular file/);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.is(sandbox.requests, 0);
});

test('a history whose last line was cut: the next entry starts on a fresh line and reads back', async () => {
  const reports = join(dir, 'reports');
  mkdirSync(reports);
  writeFileSync(join(reports, 'history.jsonl'), '{"time":"2026-01-01T00:00:00Z","endpoint":"/cli');
  const r = await check(reports);
  assert.is(r.code, 0, r.stderr);
  const lines = readFileSync(join(reports, 'history.jsonl'), 'utf8').split('\n');
  assert.is(lines.length, 3, 'the cut line, the new entry, the final newline');
  assert.is(JSON.parse(lines[1]).operationId, 'getRentalRates');
  const h = await runCli(['history', '--reports-dir', reports, '--json']);
  const history = JSON.parse(h.stdout);
  assert.is(history.entries.length, 1);
  assert.is(history.skipped, 1);
});


for (const status of ['099', '799']) {
  test(`status ${status} is not valid HTTP, never a pass, and the saved report matches the schema`, async () => {
    const server = await rawStatusServer(status);
    try {
      const reports = join(dir, `reports-${status}`);
      const r = await runCli(['check', ...RATES, '--base-url', server.url, '--reports-dir', reports, '--json'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY }, ...GUARD });
      assert.is.not(r.code, 0, r.stdout);
      const report = JSON.parse(r.stdout);
      assert.is.not(report.verdict, 'pass');
      assert.match(JSON.stringify(report.checks), /not valid HTTP/);
      const saved = readdirSync(reports).find((f) => f.endsWith('.json'));
      // `report` checks a saved report against schemas/report.schema.json before rendering it.
      const again = await runCli(['report', join(reports, saved), '--format', 'json']);
      assert.is(again.code, 0, again.stderr);
    } finally {
      await server.close();
    }
  });
}

test.run();
