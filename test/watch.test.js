// check --watch: the loop's decisions with a fake clock, then real runs against the simulator's `recovering`
// scenario (503 with Retry-After: 1 twice, then 200), a 401, a spent budget and Ctrl-C.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, cleanEnv, interruptAfter, runCli, useSandbox } from './helpers.js';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';
import { nextWait, parseDuration, shouldKeepWatching, timelineSummary, watchLimits, watchLoop } from '../dist/cli/watch.js';

// --- the decisions, with fake reports and a fake clock ---

let clock = 0;
function fake(status, { verdict, retryAfter = null, error = null, sent = 1, at = clock, cause = null } = {}) {
  const v = verdict ?? (status === null ? 'network-error' : status < 300 ? 'pass' : status >= 500 ? 'server-error' : 'client-error');
  return {
    verdict: v, requestsSent: sent, createdAt: new Date(Date.UTC(2026, 11, 5, 10, 0, 0) + at).toISOString(),
    response: status === null ? null : { status },
    error: error ? { kind: error, code: error.toUpperCase(), message: error } : null,
    rateLimit: retryAfter === null ? null : { retryAfterSeconds: retryAfter, resetSeconds: retryAfter },
    checks: cause === null ? [] : [{ id: 'response', status: 'fail', details: { cause } }],
  };
}

/** Plays `answers` (functions of the attempt number) through the loop; sleeps only move the fake clock. */
async function play(answers, limits, { interruptAt = null } = {}) {
  clock = 0;
  const waits = [];
  const settled = [];
  let n = 0;
  const result = await watchLoop(limits, {
    attempt: async () => answers[Math.min(n++, answers.length - 1)](),
    sleep: async (ms) => {
      waits.push(ms);
      if (interruptAt !== null && waits.length === interruptAt) return false;
      clock += ms;
      return true;
    },
    now: () => clock,
    interrupted: () => false,
    settled: async (report, index, next) => settled.push(next),
  });
  return { ...result, waits, settled };
}

const LIMITS = { maxRequests: 10, everyMs: 30_000, timeoutMs: 30 * 60_000 };

test('503 with Retry-After: 1 twice, then 200: three attempts, waits of 1 s, recovered', async () => {
  const r = await play([() => fake(503, { retryAfter: 1 }), () => fake(503, { retryAfter: 1 }), () => fake(200)], LIMITS);
  assert.is(r.reports.length, 3);
  assert.is(r.outcome, 'recovered');
  assert.equal(r.waits, [1000, 1000]);
  assert.is(r.requests, 3);
  assert.equal(r.settled.at(-1), { outcome: 'recovered' });
  assert.equal(r.settled[0], { waitMs: 1000, why: 'Retry-After' });
});

test('a verdict the user can fix ends the watch at once: 401, 400, nothing sent', async () => {
  for (const report of [fake(401), fake(400), fake(null, { verdict: 'client-error', sent: 0 })]) {
    const r = await play([() => report], LIMITS);
    assert.is(r.reports.length, 1);
    assert.is(r.outcome, 'needs-fix');
    assert.equal(r.waits, []);
  }
});

test('shouldKeepWatching: outage, rate limit and unreachable API wait; the rest stops', () => {
  assert.ok(shouldKeepWatching(fake(503)));
  assert.ok(shouldKeepWatching(fake(500)));
  assert.ok(shouldKeepWatching(fake(429)));
  assert.ok(shouldKeepWatching(fake(null, { error: 'refused' })));
  assert.ok(shouldKeepWatching(fake(null, { error: 'timeout' })));
  assert.not.ok(shouldKeepWatching(fake(null, { error: 'redirect' })));
  assert.not.ok(shouldKeepWatching(fake(200)));
  assert.not.ok(shouldKeepWatching(fake(401)));
  assert.not.ok(shouldKeepWatching(fake(404)));
});

test('shouldKeepWatching follows the verdict\'s cause: the gateway\'s answers the user must act on stop the watch', () => {
  assert.ok(shouldKeepWatching(fake(200, { verdict: 'server-error', cause: 'upstream-timeout' })), 'a gateway timeout under 200');
  assert.ok(shouldKeepWatching(fake(429, { cause: 'rate' })));
  assert.ok(shouldKeepWatching(fake(429, { cause: 'quota' })), 'waits for the reset, within --watch-timeout');
  assert.not.ok(shouldKeepWatching(fake(401, { cause: 'plan' })));
  assert.not.ok(shouldKeepWatching(fake(403, { cause: 'subscription' })));
  assert.not.ok(shouldKeepWatching(fake(404, { cause: 'host-header' })));
  assert.not.ok(shouldKeepWatching(fake(200, { verdict: 'client-error', cause: 'request' })), 'an error envelope under 200');
});

test('without a server wait: backoff from --every, doubling, capped at 5 min; the budget ends it', async () => {
  const r = await play([() => fake(503)], { ...LIMITS, timeoutMs: 2 * 3_600_000 });
  assert.is(r.outcome, 'budget');
  assert.is(r.requests, 10);
  assert.equal(r.waits, [30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000, 300_000]);
});

test('a wait past --watch-timeout is not made: the watch ends as a timeout', async () => {
  const r = await play([() => fake(503, { retryAfter: 3600 })], LIMITS);
  assert.is(r.outcome, 'timeout');
  assert.is(r.reports.length, 1);
  assert.equal(r.waits, []);
  // a 429 whose reset is a monthly quota's end: the same
  const q = await play([() => ({ ...fake(429), rateLimit: { retryAfterSeconds: null, resetSeconds: 16 * 86400 } })], LIMITS);
  assert.is(q.outcome, 'timeout');
});

test('a Retry-After of 0 still waits a second; a 429 waits for the rate-limit reset', () => {
  assert.is(nextWait(fake(503, { retryAfter: 0 }), 0, 30_000).ms, 1000);
  assert.equal(nextWait({ ...fake(429), rateLimit: { retryAfterSeconds: null, resetSeconds: 42 } }, 0, 30_000), { ms: 42_000, why: 'rate-limit reset', backoff: false });
});

test('Ctrl-C during a wait ends the watch with what it has', async () => {
  const r = await play([() => fake(503)], LIMITS, { interruptAt: 2 });
  assert.is(r.outcome, 'interrupted');
  assert.is(r.reports.length, 2);
});

test('a wait that would pass --watch-timeout after some waits ends as a timeout', async () => {
  const r = await play([() => fake(503)], LIMITS);
  assert.is(r.outcome, 'timeout');
  assert.equal(r.waits, [30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000, 300_000]);
});

test('the timeline in one sentence', () => {
  const attempts = [0, 180_000, 540_000].map((at, i) => ({ time: new Date(Date.UTC(2026, 11, 5, 10, 2) + at).toISOString(), status: i < 2 ? 503 : 200, verdict: i < 2 ? 'server-error' : 'pass' }));
  assert.is(timelineSummary(attempts, 'recovered', LIMITS, 3), '503 at 10:02:00, 503 at 10:05:00, 200 at 10:11:00 — back after 9 min, 3 requests');
  const many = Array.from({ length: 10 }, (_, i) => ({ time: new Date(Date.UTC(2026, 11, 5, 10, 0, i)).toISOString(), status: null, error: 'ECONNREFUSED', verdict: 'network-error' }));
  const text = timelineSummary(many, 'budget', LIMITS, 10);
  assert.match(text, /^ECONNREFUSED at 10:00:00, ECONNREFUSED at 10:00:01, … 5 more …, ECONNREFUSED at 10:00:07/);
  assert.match(text, /still failing after 9 s: --max-requests 10 spent$/);
});

test('options: durations, defaults and what cannot go with --watch', () => {
  assert.is(parseDuration('30s', 'every'), 30_000);
  assert.is(parseDuration('2m', 'every'), 120_000);
  assert.is(parseDuration('1h', 'every'), 3_600_000);
  assert.is(parseDuration('5', 'every'), 5000);
  assert.equal(watchLimits({ watch: true }), LIMITS);
  for (const bad of [{ watch: true, every: '0.5s' }, { watch: true, every: 'soon' }, { every: '5s' }, { watchTimeout: '5m' },
    { watch: true, probe: 2 }, { watch: true, offline: true }, { watch: true, maxRequests: 0 }]) {
    assert.throws(() => watchLimits(bad), (err) => err.name === 'UsageError', JSON.stringify(bad));
  }
});

// --- real runs against the simulator ---

let sandbox;
let dir;
useSandbox(test, 'mvp-watch-', (s, d) => {
  sandbox = s;
  dir = d;
});

const checkArgs = (scenario, ...more) => ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl,
  '--reports-dir', dir, '-H', `x-sandbox-scenario: ${scenario}`, '--watch', ...more];
const env = { MASHVISOR_API_KEY: SANDBOX_KEY };
const historyLines = () => readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('the sandbox scenario: 503 with Retry-After: 1 twice, then the normal answer', async () => {
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${sandbox.directBaseUrl}/client/rental-rates?state=CA&source=airbnb`, { headers: { 'x-api-key': SANDBOX_KEY, 'x-sandbox-scenario': 'recovering' } });
    statuses.push([res.status, res.headers.get('retry-after')]);
    await res.arrayBuffer();
  }
  assert.equal(statuses, [[503, '1'], [503, '1'], [200, null]]);
});

test('check --watch through an outage that ends: exactly 3 requests, exit 0, the timeline, 3 history entries', async () => {
  const r = await runCli(checkArgs('recovering'), { env });
  assert.is(r.code, 0, r.stderr);
  assert.is(sandbox.requests, 3);
  assert.match(r.stdout, /Timeline \(UTC\): 503 at \d\d:\d\d:\d\d, 503 at \d\d:\d\d:\d\d, 200 at \d\d:\d\d:\d\d — back after \d+\s+s,\s+3\s+requests/);
  // in a pipe: one line per attempt, and the billing notice before the first wait
  assert.match(r.stderr, /attempt 1\/10 at .*: 503 server-error — next try in 1 s \(Retry-After\)/);
  assert.match(r.stderr, /attempt 3\/10 at .*: 200 pass/);
  assert.ok(r.stderr.indexOf('each may be billed') < r.stderr.indexOf('attempt 2/10'), r.stderr);
  const history = historyLines();
  assert.equal(history.map((h) => h.status), [503, 503, 200]);
  // the first failure and the recovery have full reports; the recovery names the failure's
  const reports = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.is(reports.length, 2);
  const final = JSON.parse(readFileSync(join(dir, reports[1]), 'utf8'));
  assert.is(final.watch.outcome, 'recovered');
  assert.is(final.watch.firstFailureReport, reports[0]);
  assert.equal(final.watch.attempts.map((a) => a.status), [503, 503, 200]);
  const md = readFileSync(join(dir, reports[1].replace(/\.json$/, '.md')), 'utf8');
  assert.match(md, /## Watch timeline\n\n503 at .* — back after \d+ s, 3 requests/);
  assert.ok(md.includes(reports[0]));
  const { validateReport } = await import('../dist/report/schema.js');
  assert.is(await validateReport(final), null);
  for (const text of [r.stdout, r.stderr, md]) assert.not.ok(text.includes(SANDBOX_KEY));
});

test('check --watch against a 401: one request, and it stops (waiting would not help); both readings of the command line', async () => {
  for (const [i, reading] of [{}, { MASHVISOR_PREFLIGHT_NO_FASTPATH: '1' }].entries()) {
    sandbox.resetStats();
    const r = await runCli(checkArgs('unauthorized'), { env: { ...env, ...reading } });
    assert.is(r.code, 1, r.stderr);
    assert.is(sandbox.requests, 1);
    assert.match(r.stdout, /401 at .* — stopped: client-error is for you to fix/);
    assert.not.match(r.stderr, /billed/);
    assert.is(historyLines().length, i + 1);
  }
});

test('check --watch --json: one JSON object, the final report with its timeline and files', async () => {
  const r = await runCli(checkArgs('recovering', '--json'), { env });
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.watch.outcome, 'recovered');
  assert.is(out.watch.attempts.length, 3);
  assert.ok(existsSync(out.files.json));
});

test('the request budget ends a watch that does not recover: exit code of the last verdict', async () => {
  const r = await runCli(checkArgs('maintenance', '--max-requests', '2', '--every', '1s'), { env });
  assert.is(r.code, 3, r.stderr);
  assert.is(sandbox.requests, 2);
  assert.match(r.stdout, /--max-requests 2 spent/);
  assert.match(r.stderr.replace(/\s+/g, ' '), /at most 1 more request within 30 min; each may be billed/);
});

test('usage errors: exit 2 and nothing sent', async () => {
  for (const extra of [['--every', '0.5s'], ['--probe', '1'], ['--offline']]) {
    const r = await runCli(checkArgs('ok', ...extra), { env });
    assert.is(r.code, 2, `${extra}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1);
  }
  const stray = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '--every', '5s'], { env });
  assert.is(stray.code, 2);
  assert.match(stray.stderr, /--every only goes with --watch/);
  assert.is(sandbox.requests, 0);
});

test('--help shows --watch and its options, and history --html', async () => {
  const check = await runCli(['check', '--help']);
  for (const option of ['--watch', '--every', '--watch-timeout']) assert.ok(check.stdout.includes(option), option);
  const history = await runCli(['history', '--help']);
  assert.match(history.stdout, /--html/);
});

test('on a terminal: one status line, redrawn with a countdown, instead of a line per attempt', async () => {
  // util-linux's `script` gives the CLI a terminal; the test fails (not skips) without it.
  const quote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, bin, ...checkArgs('maintenance', '--max-requests', '2', '--every', '1s')].map(quote).join(' ');
  const r = await new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: cleanEnv({ ...env, COLUMNS: '80' }) });
    let out = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, out });
    });
  });
  assert.is(r.code, 3, r.out);
  assert.match(r.out, /\rattempt 1\/2: 503 server-error — next try in 1 s · Ctrl-C stops/);
  assert.not.match(r.out, /attempt 1\/2 at /);
  assert.match(r.out, /Timeline \(UTC\): 503 at .*, 503 at .*--max-requests 2 spent/s);
  assert.is(sandbox.requests, 2);
});

test('Ctrl-C during the first wait: ends at once with the timeline, exit code of the last verdict, nothing lost', async () => {
  const r = await interruptAfter(checkArgs('maintenance', '--every', '5m'), 'attempt 1/10', env);
  assert.ok(r.sent);
  assert.is(r.code, 3, r.stderr);
  assert.is(sandbox.requests, 1);
  assert.match(r.stdout, /Timeline \(UTC\): 503 at .* — stopped by Ctrl-C after \d+ s, 1 request/);
  assert.is(historyLines().length, 1);
  assert.is(readdirSync(dir).filter((f) => f.endsWith('.json')).length, 1);
});

test('Ctrl-C after several attempts: every attempt is in history and in the final report', async () => {
  const r = await interruptAfter(checkArgs('maintenance', '--every', '1s'), 'attempt 2/10', env);
  assert.is(r.code, 3, r.stderr);
  const history = historyLines();
  assert.ok(history.length >= 2);
  assert.is(sandbox.requests, history.length);
  const reports = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const final = JSON.parse(readFileSync(join(dir, reports.at(-1)), 'utf8'));
  assert.is(final.watch.outcome, 'interrupted');
  assert.is(final.watch.attempts.length, history.length);
  assert.is(final.watch.firstFailureReport, reports[0]);
});

test.run();
