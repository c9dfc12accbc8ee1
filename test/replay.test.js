// replay REPORT.json and diff OLD.json NEW.json, end to end: the CLI as a child process against the simulator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY } from '../dist/sandbox/server.js';
import { runCli, root } from './helpers.js';

const RATES = ['getRentalRates', '-p', 'state=TX', '-p', 'city=Austin', '-p', 'source=airbnb'];
const FIXTURES = join(root, 'test', 'fixtures', 'reports');

let down; // answers every request with the maintenance 503
let up; // answers normally
let dir;

test.before(async () => {
  [down, up] = await Promise.all([startSandbox({ port: 0, scenario: 'maintenance' }), startSandbox({ port: 0 })]);
});
test.after(async () => {
  await Promise.all([down.close(), up.close()]);
});
test.before.each(async () => {
  down.resetStats();
  up.resetStats();
  dir = await mkdtemp(join(tmpdir(), 'mp-replay-'));
});
test.after.each(() => rm(dir, { recursive: true, force: true }));

const jsonReports = async (d) => (await readdir(d)).filter((f) => f.endsWith('.json')).sort();

/** check against `base` with the key in the environment; the path of its JSON report. */
async function savedCheck(args, base, env = { MASHVISOR_API_KEY: SANDBOX_KEY }) {
  const reports = join(dir, 'first');
  const r = await runCli(['check', ...args, '--base-url', base, '--reports-dir', reports], { env });
  const [name] = await jsonReports(reports);
  assert.ok(name, `check wrote no report: ${r.stderr}`);
  return { r, file: join(reports, name) };
}

/** Every byte a run left: its streams and every file in `dir`. */
async function everything(r) {
  const texts = [r.stdout, r.stderr];
  const walk = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else texts.push(await readFile(join(d, e.name), 'utf8'));
    }
  };
  await walk(dir);
  return texts.join('\n');
}

test('replay: a saved 503 sent again after the maintenance shows what changed, writes a new report, exits 0', async () => {
  const { r: first, file } = await savedCheck(RATES, down.directBaseUrl);
  assert.is(first.code, 3);
  const again = join(dir, 'again');
  const r = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--reports-dir', again], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stderr);
  assert.is(up.requests, 1, 'one request');
  assert.is(down.requests, 1, 'nothing more to the old server');
  assert.match(r.stdout, /\nwas 503 maintenance at \d\d:\d\d, now 200 at \d\d:\d\d \(UTC\)\n/);
  assert.match(r.stdout, /\* Verdict\s+│ server-error\s+│ pass/);
  assert.match(r.stdout, /\* Sent to/);
  assert.not.match(r.stdout, /different requests/);
  assert.match(r.stdout, /\* Status\s+│ 503 Service Unavailable\s+│ 200 OK/);
  assert.match(r.stdout, /Verdict: pass/);
  // A file path is the one thing that may not fit: it has a line of its own.
  for (const line of r.stdout.split('\n')) assert.ok([...line].length <= 80 || line.startsWith(`  ${again}`), `wider than 80 columns: ${line}`);
  const [name] = await jsonReports(again);
  const report = JSON.parse(await readFile(join(again, name), 'utf8'));
  assert.is(report.verdict, 'pass');
  assert.is(report.request.origin.startsWith('replay:'), true);
  assert.is(report.key.source, 'env');
  assert.not.ok((await everything(r)).includes(SANDBOX_KEY), 'the key appears nowhere');
});

test('replay sends the saved request exactly: method, path, query, non-secret headers; the key from --key-file', async () => {
  const { file } = await savedCheck(['getNeighborhoodBar', '-p', 'id=325845', '-p', 'state=IL', '-H', 'x-app-build: 7.1', '-H', 'x-sandbox-scenario: ok'], up.directBaseUrl);
  const original = up.log[0];
  up.resetStats();
  const keyFile = join(dir, 'key.txt');
  await writeFile(keyFile, `${SANDBOX_KEY}\n`);
  const r = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--key-file', keyFile, '--reports-dir', join(dir, 'again'), '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(up.requests, 1);
  const sent = up.log[0];
  assert.is(sent.method, original.method);
  assert.is(sent.url, original.url);
  assert.is(sent.headers['x-app-build'], '7.1');
  assert.is(sent.headers['x-api-key'], SANDBOX_KEY, 'the key from --key-file, not from the report');
  const out = JSON.parse(r.stdout);
  assert.is(out.report.key.source, 'file');
  assert.is(out.diff.headline.startsWith('was 200 at'), true, out.diff.headline);
  assert.match(out.diff.headline, /still 200/);
  assert.not.ok(r.stdout.includes(SANDBOX_KEY) || r.stderr.includes(SANDBOX_KEY));
});

test('replay of a RapidAPI report goes the RapidAPI way: its path, x-rapidapi-key and x-rapidapi-host', async () => {
  const env = { MASHVISOR_API_KEY: SANDBOX_RAPIDAPI_KEY };
  const { file } = await savedCheck([...RATES, '--rapidapi'], up.rapidapiBaseUrl, env);
  up.resetStats();
  const r = await runCli(['replay', file, '--base-url', up.rapidapiBaseUrl, '--reports-dir', join(dir, 'again'), '--json'], { env });
  assert.is(r.code, 0, r.stderr);
  const sent = up.log[0];
  assert.is(sent.mode, 'rapidapi');
  assert.match(sent.url, /^\/rental-rates\?state=TX&city=Austin&source=airbnb$/);
  assert.is(sent.headers['x-rapidapi-key'], SANDBOX_RAPIDAPI_KEY);
  assert.is(sent.headers['x-rapidapi-host'], 'mashvisor-api.p.rapidapi.com');
  assert.is(sent.headers['x-api-key'], undefined);
  assert.not.ok(r.stdout.includes(SANDBOX_RAPIDAPI_KEY));
});

test('replay of a POST sends the same JSON body', async () => {
  const body = { property: { beds: 3, baths: 2, state: 'TX' } };
  const payload = join(dir, 'body.json');
  await writeFile(payload, JSON.stringify({ body }));
  const { file } = await savedCheck(['postMlMashmeter', '--payload', payload], up.directBaseUrl);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(saved.request.body, body);
  up.resetStats();
  const r = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--reports-dir', join(dir, 'again'), '--json'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(up.requests, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.report.request.method, 'POST');
  assert.equal(out.report.request.body, body);
});

test('replay keeps the budget rules: --offline sends nothing, --max-requests 0 is refused', async () => {
  const { file } = await savedCheck(RATES, up.directBaseUrl);
  up.resetStats();
  const refused = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--max-requests', '0', '--reports-dir', join(dir, 'again')], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(refused.code, 2, refused.stderr);
  assert.is(up.requests, 0);
  for (const flag of [['--offline']]) {
    const r = await runCli(['replay', file, '--base-url', up.directBaseUrl, ...flag, '--reports-dir', join(dir, 'again'), '--json'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
    assert.is(up.requests, 0, `${flag[0]} sent a request`);
    const out = JSON.parse(r.stdout);
    assert.is(out.report.requestsSent, 0);
    assert.is(out.diff.after.label, 'not sent');
  }
});

test('replay without a key: the report holds none, so nothing is sent and the exit code is 1', async () => {
  const { file } = await savedCheck(RATES, up.directBaseUrl);
  up.resetStats();
  const r = await runCli(['replay', file, '--reports-dir', join(dir, 'again')]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.is(up.requests, 0);
  assert.match(r.stdout, /was 200 at \d\d:\d\d, now not sent at/);
  assert.match(r.stdout, /\* Check: auth\s+│ pass\s+│ fail/);
});

test('replay with a wrong key: the API answers 401, exit code 1', async () => {
  const { file } = await savedCheck(RATES, up.directBaseUrl);
  const r = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--key', 'sbx_wrong_0000000000000000', '--reports-dir', join(dir, 'again')]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /now 401 unauthorized/);
  assert.not.match(r.stdout, /different requests/);
  assert.not.ok((await everything(r)).includes('sbx_wrong_0000000000000000'));
});

test('replay: a server echoing the key back leaves it in no output and no file', async () => {
  const { file } = await savedCheck([...RATES, '-H', 'x-sandbox-scenario: echo-key'], up.directBaseUrl);
  const r = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--reports-dir', join(dir, 'again'), '--bundle'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(up.log[1].headers['x-sandbox-scenario'], 'echo-key', 'the scenario header was replayed');
  assert.not.ok((await everything(r)).includes(SANDBOX_KEY));
  const r2 = await runCli(['replay', file, '--base-url', up.directBaseUrl, '--json', '--reports-dir', join(dir, 'again')], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.not.ok((await everything(r2)).includes(SANDBOX_KEY));
});

test('replay and diff: bad input is one line and exit 2', async () => {
  const notReport = join(dir, 'x.json');
  await writeFile(notReport, '{"hello": 1}');
  for (const args of [['replay', join(dir, 'missing.json')], ['replay', notReport], ['diff', notReport, join(FIXTURES, 'pass-200.json')], ['replay', join(FIXTURES, 'pass-200.json'), '--base-url', 'ftp://x']]) {
    const r = await runCli(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.not.match(r.stderr, /\n\s+at /);
  }
});

test('diff: two saved reports as a table within 80 columns, exit code of the newer', async () => {
  const r = await runCli(['diff', join(FIXTURES, 'pass-200.json'), join(FIXTURES, 'server-error-503-maintenance.json')]);
  assert.is(r.code, 3, r.stderr);
  for (const line of r.stdout.split('\n')) assert.ok([...line].length <= 80, `wider than 80 columns: ${line}`);
  assert.match(r.stdout, /\nwas 200 at 09:15, now 503 maintenance at 12:00 \(UTC\)\n/);
  assert.match(r.stdout, /different requests/);
  // Given newest first, the comparison still runs oldest → newest (gaps-views.test.js has the details).
  const back = await runCli(['diff', join(FIXTURES, 'server-error-503-maintenance.json'), join(FIXTURES, 'pass-200.json')]);
  assert.is(back.code, 3);
});

test('diff --json: the comparison as data', async () => {
  const r = await runCli(['diff', join(FIXTURES, 'client-error-401.json'), join(FIXTURES, 'rapidapi-mode.json'), '--json']);
  const diff = JSON.parse(r.stdout);
  assert.is(diff.before.status, 401);
  assert.is(diff.after.status, 200);
  const verdict = diff.changes.find((c) => c.field === 'verdict');
  assert.equal([verdict.before, verdict.after, verdict.changed], ['client-error', 'pass', true]);
  assert.ok(diff.changes.some((c) => c.field === 'message' && c.changed));
});

test('diff: a key that found its way into a saved report (edited by hand) is not printed, nor control characters', async () => {
  const canary = 'canary_key_9b2e4f6a1c3d5e7f';
  const report = JSON.parse(await readFile(join(FIXTURES, 'client-error-401.json'), 'utf8'));
  report.response.body = { status: 'error', code: 401, message: `Invalid key ${canary}\u001b]0;pwned\u0007` };
  const edited = join(dir, 'edited.json');
  await writeFile(edited, JSON.stringify(report));
  for (const extra of [[], ['--json']]) {
    const r = await runCli(['diff', edited, join(FIXTURES, 'rapidapi-mode.json'), ...extra], { env: { MASHVISOR_API_KEY: canary } });
    assert.is(r.code, 0, r.stderr);
    assert.not.ok(r.stdout.includes(canary) || r.stderr.includes(canary), `canary printed ${extra}`);
    if (!extra.length) assert.not.ok(/[\u0007\u001b]/.test(r.stdout), 'raw control characters on the terminal');
  }
});

test('replay and diff are in --help', async () => {
  const r = await runCli(['--help']);
  assert.match(r.stdout, /replay <file>/);
  assert.match(r.stdout, /diff <old> <new>/);
  const replay = await runCli(['replay', '--help']);
  for (const flag of ['--key-file', '--base-url', '--max-requests', '--offline', '--reports-dir']) assert.ok(replay.stdout.includes(flag), flag);
});

test.run();
