import type { CheckResult, RateLimitScope, RateLimitState } from '../types.js';

export interface RateLimitFamily extends RateLimitState {
  windowSeconds: number | null;
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(String(value).split(',')[0]!.trim());
  return Number.isFinite(n) ? n : null;
}

/** Reset values are seconds from now, or (some servers) a Unix time: tell them apart by size. */
function resetSeconds(value: number | null, nowMs: number): number | null {
  if (value === null) return null;
  return value > 1e9 ? Math.max(0, Math.round(value - nowMs / 1000)) : value;
}

function family(source: string, scope: RateLimitScope, limit: number | null, remaining: number | null, reset: number | null, windowSeconds: number | null): RateLimitFamily | null {
  if (limit === null && remaining === null && reset === null) return null;
  const percentLeft = limit && remaining !== null ? Math.round((remaining / limit) * 1000) / 10 : null;
  return { limit, remaining, percentLeft, resetSeconds: reset, retryAfterSeconds: null, scope, source, windowSeconds };
}

/** Structured fields: `"default";r=50;t=30` or `limit=100, remaining=50, reset=30`. */
function fields(value: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!value) return out;
  for (const m of value.matchAll(/([a-z]+)\s*=\s*"?(-?\d+(?:\.\d+)?)"?/gi)) out[m[1]!.toLowerCase()] = Number(m[2]);
  return out;
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - nowMs) / 1000));
}

/** Every rate-limit header family a response carries. */
export function readRateLimitFamilies(headers: Record<string, string>, nowMs = Date.now()): RateLimitFamily[] {
  const h = (name: string) => headers[name];
  const found: Array<RateLimitFamily | null> = [
    // RapidAPI's plan quota (before overage charges).
    family('x-ratelimit-requests', 'quota', num(h('x-ratelimit-requests-limit')), num(h('x-ratelimit-requests-remaining')),
      resetSeconds(num(h('x-ratelimit-requests-reset')), nowMs), null),
    // RapidAPI's (and many gateways') per-window rate; RapidAPI documents a 60-second window.
    family('x-ratelimit', 'rate', num(h('x-ratelimit-limit')), num(h('x-ratelimit-remaining')),
      resetSeconds(num(h('x-ratelimit-reset')), nowMs), headers['x-ratelimit-limit'] !== undefined ? 60 : null),
    family('ratelimit', 'unknown', num(h('ratelimit-limit')), num(h('ratelimit-remaining')),
      resetSeconds(num(h('ratelimit-reset')), nowMs), fields(h('ratelimit-policy')).w ?? null),
  ];
  const structured = fields(h('ratelimit'));
  const policy = fields(h('ratelimit-policy'));
  if (h('ratelimit') !== undefined && h('ratelimit-limit') === undefined) {
    found.push(family('ratelimit-structured', policy.w ? 'rate' : 'unknown', policy.q ?? structured.limit ?? null,
      structured.r ?? structured.remaining ?? null, structured.t ?? structured.reset ?? null, policy.w ?? null));
  }
  const result = found.filter((f): f is RateLimitFamily => f !== null);
  for (const f of result) if (f.scope === 'unknown' && f.windowSeconds) f.scope = 'rate';
  return result;
}

/** The state to report: the tightest family, with Retry-After and a 429 folded in. */
export function rateLimitState(headers: Record<string, string>, status: number | null, nowMs = Date.now()): RateLimitState | null {
  const families = readRateLimitFamilies(headers, nowMs);
  const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
  const tightest = [...families].sort((a, b) => (a.percentLeft ?? 101) - (b.percentLeft ?? 101))[0];
  if (tightest) {
    const { windowSeconds: _w, ...state } = tightest;
    return { ...state, retryAfterSeconds: retryAfter };
  }
  if (retryAfter !== null || status === 429) {
    return { limit: null, remaining: status === 429 ? 0 : null, percentLeft: null, resetSeconds: retryAfter, retryAfterSeconds: retryAfter,
      scope: 'unknown', source: retryAfter !== null ? 'retry-after' : '429' };
  }
  return null;
}

/** "5/s", "100/min", "2/sec", "6000/h" → requests per second. */
export function parseIntendedRate(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/|per\s*)\s*(s|sec|second|m|min|minute|h|hr|hour)\s*$/i.exec(text);
  if (!m) return null;
  const per = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) / per;
}

function perSecondText(rate: number): string {
  return rate >= 1 ? `${Math.round(rate * 100) / 100}/s` : `${Math.round(rate * 60 * 100) / 100}/min`;
}

export interface RateLimitInput {
  headers: Record<string, string> | null;
  status: number | null;
  intendedPerSecond?: number | null;
  probe?: { sent: number; accepted: number; hit429: boolean; retryAfterSeconds: number | null } | null;
  nowMs?: number;
}

export function rateLimitCheck(input: RateLimitInput): { check: CheckResult; state: RateLimitState | null } {
  const base = { id: 'rate-limit' as const, title: 'Rate limit' };
  if (!input.headers) {
    return { state: null, check: { ...base, status: 'skip', message: 'no response, so no rate-limit information', advice: '', details: {} } };
  }
  const nowMs = input.nowMs ?? Date.now();
  const state = rateLimitState(input.headers, input.status, nowMs);
  const families = readRateLimitFamilies(input.headers, nowMs);
  const details: Record<string, unknown> = { families, probe: input.probe ?? null };
  const intended = input.intendedPerSecond ?? null;
  const rateFamily = families.find((f) => f.scope === 'rate' && f.limit && f.windowSeconds);
  let intendedNote = '';
  let intendedTooFast = false;
  if (intended !== null) {
    details.intendedPerSecond = intended;
    if (rateFamily) {
      const allowed = rateFamily.limit! / rateFamily.windowSeconds!;
      details.allowedPerSecond = allowed;
      intendedTooFast = intended > allowed;
      intendedNote = ` Your app intends ${perSecondText(intended)}; the advertised limit allows ${perSecondText(allowed)}.`;
    } else {
      intendedNote = ` Your app intends ${perSecondText(intended)}; the API advertises no per-window limit to compare with — your plan's allowance applies.`;
    }
  }
  if (input.probe) {
    const p = input.probe;
    intendedNote += ` Probe: ${p.accepted} of ${p.sent} extra requests accepted${p.hit429 ? ', then 429' : ''}.`;
  }
  if (input.status === 429) {
    const wait = state?.retryAfterSeconds ?? state?.resetSeconds;
    return { state, check: { ...base, status: 'fail', details,
      message: `429 Too Many Requests: the rate limit or plan allowance is used up${wait !== null && wait !== undefined ? `; retry after ${wait} s` : ''}.${intendedNote}`,
      advice: 'Slow down: honour Retry-After, back off exponentially, and check your plan\'s monthly allowance.' } };
  }
  if (!state) {
    return { state, check: { ...base, status: intendedTooFast ? 'warn' : 'skip', details,
      message: `the API exposed no rate-limit headers (the direct API documents none; 429 is its only signal).${intendedNote}`,
      advice: "Keep within your plan's allowance; treat 429 as the signal to back off." } };
  }
  const summary = `${state.remaining ?? '?'} of ${state.limit ?? '?'} left${state.percentLeft !== null ? ` (${state.percentLeft}%)` : ''}` +
    `${state.resetSeconds !== null ? `, resets in ${state.resetSeconds} s` : ''} [${state.scope}, ${state.source}]`;
  if (state.remaining === 0) {
    return { state, check: { ...base, status: 'fail', details, message: `no requests left: ${summary}.${intendedNote}`,
      advice: 'Wait for the reset, or upgrade the plan; further calls may be refused or billed as overage.' } };
  }
  if ((state.percentLeft !== null && state.percentLeft < 10) || intendedTooFast) {
    return { state, check: { ...base, status: 'warn', details, message: `${summary}.${intendedNote}`,
      advice: intendedTooFast ? 'Throttle your app below the advertised limit.' : 'Under 10% left: slow down or plan for the reset.' } };
  }
  return { state, check: { ...base, status: 'pass', details, message: `${summary}.${intendedNote}`, advice: '' } };
}
