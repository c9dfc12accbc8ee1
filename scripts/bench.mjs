#!/usr/bin/env node
// npm run bench: whole processes timed from outside, side by side with their baselines in the same run,
// medians after a warm-up, peak RSS from the OS (GNU time's %M, else /proc polling). Prints a table and writes
// bench/results.json. `--quick` runs tiny sizes (used by the tests: it proves the harness works, never a speed).
// `--rows=cold,live,batch,huge,billed,import` runs only those rows (while working on one of them).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'mashvisor-preflight.js');
const quick = process.argv.includes('--quick');
const outArg = process.argv.find((a) => a.startsWith('--out='));
const resultsFile = outArg ? outArg.slice(6) : join(root, 'bench', 'results.json');
// Short rows are the noisiest on a shared 2-core machine, so they get more runs; medians throughout.
const RUNS = quick ? 2 : 11;
const SHORT_RUNS = quick ? 2 : 21;
const WARMUP = quick ? 0 : 2;
const BATCH_LINES = quick ? 2000 : 1_000_000;
const HUGE_BYTES = quick ? 4 * 1024 * 1024 : 300 * 1024 * 1024;
const LATENCY_MS = 200;
const rowsArg = process.argv.find((a) => a.startsWith('--rows='));
const wanted = rowsArg ? new Set(rowsArg.slice(7).split(',')) : null;
const want = (row) => !wanted || wanted.has(row);
const work = mkdtempSync(join(tmpdir(), 'mp-bench-'));
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && spawnSync(p, ['-f', '%M %U %S', 'true']).status === 0);

// Every command, ours and the baselines alike, runs in one environment. By default that is this environment minus
// what changes how Node itself starts: NODE_EXTRA_CA_CERTS makes every Node process parse a CA bundle before its
// first line (~90 ms on this kind of machine, where the sandbox sets it), which would hide our own start-up cost
// in the node -e 0 row and charge Node's to us in the curl row. NODE_V8_COVERAGE (set when the tests run this)
// turns the CLI's code cache off. --inherit-env measures with the environment as it is.
const inheritEnv = process.argv.includes('--inherit-env');
const NODE_START_VARS = ['NODE_EXTRA_CA_CERTS', 'NODE_V8_COVERAGE'];
const baseEnv = { ...process.env, NO_COLOR: '1' };
// Emptied rather than removed: Node copies NODE_V8_COVERAGE into a child's environment when the child's has none.
if (!inheritEnv) for (const name of NODE_START_VARS) baseEnv[name] = '';

/** Runs a command once; wall time from spawn to exit, peak RSS and CPU time (user + system) from GNU time or /proc. */
function runOnce(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const rssFile = join(work, `rss-${process.hrtime.bigint()}`);
    const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...baseEnv, ...env } });
    let peakKiB = 0;
    let cpuMs = null;
    const poll = GNU_TIME ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch { /* exited */ }
    }, 5);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (poll) clearInterval(poll);
      if (GNU_TIME) {
        try {
          const [rss, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
          peakKiB = rss;
          cpuMs = (user + system) * 1000;
          rmSync(rssFile, { force: true });
        } catch { /* no figure */ }
      }
      resolve({ ms, peakMiB: peakKiB ? peakKiB / 1024 : null, cpuMs, code, stderr });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Alternates the two commands run by run, so drift on the machine hits both alike. */
async function compare(subject, baseline, runs = RUNS) {
  for (let i = 0; i < WARMUP; i++) {
    await runOnce(...subject);
    await runOnce(...baseline);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(await runOnce(...subject));
    b.push(await runOnce(...baseline));
  }
  return {
    subjectMs: median(a.map((r) => r.ms)),
    baselineMs: median(b.map((r) => r.ms)),
    subjectPeakMiB: Math.max(...a.map((r) => r.peakMiB ?? 0)) || null,
    // CPU time shows what a faster wall clock costs: the batch row uses a second core.
    subjectCpuMs: GNU_TIME ? median(a.map((r) => r.cpuMs)) : null,
    baselineCpuMs: GNU_TIME ? median(b.map((r) => r.cpuMs)) : null,
    baselinePeakMiB: Math.max(...b.map((r) => r.peakMiB ?? 0)) || null,
    exitCodes: [...new Set(a.map((r) => r.code))],
    stderr: a.find((r) => r.code !== 0 && r.code !== 1)?.stderr ?? '',
  };
}

async function startSandbox(extra = []) {
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'inherit'], env: baseEnv });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`sandbox exited: ${out}`)));
  });
  child.stdout.resume();
  const { SANDBOX_KEY } = await import(join(root, 'dist', 'sandbox', 'server.js'));
  return { url, key: SANDBOX_KEY, stop: () => child.kill('SIGTERM') };
}

async function sandboxRequests(url) {
  const res = await fetch(`${url}/__sandbox/stats`);
  return (await res.json()).requests;
}

function writeBatchFile(lines) {
  const file = join(work, 'batch.jsonl');
  const out = createWriteStream(file);
  const shapes = [
    (i) => ({ endpoint: 'getRentalRates', params: { state: ['CA', 'TX', 'NY', 'FL'][i % 4], source: 'airbnb', zip_code: '78701' } }),
    () => ({ endpoint: '/client/city/properties/TX/Austin' }),
    (i) => ({ url: `https://api.mashvisor.com/v1.1/client/trends/cities?state=CA&page=${(i % 9) + 1}&items=10` }),
    (i) => ({ endpoint: 'listNeighborhoodAirbnbDetails', params: { path: { id: String(1000 + (i % 50)) }, query: { state: 'TX', page: 1, items: 20, bedrooms: i % 5 } } }),
  ];
  return new Promise((resolve) => {
    let chunk = '';
    for (let i = 0; i < lines; i++) {
      chunk += `${JSON.stringify(shapes[i % shapes.length](i))}\n`;
      if (chunk.length > 1 << 20) {
        out.write(chunk);
        chunk = '';
      }
    }
    out.end(chunk, () => resolve(file));
  });
}

const BASELINE_READER = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
let n = 0;
for await (const line of createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })) if (line) { JSON.parse(line); n++; }
`;

const fmt = (ms) => `${Math.round(ms)} ms`;
const mib = (x) => (x === null ? 'n/a' : `${x.toFixed(0)} MiB`);
const ratio = (r) => r.subjectMs / r.baselineMs;

async function main() {
  const rows = [];
  const reportsDir = join(work, 'reports');
  const node = process.execPath;
  // 1. Cold validate vs bare Node.
  if (want('cold')) {
    const cold = await compare([node, [bin, 'validate', 'getRentalRates', '--param', 'state=CA', '--param', 'source=airbnb']], [node, ['-e', '0']], SHORT_RUNS);
    rows.push({ name: 'cold validate', vs: 'node -e 0', ...cold, ratio: ratio(cold), target: 'ratio ≤ 1.5', ok: ratio(cold) <= 1.5 });
  }

  // 2. Importing the library vs importing an empty ES module, both from an ES module run by node.
  if (want('import')) {
    const library = join(work, 'import-library.mjs');
    const empty = join(work, 'import-empty.mjs');
    writeFileSync(join(work, 'empty.mjs'), '');
    // What `import 'mashvisor-preflight'` loads: the package's own import entry.
    const entry = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports['.'].import.default;
    writeFileSync(library, `import ${JSON.stringify(pathToFileURL(join(root, entry)).href)};\n`);
    writeFileSync(empty, "import './empty.mjs';\n");
    const imported = await compare([node, [library]], [node, [empty]], SHORT_RUNS);
    rows.push({ name: 'library import', vs: 'empty ES module', ...imported, ratio: ratio(imported), target: 'ratio ≤ 2', ok: ratio(imported) <= 2 });
  }

  // 3. Live check at 200 ms of added latency vs a script that only loads axios and sends the same request.
  if (want('live')) await liveRow(rows, reportsDir);
  if (want('batch')) await batchRow(rows);
  if (want('huge') || want('billed')) await hugeAndBilledRows(rows, reportsDir);
  return rows;
}

async function liveRow(rows, reportsDir) {
  const node = process.execPath;
  const slow = await startSandbox(['--latency', String(LATENCY_MS), '--rate-limit', '1000000']);
  try {
    const url = `${slow.url}/v1.1/client/rental-rates?state=CA&source=airbnb`;
    // The charter's baseline: a script that only loads axios (as an app would: `import axios from 'axios'`, from
    // this project's node_modules) and sends the same request with the same key.
    const script = join(work, 'axios-only.mjs');
    writeFileSync(script, [
      `import axios from ${JSON.stringify(pathToFileURL(join(root, 'node_modules', 'axios', 'index.js')).href)};`,
      `await axios.get(${JSON.stringify(url)}, { headers: { 'x-api-key': process.env.MASHVISOR_API_KEY }, validateStatus: () => true });`,
    ].join('\n'));
    const live = await compare(
      [node, [bin, 'check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', `${slow.url}/v1.1`, '--reports-dir', reportsDir], { MASHVISOR_API_KEY: slow.key }],
      [node, [script], { MASHVISOR_API_KEY: slow.key }],
      SHORT_RUNS,
    );
    const ok = ratio(live) <= 1.15 && (live.subjectPeakMiB ?? 0) <= 80;
    rows.push({ name: `live check (${LATENCY_MS} ms latency)`, vs: 'axios-only script, same request', ...live, ratio: ratio(live), target: 'ratio ≤ 1.15, RSS ≤ 80 MiB', ok });
  } finally {
    slow.stop();
  }
}

// 4. Batch validation vs a script that only reads the lines and JSON.parses them.
async function batchRow(rows) {
  const node = process.execPath;
  const batchFile = await writeBatchFile(BATCH_LINES);
  const readerFile = join(work, 'reader.mjs');
  writeFileSync(readerFile, BASELINE_READER);
  const batch = await compare([node, [bin, 'validate', '--batch', batchFile]], [node, [readerFile, batchFile]]);
  rows.push({ name: `batch (${BATCH_LINES.toLocaleString('en-US')} lines)`, vs: 'readline + JSON.parse', ...batch, ratio: ratio(batch), target: 'ratio ≤ 1.25, RSS ≤ 100 MiB', ok: ratio(batch) <= 1.25 && (batch.subjectPeakMiB ?? 0) <= 100 });
  rmSync(batchFile, { force: true });
}

// 5. A huge body, and 6. the billed calls.
async function hugeAndBilledRows(rows, reportsDir) {
  const node = process.execPath;
  const fast = await startSandbox(['--rate-limit', '1000000', '--huge-mib', String(HUGE_BYTES / 1024 / 1024)]);
  try {
    if (want('huge')) await hugeRow(rows, fast, reportsDir);
    if (want('billed')) await billedRow(rows, fast, reportsDir);
  } finally {
    fast.stop();
  }
}

async function hugeRow(rows, fast, reportsDir) {
  const node = process.execPath;
  const hugeArgs = [bin, 'check', 'listCities', '-p', 'state=TX', '--base-url', `${fast.url}/v1.1`, '--reports-dir', reportsDir, '-H', 'x-sandbox-scenario: huge', '--timeout', '60000'];
  const huge = await compare([node, hugeArgs, { MASHVISOR_API_KEY: fast.key }], [node, ['-e', '0']]);
  const sizeNote = `${(HUGE_BYTES / 1024 / 1024).toFixed(0)} MiB`;
  // A body past the read limit is never judged whole, so the check ends with server-error (exit 3); a smaller one
  // (--quick) is a pass. Any other exit (a crash, a usage error) means the row did not measure what it names.
  const { READ_BODY_BYTES } = await import(join(root, 'dist', 'shared', 'body-limits.js'));
  const exit = HUGE_BYTES > READ_BODY_BYTES ? 3 : 0;
  const judged = huge.exitCodes.length === 1 && huge.exitCodes[0] === exit;
  rows.push({ name: `huge body (${sizeNote})`, vs: '—', ...huge, ratio: null, target: `done ≤ 2 s, RSS ≤ 100 MiB, exit ${exit}`, ok: judged && huge.subjectMs <= 2000 && (huge.subjectPeakMiB ?? 0) <= 100 });
}

async function billedRow(rows, fast, reportsDir) {
  const node = process.execPath;
  const checkArgs = [bin, 'check', 'getRentalRates', '--base-url', `${fast.url}/v1.1`, '--reports-dir', reportsDir];
  const env = { MASHVISOR_API_KEY: fast.key };
  const before = await sandboxRequests(fast.url);
  await runOnce(node, [...checkArgs, '-p', 'state=CA', '-p', 'source=airbnb'], env);
  const afterPass = await sandboxRequests(fast.url);
  await runOnce(node, [...checkArgs, '-p', 'source=airbnb'], env);
  const afterInvalid = await sandboxRequests(fast.url);
  const perPass = afterPass - before;
  const perInvalid = afterInvalid - afterPass;
  rows.push({ name: 'billed calls', vs: '—', subjectMs: null, baselineMs: null, ratio: null, perPass, perInvalid, target: '1 per passing check, 0 per invalid payload', ok: perPass === 1 && perInvalid === 0 });
}

/** What the removed variables cost a bare Node start here, so the README can say why they were removed. */
async function environmentNote() {
  const removed = inheritEnv ? [] : NODE_START_VARS.filter((name) => name in process.env && name !== 'NODE_V8_COVERAGE');
  if (removed.length === 0) return { inherited: inheritEnv, removed };
  const times = async (env) => {
    const ms = [];
    for (let i = 0; i < (quick ? 1 : 7); i++) ms.push((await runOnce(process.execPath, ['-e', '0'], env)).ms);
    return median(ms);
  };
  const without = await times({});
  const withThem = await times(Object.fromEntries(removed.map((name) => [name, process.env[name]])));
  return { inherited: false, removed, nodeStartMs: { without, with: withThem } };
}

function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}`, rssSource: GNU_TIME ? 'GNU time %M' : '/proc VmHWM polling' };
}

function table(rows) {
  const head = ['Row', 'Ours', 'Baseline', 'Ratio', 'Peak RSS', 'CPU ours / baseline', 'Target', 'Met'];
  // GNU time counts CPU in hundredths of a second.
  const cpu = (ms) => (ms === null || ms === undefined ? '—' : ms < 10 ? '< 10 ms' : fmt(ms));
  const body = rows.map((r) => [
    r.name,
    r.subjectMs === null ? `${r.perPass} / ${r.perInvalid} requests` : fmt(r.subjectMs),
    r.baselineMs === null || r.vs === '—' ? '—' : `${fmt(r.baselineMs)} (${r.vs})`,
    r.ratio === null ? '—' : r.ratio.toFixed(2),
    r.subjectPeakMiB === undefined ? '—' : mib(r.subjectPeakMiB),
    r.subjectCpuMs === undefined ? '—' : `${cpu(r.subjectCpuMs)} / ${r.vs === '—' ? '—' : cpu(r.baselineCpuMs)}`,
    r.target,
    r.ok ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

try {
  const rows = await main();
  const environment = await environmentNote();
  const m = machine();
  console.log(table(rows));
  console.log(`\n${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; ${SHORT_RUNS} runs (cold validate, live check) or ${RUNS} runs (the rest) after ${WARMUP} warm-ups, medians; RSS: ${m.rssSource}${quick ? '; QUICK sizes' : ''}`);
  if (environment.removed.length) {
    const { without, with: withThem } = environment.nodeStartMs;
    console.log(`Measured without ${environment.removed.join(', ')}, which this environment sets: node -e 0 takes ${fmt(withThem)} with it and ${fmt(without)} without. Run with --inherit-env to measure with it.`);
  } else if (environment.inherited) {
    console.log('Measured with the environment as it is (--inherit-env).');
  }
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), quick, runs: RUNS, shortRuns: SHORT_RUNS, warmup: WARMUP, machine: m, environment, rows }, null, 2)}\n`);
  console.log(`Figures written to ${resultsFile}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
