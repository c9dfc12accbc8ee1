// The simulator's per-key rate windows and monthly quotas, and the headers that report them: fixed windows as
// RapidAPI documents them, kept apart from the request handler (server.ts) that owns the maps.
import type { SandboxMode } from './routes.js';

export interface RateWindow {
  start: number;
  count: number;
}

/** What of the sandbox's settings the limits read. */
export interface LimitSettings {
  rateLimit: { limit: number; windowSeconds: number };
  quota: { limit: number; hard: boolean };
}

/** What of the sandbox's state the limits keep: one window and one month's count per key. */
export interface Counters {
  windows: Map<string, RateWindow>;
  quota: Map<string, { period: string; used: number }>;
}

function currentWindow(settings: LimitSettings, state: Counters, key: string): RateWindow {
  const now = Date.now();
  const windowMs = settings.rateLimit.windowSeconds * 1000;
  let window = state.windows.get(key);
  if (!window || now - window.start >= windowMs) {
    window = { start: now, count: 0 };
    state.windows.set(key, window);
  }
  return window;
}

function windowReset(settings: LimitSettings, window: RateWindow): number {
  const ms = window.start + settings.rateLimit.windowSeconds * 1000 - Date.now();
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Fixed window per key: the request is counted only when allowed. */
export function hitWindow(settings: LimitSettings, state: Counters, key: string): { allowed: boolean; resetSeconds: number } {
  const window = currentWindow(settings, state, key);
  const allowed = window.count < settings.rateLimit.limit;
  if (allowed) window.count++;
  return { allowed, resetSeconds: windowReset(settings, window) };
}

function monthPeriod(now: Date): string {
  return `${now.getUTCFullYear()}-${now.getUTCMonth()}`;
}

export function secondsToMonthEnd(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

function quotaEntry(state: Counters, key: string): { period: string; used: number } {
  const period = monthPeriod(new Date());
  let entry = state.quota.get(key);
  if (!entry || entry.period !== period) {
    entry = { period, used: 0 };
    state.quota.set(key, entry);
  }
  return entry;
}

export function hitQuota(settings: LimitSettings, state: Counters, key: string): { exceeded: boolean } {
  const entry = quotaEntry(state, key);
  if (entry.used >= settings.quota.limit) return { exceeded: true };
  entry.used++;
  return { exceeded: false };
}

export function rapidHeaders(settings: LimitSettings, state: Counters, key: string): Record<string, string> {
  const quota = quotaEntry(state, key);
  const window = currentWindow(settings, state, key);
  return {
    'x-ratelimit-requests-limit': String(settings.quota.limit),
    'x-ratelimit-requests-remaining': String(Math.max(0, settings.quota.limit - quota.used)),
    'x-ratelimit-requests-reset': String(secondsToMonthEnd(new Date())),
    'x-ratelimit-limit': String(settings.rateLimit.limit),
    'x-ratelimit-remaining': String(Math.max(0, settings.rateLimit.limit - window.count)),
    'x-ratelimit-reset': String(windowReset(settings, window)),
  };
}

/** Less than 10% of the quota left, in the header family of the mode (IETF on the direct API). */
export function quotaLowHeaders(settings: LimitSettings, mode: SandboxMode): Record<string, string> {
  const limit = settings.quota.limit;
  const remaining = String(Math.floor(limit * 0.04));
  const reset = String(secondsToMonthEnd(new Date()));
  if (mode === 'rapidapi') {
    return {
      'x-ratelimit-requests-limit': String(limit),
      'x-ratelimit-requests-remaining': remaining,
      'x-ratelimit-requests-reset': reset,
    };
  }
  return { 'ratelimit-limit': String(limit), 'ratelimit-remaining': remaining, 'ratelimit-reset': reset };
}
