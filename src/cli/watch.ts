// `check --watch`: the decisions and the loop, free of I/O so tests can drive them with a fake clock. The
// command (commands/watch.ts) supplies the real request, sleep and output.
import { UsageError } from '../shared/errors.js';
import { durationText } from '../checks/ratelimit.js';
import { causeOf, nextStep } from '../checks/causes.js';
import type { Report, WatchAttempt, WatchOutcome } from '../types.js';

export const WATCH_DEFAULTS = { maxRequests: 10, everyMs: 30_000, timeoutMs: 30 * 60_000 } as const;
/** The backoff from --every doubles up to this (or up to --every itself when that is longer). */
export const BACKOFF_CAP_MS = 5 * 60_000;
/** No wait is shorter: a Retry-After of 0 must not turn the watch into a burst of billed requests. */
export const MIN_WAIT_MS = 1000;

export interface WatchLimits {
  maxRequests: number;
  everyMs: number;
  timeoutMs: number;
}

/** The longest delay a Node timer holds. */
const MAX_TIMER_MS = 2_147_483_647;

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "30s", "2m", "1h", "500ms"; a bare number is seconds. */
export function parseDuration(text: string | number, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/i.exec(String(text));
  const ms = m ? Number(m[1]) * UNITS[(m[2] ?? 's').toLowerCase()]! : NaN;
  if (!Number.isFinite(ms) || ms > MAX_TIMER_MS) throw new UsageError(`--${option} must be a duration such as 30s, 5m or 1h, got ${JSON.stringify(String(text))}`);
  if (ms < MIN_WAIT_MS) throw new UsageError(`--${option} must be at least 1s: each request of a watch may be billed`);
  return Math.round(ms);
}

export interface WatchArgs {
  watch?: boolean;
  every?: string | number;
  watchTimeout?: string | number;
  maxRequests?: number;
  probe?: number;
  offline?: boolean;
}

/** The watch's budget from the options; a usage error for options that cannot go together. */
export function watchLimits(args: WatchArgs): WatchLimits {
  if (!args.watch) {
    const stray = args.every !== undefined ? 'every' : 'watch-timeout';
    throw new UsageError(`--${stray} only goes with --watch`);
  }
  if (args.offline) throw new UsageError('--watch sends requests: it cannot go with --offline');
  if (args.probe) throw new UsageError('--watch cannot go with --probe: each attempt of a watch is one request');
  const maxRequests = args.maxRequests ?? WATCH_DEFAULTS.maxRequests;
  if (maxRequests < 1) throw new UsageError('--watch needs --max-requests of at least 1');
  return {
    maxRequests,
    everyMs: args.every === undefined ? WATCH_DEFAULTS.everyMs : parseDuration(args.every, 'every'),
    timeoutMs: args.watchTimeout === undefined ? WATCH_DEFAULTS.timeoutMs : parseDuration(args.watchTimeout, 'watch-timeout'),
  };
}

/**
 * Whether waiting could change the verdict: an outage, a rate limit or an unreachable API may pass; the user's
 * parameters, key, plan or host header will not fix themselves. The verdict's cause table (checks/causes.ts)
 * decides; reports without a cause (saved by an older version) fall back to the status.
 */
export function shouldKeepWatching(report: Report): boolean {
  if (report.verdict === 'pass' || report.requestsSent === 0) return false;
  // A redirect not followed is the same answer next time. (A body over the size limit is a server cause the table
  // says to wait out.)
  if (report.error?.kind === 'redirect') return false;
  // The response check names what the answer asks of the user: only a "wait" is worth another (billed) try.
  const cause = causeOf(report);
  if (cause) return nextStep(cause) === 'wait';
  return report.verdict === 'server-error' || report.verdict === 'network-error' || report.response?.status === 429;
}

/** The wait the server asked for: Retry-After, else (on a 429) the rate-limit reset; null when it named none. */
export function serverWaitMs(report: Report): { ms: number; why: string } | null {
  const limit = report.rateLimit;
  if (typeof limit?.retryAfterSeconds === 'number') return { ms: limit.retryAfterSeconds * 1000, why: 'Retry-After' };
  if (report.response?.status === 429 && typeof limit?.resetSeconds === 'number') return { ms: limit.resetSeconds * 1000, why: 'rate-limit reset' };
  return null;
}

/** The server's wait when it named one, else --every doubled per wait already made, capped. */
export function nextWait(report: Report, backoffs: number, everyMs: number): { ms: number; why: string; backoff: boolean } {
  const asked = serverWaitMs(report);
  if (asked) return { ms: Math.max(MIN_WAIT_MS, asked.ms), why: asked.why, backoff: false };
  const cap = Math.max(everyMs, BACKOFF_CAP_MS);
  return { ms: Math.min(cap, everyMs * 2 ** Math.min(backoffs, 30)), why: backoffs === 0 ? '--every' : 'backing off', backoff: true };
}

export function attemptOf(report: Report, durationMs?: number): WatchAttempt {
  const status = report.response?.status ?? null;
  return {
    time: report.createdAt, status, verdict: report.verdict,
    ...(status === null && report.error ? { error: report.error.code } : {}),
    ...(durationMs !== undefined ? { durationMs: Math.round(durationMs) } : {}),
  };
}

/** "10:02:07" from an ISO time (UTC). */
export function clockTime(iso: string): string {
  return /T(\d{2}:\d{2}:\d{2})/.exec(iso)?.[1] ?? iso;
}

/** What one attempt got: its status, the network error code, or that nothing was sent. */
export function attemptLabel(a: WatchAttempt): string {
  if (a.status !== null) return String(a.status);
  return a.error ?? 'not sent';
}

const SHOWN_WHOLE = 6;

function spanText(attempts: WatchAttempt[], fromIndex: number): string {
  const ms = Date.parse(attempts.at(-1)!.time) - Date.parse(attempts[fromIndex]!.time);
  return durationText(Math.max(0, Math.round(ms / 1000)));
}

/** "503 at 10:02:00, 503 at 10:05:00, 200 at 10:11:00 — back after 9 min, 3 requests" */
export function timelineSummary(attempts: WatchAttempt[], outcome: WatchOutcome, limits: WatchLimits, requests: number): string {
  const marks = attempts.map((a) => `${attemptLabel(a)} at ${clockTime(a.time)}`);
  const shown = marks.length <= SHOWN_WHOLE ? marks : [...marks.slice(0, 2), `… ${marks.length - 5} more …`, ...marks.slice(-3)];
  const n = `${requests} request${requests === 1 ? '' : 's'}`;
  const firstFailure = Math.max(0, attempts.findIndex((a) => a.verdict !== 'pass'));
  const last = attempts.at(-1);
  const tail: Record<WatchOutcome, string> = {
    passed: `passed at once, ${n}`,
    recovered: `back after ${spanText(attempts, firstFailure)}, ${n}`,
    'needs-fix': `stopped: ${last?.verdict ?? 'the verdict'} is for you to fix, waiting would not help; ${n}`,
    budget: `still failing after ${spanText(attempts, firstFailure)}: --max-requests ${limits.maxRequests} spent`,
    timeout: `still failing after ${spanText(attempts, firstFailure)}: the next try would pass --watch-timeout ${durationText(Math.round(limits.timeoutMs / 1000))}; ${n}`,
    interrupted: `stopped by Ctrl-C after ${spanText(attempts, firstFailure)}, ${n}`,
  };
  return `${shown.join(', ')} — ${tail[outcome]}`;
}

/** What the loop needs from the world: one attempt, a sleep that Ctrl-C cuts short, a clock. */
export interface WatchDeps {
  attempt(): Promise<Report>;
  /** Resolves true when the whole wait passed, false when it was cut short (Ctrl-C). */
  sleep(ms: number): Promise<boolean>;
  now(): number;
  interrupted(): boolean;
  /** After each attempt, with what comes next: how the watch ends, or the wait before the next try. */
  settled(report: Report, index: number, next: { outcome: WatchOutcome } | { waitMs: number; why: string }): Promise<void>;
}

export interface WatchResult {
  reports: Report[];
  outcome: WatchOutcome;
  requests: number;
}

/** Why the watch ends after this attempt, or null to wait and try again. */
function endAfter(report: Report, sent: number, failures: number, limits: WatchLimits, interrupted: boolean): WatchOutcome | null {
  if (report.verdict === 'pass') return failures > 0 ? 'recovered' : 'passed';
  if (!shouldKeepWatching(report)) return 'needs-fix';
  if (sent >= limits.maxRequests) return 'budget';
  return interrupted ? 'interrupted' : null;
}

/** Attempts until a pass, a verdict waiting cannot fix, the request budget, the time budget or Ctrl-C. */
export async function watchLoop(limits: WatchLimits, deps: WatchDeps): Promise<WatchResult> {
  const deadline = deps.now() + limits.timeoutMs;
  const reports: Report[] = [];
  let requests = 0;
  let backoffs = 0;
  for (;;) {
    const report = await deps.attempt();
    reports.push(report);
    requests += report.requestsSent;
    const failures = reports.filter((r) => r.verdict !== 'pass').length;
    let outcome = endAfter(report, requests, failures, limits, deps.interrupted());
    const wait = nextWait(report, backoffs, limits.everyMs);
    if (!outcome && deps.now() + wait.ms > deadline) outcome = 'timeout';
    await deps.settled(report, reports.length - 1, outcome ? { outcome } : { waitMs: wait.ms, why: wait.why });
    if (outcome) return { reports, outcome, requests };
    if (wait.backoff) backoffs++;
    if (!(await deps.sleep(wait.ms))) return { reports, outcome: 'interrupted', requests };
  }
}
