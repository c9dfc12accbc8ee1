import { quotaAnswer } from './gateway.js';
import type { Check, CheckContext, CheckResult, CheckResultOf, Mode, ProbeResult, RateLimitDetails, RateLimitFamily, RateLimitScope, RateLimitState } from '../types.js';

export type { ProbeResult, RateLimitFamily } from '../types.js';

/** A number header; list-valued headers ("10, 10;w=1") count by their first item. */
function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const first = String(value).split(/[,;]/)[0]!.trim();
  if (first === '') return null;
  const n = Number(first);
  return Number.isFinite(n) ? n : null;
}

/** Reset values are seconds from now, or (some servers) a Unix time: tell them apart by size. */
export function resetSeconds(value: number | null, nowMs: number): number | null {
  if (value === null) return null;
  return value > 1e9 ? Math.max(0, Math.round(value - nowMs / 1000)) : value;
}

export function percentLeft(limit: number | null, remaining: number | null): number | null {
  if (!limit || limit <= 0 || remaining === null) return null;
  return Math.round((remaining / limit) * 1000) / 10;
}

function family(source: string, scope: RateLimitScope, limit: number | null, remaining: number | null, reset: number | null, windowSeconds: number | null): RateLimitFamily | null {
  if (limit === null && remaining === null && reset === null) return null;
  return {
    limit, remaining, percentLeft: percentLeft(limit, remaining), resetSeconds: reset, retryAfterSeconds: null,
    scope: scope === 'unknown' && windowSeconds ? 'rate' : scope, source, windowSeconds,
  };
}

/**
 * Structured fields of the IETF headers: `"default";r=50;t=30`, `limit=100, remaining=50, reset=30`, or an older
 * policy `100;w=60` whose leading number is the quota (returned as q).
 */
export function structuredFields(value: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!value) return out;
  for (const m of value.matchAll(/([a-z]+)\s*=\s*"?(-?\d+(?:\.\d+)?)"?/gi)) out[m[1]!.toLowerCase()] ??= Number(m[2]);
  const leading = /^\s*(\d+(?:\.\d+)?)\s*(?:[;,]|$)/.exec(value);
  if (leading && out.q === undefined) out.q = Number(leading[1]);
  return out;
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - nowMs) / 1000));
}

/** RapidAPI's plan quota (before overage charges): x-ratelimit-requests-limit / -remaining / -reset. */
function rapidApiQuota(h: Record<string, string>, nowMs: number): RateLimitFamily | null {
  return family('x-ratelimit-requests', 'quota', num(h['x-ratelimit-requests-limit']), num(h['x-ratelimit-requests-remaining']),
    resetSeconds(num(h['x-ratelimit-requests-reset']), nowMs), null);
}

/** RapidAPI's (and many gateways') per-window rate: x-ratelimit-limit / -remaining / -reset; RapidAPI's window is 60 s. */
function xRateLimit(h: Record<string, string>, nowMs: number): RateLimitFamily | null {
  return family('x-ratelimit', 'rate', num(h['x-ratelimit-limit']), num(h['x-ratelimit-remaining']),
    resetSeconds(num(h['x-ratelimit-reset']), nowMs), h['x-ratelimit-limit'] !== undefined ? 60 : null);
}

/** IETF RateLimit-Limit / -Remaining / -Reset, with the window from RateLimit-Policy when there is one. */
function ietfSeparate(h: Record<string, string>, nowMs: number): RateLimitFamily | null {
  const policy = structuredFields(h['ratelimit-policy']);
  const limitWindow = structuredFields(h['ratelimit-limit']).w;
  return family('ratelimit', 'unknown', num(h['ratelimit-limit']), num(h['ratelimit-remaining']),
    resetSeconds(num(h['ratelimit-reset']), nowMs), policy.w ?? limitWindow ?? null);
}

/** IETF RateLimit (one structured header) + RateLimit-Policy. */
function ietfStructured(h: Record<string, string>, nowMs: number): RateLimitFamily | null {
  if (h.ratelimit === undefined) return null;
  const fields = structuredFields(h.ratelimit);
  const policy = structuredFields(h['ratelimit-policy']);
  const reset = fields.t ?? fields.reset ?? null;
  return family('ratelimit-structured', 'unknown', policy.q ?? fields.limit ?? null, fields.r ?? fields.remaining ?? null,
    resetSeconds(reset, nowMs), policy.w ?? null);
}

/** Every rate-limit header family a response carries. Header names must be lower case. */
export function readRateLimitFamilies(headers: Record<string, string>, nowMs = Date.now()): RateLimitFamily[] {
  return [rapidApiQuota(headers, nowMs), xRateLimit(headers, nowMs), ietfSeparate(headers, nowMs), ietfStructured(headers, nowMs)]
    .filter((f): f is RateLimitFamily => f !== null);
}

/** The family closest to running out: lowest percentage left, then lowest remaining. */
function tightest(families: RateLimitFamily[]): RateLimitFamily | undefined {
  const key = (f: RateLimitFamily) => f.percentLeft ?? (f.remaining === 0 ? 0 : 101);
  return [...families].sort((a, b) => key(a) - key(b))[0];
}

/** The state to report: the tightest family, with Retry-After and a 429 folded in. */
export function rateLimitState(headers: Record<string, string>, status: number | null, nowMs = Date.now()): RateLimitState | null {
  const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
  const first = tightest(readRateLimitFamilies(headers, nowMs));
  if (first) {
    const { windowSeconds: _window, ...state } = first;
    return { ...state, retryAfterSeconds: retryAfter };
  }
  if (retryAfter === null && status !== 429) return null;
  return {
    limit: null, remaining: status === 429 ? 0 : null, percentLeft: null, resetSeconds: retryAfter, retryAfterSeconds: retryAfter,
    scope: 'unknown', source: retryAfter !== null ? 'retry-after' : '429',
  };
}

const PER_SECONDS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600 };

/** "5/s", "100/min", "2 per sec", "6000/h" → requests per second; null when it is none of these. */
export function parseIntendedRate(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/|per\s+)\s*(s|sec|second|m|min|minute|h|hr|hour)\s*$/i.exec(text);
  return m ? Number(m[1]) / PER_SECONDS[m[2]!.toLowerCase()]! : null;
}

function perSecondText(rate: number): string {
  const round = (n: number) => Math.round(n * 100) / 100;
  return rate >= 1 ? `${round(rate)}/s` : `${round(rate * 60)}/min`;
}

/** 30 → "30 s", 600 → "10 min", 404802 → "4.7 days". */
export function durationText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} days`;
}

const SCOPE_TEXT: Record<RateLimitScope, string> = { quota: 'plan quota', rate: 'rate window', unknown: 'limit' };

/** "plan quota: 40 of 1000 left (4%), resets in 4.7 days (x-ratelimit-requests-*)". */
function familyText(f: RateLimitFamily): string {
  const left = `${f.remaining ?? '?'} of ${f.limit ?? '?'} left${f.percentLeft !== null ? ` (${f.percentLeft}%)` : ''}`;
  const window = f.windowSeconds ? ` per ${durationText(f.windowSeconds)}` : '';
  const reset = f.resetSeconds !== null ? `, resets in ${durationText(f.resetSeconds)}` : '';
  return `${SCOPE_TEXT[f.scope]}: ${left}${window}${reset} (${f.source === 'ratelimit-structured' ? 'RateLimit' : `${f.source}-*`})`;
}

function probeText(p: ProbeResult): string {
  if (p.sent === 0) return ` Probe ${p.stoppedBy ?? 'not run'}.`;
  const stop = p.hit429 ? `, then 429${p.retryAfterSeconds !== null ? ` (Retry-After ${p.retryAfterSeconds} s)` : ''}`
    : p.stoppedBy ? `, then ${p.stoppedBy}` : ', no 429';
  return ` Probe: ${p.accepted} of ${p.sent} extra request${p.sent === 1 ? '' : 's'} accepted${stop}.`;
}

export interface RateLimitInput {
  headers: Record<string, string> | null;
  status: number | null;
  intendedPerSecond?: number | null;
  probe?: ProbeResult | null;
  nowMs?: number;
  /** How the request went: RapidAPI adds its own headers, the direct API documents none. */
  mode?: Mode;
  /** The answer says the plan's quota is spent (its words or its headers): waiting seconds will not help. */
  quotaSpent?: boolean;
}

/** --rate against the advertised per-window limit, when there is one. */
function compareIntended(intended: number | null, families: RateLimitFamily[], details: RateLimitDetails): { note: string; tooFast: boolean } {
  if (intended === null) return { note: '', tooFast: false };
  details.intendedPerSecond = intended;
  const window = families.find((f) => f.scope === 'rate' && f.limit && f.windowSeconds);
  if (!window) {
    return { note: ` Your app intends ${perSecondText(intended)}; the API advertises no per-window limit to compare with: your plan's allowance applies.`, tooFast: false };
  }
  const allowed = window.limit! / window.windowSeconds!;
  details.allowedPerSecond = allowed;
  return { note: ` Your app intends ${perSecondText(intended)}; the advertised limit allows ${perSecondText(allowed)}.`, tooFast: intended > allowed };
}

function noHeadersText(input: RateLimitInput): string {
  if (input.mode !== 'rapidapi') return 'the API exposed no rate-limit headers (the direct API documents none; 429 is its only signal).';
  if (input.status === 401 || input.status === 403) return 'RapidAPI turned the key away, so the answer carried none of its quota headers.';
  return 'the answer carried none of the rate-limit headers RapidAPI usually adds.';
}

/** What the headers say about the plan's quota and the rate window, and what --rate and --probe add to it. */
export const rateLimitCheck: Check<'rate-limit'> = {
  id: 'rate-limit',
  title: 'Rate limit',
  run: (ctx: CheckContext) => judgeRateLimit(rateLimitInput(ctx)).check,
};

export function rateLimitInput(ctx: CheckContext): RateLimitInput {
  const { spec, exchange, intendedPerSecond, probe, nowMs } = ctx;
  const status = exchange?.response?.status ?? null;
  const quotaSpent = quotaAnswer(status, exchange?.response?.headers ?? null, exchange?.response?.body);
  return { headers: exchange?.response?.headers ?? null, status, intendedPerSecond, probe, nowMs, mode: spec.mode, quotaSpent };
}

/** The row and the state to report (the tightest family), from the headers of one answer. */
export function judgeRateLimit(input: RateLimitInput): { check: CheckResultOf<'rate-limit'>; state: RateLimitState | null } {
  const base = { id: 'rate-limit' as const, title: 'Rate limit' };
  if (!input.headers) {
    return { state: null, check: { ...base, status: 'skip', message: 'not checked: there was no response', advice: '', details: { families: [], probe: input.probe ?? null } } };
  }
  const nowMs = input.nowMs ?? Date.now();
  const headers = lowerCaseKeys(input.headers);
  const state = rateLimitState(headers, input.status, nowMs);
  const families = readRateLimitFamilies(headers, nowMs);
  const details: RateLimitDetails = { families, probe: input.probe ?? null };
  const intended = compareIntended(input.intendedPerSecond ?? null, families, details);
  const notes = `${intended.note}${input.probe ? probeText(input.probe) : ''}`;
  const found = families.length ? `${families.map(familyText).join('; ')}.` : '';
  const check = (status: CheckResult['status'], message: string, advice: string) => ({ state, check: { ...base, status, message, advice, details } });

  if (input.status === 429 && input.quotaSpent) {
    const reset = state?.resetSeconds ?? state?.retryAfterSeconds ?? null;
    return check('fail', `429: the plan's quota is used up${reset !== null ? `; it resets in ${durationText(reset)}` : ''}. ${found}${notes}`.trim(),
      `${reset !== null ? `Wait for the reset (in ${durationText(reset)})` : "Wait for the plan's reset"} or upgrade the plan: slowing down will not help.`);
  }
  if (input.status === 429) {
    const wait = state?.retryAfterSeconds ?? state?.resetSeconds ?? null;
    return check('fail', `429 Too Many Requests: the rate limit or plan allowance is used up${wait !== null ? `; retry after ${durationText(wait)}` : ''}. ${found}${notes}`.trim(),
      "Slow down: honour Retry-After, back off exponentially, and check your plan's monthly allowance.");
  }
  const probeHit429 = Boolean(input.probe?.hit429);
  const probeAdvice = probeHit429 ? `The probe hit 429 after ${input.probe!.accepted + 1} accepted requests in a row: keep your burst below that.` : '';
  if (!state) {
    return check(probeHit429 ? 'warn' : 'skip', `${noHeadersText(input)}${notes}`,
      probeAdvice || "Keep within your plan's allowance; treat 429 as the signal to back off.");
  }
  if (!families.length) {
    return check('warn', `Retry-After: ${durationText(state.retryAfterSeconds!)} on HTTP ${input.status}: the server asks you to wait before the next request.${notes}`,
      'Wait that long before retrying.');
  }
  const retry = state.retryAfterSeconds !== null ? ` Retry-After: ${durationText(state.retryAfterSeconds)}.` : '';
  if (state.remaining === 0) {
    return check('fail', `no requests left: ${found}${retry}${notes}`, 'Wait for the reset, or upgrade the plan; further calls may be refused or billed as overage.');
  }
  if (state.percentLeft !== null && state.percentLeft < 10) {
    return check('warn', `under 10% left: ${found}${retry}${notes}`, 'Slow down or plan for the reset; calls beyond the quota may be billed as overage.');
  }
  if (intended.tooFast || probeHit429) {
    return check('warn', `${found}${retry}${notes}`, [intended.tooFast ? 'Throttle your app below the advertised limit.' : '', probeAdvice].filter(Boolean).join(' '));
  }
  return check('pass', `${found}${retry}${notes}`, '');
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
