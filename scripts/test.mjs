#!/usr/bin/env node
// `npm test`: every test/*.test.js under uvu, one process per file, several at a time, then a guard that fails the
// run when a test left anything behind. One uvu process for all files runs them one after another; most of a file's
// time is spent waiting on the CLI processes it starts, so two or three files at once keep two cores busy.
//
//   node scripts/test.mjs [pattern ...] [--jobs N]
//
// Each file gets its own temp dir as TMPDIR (inside one dir for the run), so os.tmpdir() in a test, and in the CLI
// processes it starts, lands there. After the file ends, anything still in that dir is a leftover of that file. The
// working tree (reports/ included; not node_modules/, dist/, coverage/, .git/) is listed before and after: a new path
// is a leftover too. The guard runs after every file, so a test file added later is covered without being named.
//
// Output: each file's uvu output as it finishes (not interleaved), then a closing summary in uvu's own words
// ("Total:", "Passed:"), which .ci/run reads.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testDir = join(root, 'test');
const uvuBin = join(root, 'node_modules', 'uvu', 'bin.js');
// Run times of the last run, so that the longest files start first; a cache, never needed.
const timesFile = join(root, 'node_modules', '.cache', 'mashvisor-preflight', 'test-times.json');
// A ceiling for one file, not a measure: a file that hangs is killed and fails instead of blocking the run.
const FILE_CEILING_MS = Number(process.env.MP_TEST_FILE_CEILING_MS) || 10 * 60_000;
// Not part of the working tree a test may change: installed, built, or written by coverage.
const NOT_TREE = new Set(['.git', 'node_modules', 'dist', 'coverage']);

function options(argv) {
  const patterns = [];
  let jobs = Math.max(2, Math.min(4, availableParallelism() + 1));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--jobs') jobs = Math.max(1, Number(argv[++i]) || 1);
    else patterns.push(new RegExp(argv[i]));
  }
  return { patterns, jobs };
}

function readTimes() {
  try {
    return JSON.parse(readFileSync(timesFile, 'utf8'));
  } catch {
    return {};
  }
}

function writeTimes(times) {
  try {
    mkdirSync(dirname(timesFile), { recursive: true });
    writeFileSync(timesFile, JSON.stringify(times));
  } catch {
    // only an ordering hint
  }
}

/** Every path under dir (relative), directories included, skipping NOT_TREE at the top. */
function listTree(dir, base = dir, out = new Set()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (dir === base && NOT_TREE.has(entry.name)) continue;
    const path = join(dir, entry.name);
    out.add(relative(base, path));
    if (entry.isDirectory()) listTree(path, base, out);
  }
  return out;
}

const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** uvu's closing counts of one file's output; null when the file ended before printing them. */
function countsOf(output) {
  const text = plain(output);
  const total = [...text.matchAll(/^\s*Total:\s+(\d+)/gm)].at(-1);
  const passed = [...text.matchAll(/^\s*Passed:\s+(\d+)/gm)].at(-1);
  const skipped = [...text.matchAll(/^\s*Skipped:\s+(\d+)/gm)].at(-1);
  if (!total || !passed) return null;
  return { total: Number(total[1]), passed: Number(passed[1]), skipped: skipped ? Number(skipped[1]) : 0 };
}

function runFile(name, runDir) {
  const tmp = mkdtempSync(join(runDir, `${name.replace(/\.test\.js$/, '')}-`));
  const started = Date.now();
  return new Promise((resolve) => {
    const pattern = `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    const child = spawn(process.execPath, [uvuBin, 'test', pattern], {
      cwd: root,
      env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const ceiling = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, FILE_CEILING_MS);
    child.on('close', (code) => {
      clearTimeout(ceiling);
      resolve({ name, tmp, code, timedOut, output, ms: Date.now() - started });
    });
  });
}

/** Leftovers of one file: whatever it left in its own temp dir. The dir is removed either way. */
function leftoversIn(result) {
  let left = [];
  try {
    left = readdirSync(result.tmp);
  } catch {
    // removed by the test itself: nothing left
  }
  rmSync(result.tmp, { recursive: true, force: true });
  return left.map((entry) => `${result.name}: $TMPDIR/${entry}`);
}

function report(result) {
  const counts = countsOf(result.output);
  const head = `── ${result.name} (${(result.ms / 1000).toFixed(1)} s)`;
  process.stdout.write(`${head}\n${result.output.trimEnd()}\n`);
  if (result.timedOut) process.stdout.write(`  ${result.name}: killed after ${FILE_CEILING_MS / 1000} s\n`);
  else if (!counts) process.stdout.write(`  ${result.name}: ended (exit ${result.code}) before uvu's summary\n`);
  process.stdout.write('\n');
}

async function main() {
  const { patterns, jobs } = options(process.argv.slice(2));
  const times = readTimes();
  const files = readdirSync(testDir)
    .filter((f) => f.endsWith('.test.js') && (!patterns.length || patterns.some((p) => p.test(f))))
    // longest first (a file never timed counts as long), so that the run does not end waiting on one slow file
    .sort((a, b) => (times[b] ?? Infinity) - (times[a] ?? Infinity) || a.localeCompare(b));
  const treeBefore = listTree(root);
  const runDir = mkdtempSync(join(tmpdir(), 'mp-test-run-'));
  const started = Date.now();
  const results = [];
  const queue = [...files];
  async function worker() {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const result = await runFile(name, runDir);
      report(result);
      results.push(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));

  // The guard: last, after every file.
  const leftovers = results.flatMap(leftoversIn);
  for (const entry of readdirSync(runDir)) leftovers.push(`$TMPDIR/../${entry}`);
  rmSync(runDir, { recursive: true, force: true });
  const newInTree = [...listTree(root)].filter((path) => !treeBefore.has(path)).sort();
  const guard = [
    ['no test leaves anything in its temp dir', leftovers],
    ['no test adds a file to the working tree (reports/ included)', newInTree.map((p) => `new: ${p}`)],
  ];
  process.stdout.write('── guard (after every test file)\n');
  for (const [title, found] of guard) {
    process.stdout.write(found.length ? `  ✘ ${title}:\n${found.map((f) => `      ${f}\n`).join('')}` : `  • ${title}\n`);
  }

  let total = guard.length;
  let passed = guard.filter(([, found]) => !found.length).length;
  let skipped = 0;
  const failedFiles = [];
  for (const result of results) {
    const counts = countsOf(result.output);
    if (!counts || result.timedOut) {
      total += 1; // a file that crashed or hung counts as one failed test at least
      failedFiles.push(result.name);
      continue;
    }
    total += counts.total;
    passed += counts.passed;
    skipped += counts.skipped;
    if (result.code !== 0) failedFiles.push(result.name);
  }
  writeTimes(Object.fromEntries(results.map((r) => [r.name, r.ms])));
  const ok = passed === total && !failedFiles.length;
  process.stdout.write(`\n  Files:     ${files.length} in ${jobs} processes${failedFiles.length ? `; failed: ${failedFiles.join(', ')}` : ''}\n`);
  process.stdout.write(`  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   ${skipped}\n  Duration:  ${((Date.now() - started) / 1000).toFixed(1)} s\n\n`);
  process.exitCode = ok ? 0 : 1;
}

await main();
