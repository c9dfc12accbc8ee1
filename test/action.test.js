// The GitHub Action (action.yml) run the way the runner runs a composite action: its own steps, read from its YAML,
// each in `bash --noprofile --norc -eo pipefail`, with ${{ inputs.* }}, ${{ steps.*.outputs.* }} and
// ${{ github.action_path }} filled in, GITHUB_OUTPUT (one file a step), GITHUB_STEP_SUMMARY, RUNNER_TEMP and
// GITHUB_ACTIONS=true, against the simulator. The action's checkout is this clone, already built, so the install
// step finds dist/ and installs nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cleanEnv, root } from './helpers.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

const test = suite('GitHub Action');
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));

let sandbox;
let dir;
test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
test.after(async () => {
  await sandbox.close();
});
test.before.each(() => {
  sandbox.resetStats();
  dir = mkdtempSync(join(tmpdir(), 'mp-action-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** GITHUB_OUTPUT's two forms: name=value, and name<<DELIMITER ... DELIMITER. */
function readOutputs(file) {
  const out = {};
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

/** ${{ ... }} as the runner fills it for these expressions; any other expression fails the test. */
function expand(text, context) {
  return String(text).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr) => {
    const [scope, ...path] = expr.split('.');
    if (scope === 'inputs') return context.inputs[path.join('.')] ?? '';
    if (scope === 'github' && path[0] === 'action_path') return root;
    if (scope === 'steps' && path[1] === 'outputs') return context.steps[path[0]]?.[path.slice(2).join('.')] ?? '';
    throw new Error(`action.yml uses an expression this test does not know: ${expr}`);
  });
}

function bash(script, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the action's steps in order with `given` inputs and the job's `env`; stops at a failed step, as the runner does. */
async function runAction(given, env = {}) {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, given[name] ?? spec.default ?? '']));
  const context = { inputs, steps: {} };
  const summary = join(dir, 'step-summary.md');
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  let last = { code: 0, stdout: '', stderr: '' };
  let log = '';
  for (const [i, step] of action.runs.steps.entries()) {
    assert.is(step.shell, 'bash', `step ${step.id}: bash`);
    const output = join(dir, `output-${i}`);
    writeFileSync(output, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, context)]));
    last = await bash(expand(step.run, context), cleanEnv({
      ...env, ...stepEnv, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_ACTION_PATH: root, RUNNER_TEMP: runnerTemp,
    }));
    log += last.stdout + last.stderr;
    context.steps[step.id] = readOutputs(output);
    if (last.code !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, spec]) => [name, expand(spec.value, context)]));
  return { code: last.code, log, outputs, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

test('the action declares the inputs and outputs docs/ci.md shows', () => {
  for (const name of ['endpoint', 'params', 'key-secret-name', 'formats']) assert.ok(action.inputs[name], `input ${name}`);
  for (const name of ['verdict', 'exit-code', 'report-json', 'report-md', 'report-paths']) assert.ok(action.outputs[name], `output ${name}`);
  assert.is(action.runs.using, 'composite');
  const ci = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
  assert.match(ci, /uses: .*mashvisor-preflight@/);
});

test('a passing check: verdict pass, exit code 0, the reports, a job summary, no annotation', async () => {
  const reports = join(dir, 'reports');
  const r = await runAction(
    { endpoint: 'getRentalRates', params: 'state=CA\nsource=airbnb\n', formats: 'html, junit', 'reports-dir': reports, 'base-url': sandbox.directBaseUrl },
    { MASHVISOR_API_KEY: SANDBOX_KEY },
  );
  assert.is(r.code, 0, r.log);
  assert.is(r.outputs.verdict, 'pass');
  assert.is(r.outputs['exit-code'], '0');
  assert.ok(r.outputs['report-json'].startsWith(reports) && existsSync(r.outputs['report-json']), r.outputs['report-json']);
  assert.ok(existsSync(r.outputs['report-md']));
  const paths = r.outputs['report-paths'].split('\n');
  assert.is(paths.length, 4, r.outputs['report-paths']);
  assert.ok(paths.some((p) => p.endsWith('.html')) && paths.some((p) => p.endsWith('.junit.xml')));
  for (const p of paths) assert.ok(existsSync(p), p);
  assert.match(r.summary, /Mashvisor preflight: .*\(exit 0\)/);
  assert.not.match(r.log, /::error/);
  assert.is(sandbox.requests, 1, 'one request');
});

test('a failing check: the step fails with its exit code, an ::error, the summary, and outputs all the same', async () => {
  const r = await runAction(
    { endpoint: 'getRentalRates', params: 'state=CA\nsource=airbnb', 'key-secret-name': 'MY_MASHVISOR_KEY', 'reports-dir': join(dir, 'reports'), 'base-url': sandbox.directBaseUrl },
    { MY_MASHVISOR_KEY: 'wrong-key-0123456789' },
  );
  assert.is(r.code, 1, r.log);
  assert.is(r.outputs.verdict, 'client-error');
  assert.is(r.outputs['exit-code'], '1');
  assert.ok(existsSync(r.outputs['report-json']));
  assert.match(r.log, /^::error /m);
  assert.match(r.summary, /Mashvisor preflight: .*\(exit 1\)/);
  assert.not.ok(r.log.includes('wrong-key-0123456789') || r.summary.includes('wrong-key-0123456789'), 'the key is never shown');
});

test('inputs are data, not shell: a value with quotes and $(...) reaches the command as it is', async () => {
  const marker = join(dir, 'pwned');
  const r = await runAction(
    { endpoint: 'getRentalRates', params: `state=CA\nsource=airbnb\nnote=$(touch ${marker}) "x" 'y'`, 'reports-dir': join(dir, 'reports'), 'base-url': sandbox.directBaseUrl },
    { MASHVISOR_API_KEY: SANDBOX_KEY },
  );
  assert.not.ok(existsSync(marker), 'nothing ran');
  assert.ok(['pass', 'client-error'].includes(r.outputs.verdict), r.log);
  assert.is(r.code, Number(r.outputs['exit-code']));
});

test('an unknown format is refused before any request', async () => {
  const r = await runAction({ endpoint: 'getRentalRates', params: 'state=CA', formats: 'pdf', 'base-url': sandbox.directBaseUrl, 'reports-dir': join(dir, 'reports') });
  assert.is(r.code, 2);
  assert.match(r.log, /::error title=mashvisor-preflight::unknown format 'pdf'/);
  assert.is(sandbox.requests, 0);
});

test.run();
