// `mashvisor-preflight demo`: the simulator in-process on a free port, every case run, reports under
// ./reports/demo of the directory it is run from, a summary, exit 0.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/mashvisor-preflight.js', import.meta.url));

function runCli(args, cwd) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.MASHVISOR_API_KEY;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

const demo = suite('demo');
const dirs = [];
demo.after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

demo('from an unrelated directory: exit 0, every verdict shown, reports under ./reports/demo', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'mvp-demo-'));
  dirs.push(cwd);
  const r = await runCli(['demo'], cwd);
  assert.is(r.code, 0, r.stdout + r.stderr);
  for (const verdict of ['pass', 'client-error', 'server-error', 'network-error']) assert.match(r.stdout, verdict);
  assert.match(r.stdout, 'reports/demo');
  assert.not.ok(r.stdout.includes('\u001b'), 'no colour when not a terminal');
  const files = await readdir(join(cwd, 'reports', 'demo'));
  const json = files.filter((f) => f.endsWith('.json'));
  const md = files.filter((f) => f.endsWith('.md'));
  assert.is(json.length, 8);
  assert.is(md.length, 8);
  const reports = await Promise.all(json.map(async (f) => JSON.parse(await readFile(join(cwd, 'reports', 'demo', f), 'utf8'))));
  const verdicts = new Set(reports.map((x) => x.verdict));
  assert.equal([...verdicts].sort(), ['client-error', 'network-error', 'pass', 'server-error']);
  // The case caught offline sends nothing; every other sends exactly one request.
  assert.equal(reports.map((x) => x.requestsSent).sort(), [0, 1, 1, 1, 1, 1, 1, 1]);
});

demo('--json: one document listing each case with its verdict and report path', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'mvp-demo-'));
  dirs.push(cwd);
  const r = await runCli(['demo', '--json', '--reports-dir', join(cwd, 'out')], cwd);
  assert.is(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.is(rows.length, 8);
  for (const row of rows) {
    assert.type(row.case, 'string');
    assert.ok(row.report.startsWith(join(cwd, 'out', 'demo')), row.report);
    assert.is(row.exitCode, { pass: 0, 'client-error': 1, 'server-error': 3, 'network-error': 4 }[row.verdict]);
  }
});

demo.run();
