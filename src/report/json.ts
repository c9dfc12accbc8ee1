// The Report as JSON, and the values derived from it that every human-facing writer shows the same way.
// Everything here is pure: the same Report always gives the same output (no clock, no environment, no I/O).
import type { CheckId, CheckResult, CheckStatus, Report, Timings, Verdict } from '../types.js';
import { parseBoundedJson } from '../shared/json-bounds.js';
import { jsonWithoutControls } from '../shared/terminal.js';
import { formatBytes } from '../shared/units.js';

export function renderJson(report: Report): string {
  return jsonWithoutControls(JSON.stringify(report, null, 2)) + '\n';
}

/** The check a status points at: a 401 is about the key, a 429 about the rate limit. */
const POINTED_CHECK: Partial<Record<number, CheckId>> = { 401: 'auth', 403: 'auth', 429: 'rate-limit' };

/**
 * The one row that explains a run best, the same in every view (summary, terminal, demo, history): the failed check
 * the status points at, else the failed response row, else the first failure, else the first warning, else the
 * response row.
 */
export function headlineCheck(checks: readonly CheckResult[], status: number | null | undefined): CheckResult | undefined {
  const failed = checks.filter((c) => c.status === 'fail');
  const pointed = POINTED_CHECK[status ?? 0];
  return failed.find((c) => c.id === pointed) ?? failed.find((c) => c.id === 'response') ?? failed[0] ??
    checks.find((c) => c.status === 'warn') ?? checks.find((c) => c.id === 'response') ?? checks[0];
}

/** The headline row as one short line: its title and the first sentence of its message. */
export function headline(report: Pick<Report, 'checks' | 'response'>): string {
  const pick = headlineCheck(report.checks, report.response?.status);
  return pick ? `${pick.title}: ${pick.message.split(/(?<=\.)\s/)[0]}` : '';
}

export const CHECK_SYMBOLS: Record<CheckStatus, string> = { pass: '✔', warn: '⚠', fail: '✖', skip: '–' };

export const VERDICT_TITLES: Record<Verdict, string> = {
  pass: 'Pass',
  'client-error': 'Client error',
  'server-error': 'Server error',
  'network-error': 'Network error',
};

export interface Phase {
  /** Stable identifier used in HTML data attributes. */
  name: 'dns' | 'connect' | 'tls' | 'first-byte' | 'download';
  label: string;
  ms: number | null;
}

/** The phases of one exchange in the order they happen, as httpstat shows them. */
export function timingPhases(t: Timings): Phase[] {
  return [
    { name: 'dns', label: 'DNS lookup', ms: t.dns },
    { name: 'connect', label: 'TCP connect', ms: t.connect },
    { name: 'tls', label: 'TLS handshake', ms: t.tls },
    { name: 'first-byte', label: 'Server processing (first byte)', ms: t.firstByte },
    { name: 'download', label: 'Content transfer', ms: t.download },
  ];
}

/** Timings of the exchange: with the response when there is one, else the top-level copy kept for failures. */
export function exchangeTimings(report: Report): Timings | null {
  return report.response?.timings ?? report.timings ?? null;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return `${ms < 10 ? Math.round(ms * 10) / 10 : Math.round(ms)} ms`;
}

export function statusLine(report: Report): string {
  const r = report.response;
  if (!r && report.requestsSent === 0 && !report.error) return 'not sent';
  if (!r) return report.error ? `no response (${report.error.kind})` : 'no response';
  return `${r.status} ${r.statusText}`.trim();
}

function looksJson(contentType: string | null, text: string): boolean {
  if (contentType && /[/+]json\b/i.test(contentType)) return true;
  return /^\s*[[{]/.test(text);
}

export interface DisplayBody {
  text: string;
  kind: 'json' | 'html' | 'text';
  /** Why the text shown is not the whole body, or null. */
  note: string | null;
}

/** The response body as a human should see it: pretty JSON when it is JSON, otherwise the text; bounded in size. */
export function displayBody(report: Report, maxChars: number): DisplayBody | null {
  const r = report.response;
  if (!r) return null;
  let text = r.bodyText ?? '';
  let kind: DisplayBody['kind'] = 'text';
  if (r.body !== null && r.body !== undefined && typeof r.body !== 'string') {
    text = JSON.stringify(r.body, null, 2);
    kind = 'json';
  } else if (looksJson(r.contentType, text)) {
    // Not valid JSON after all (often because it was truncated), or too deep or too large to lay out: as received.
    const parsed = parseBoundedJson(text);
    if (parsed.ok) {
      text = JSON.stringify(parsed.value, null, 2);
      kind = 'json';
    }
  }
  if (kind === 'text' && ((r.contentType ?? '').includes('html') || /^\s*<(!doctype|html)/i.test(text))) kind = 'html';
  const notes: string[] = [];
  if (r.truncated) notes.push(`the body was ${formatBytes(r.bodyBytes)}; only its beginning was kept`);
  if (text.length > maxChars) {
    notes.push(`showing the first ${maxChars} of ${text.length} characters; the JSON and HAR reports hold all that was kept`);
    text = text.slice(0, maxChars);
  }
  return { text, kind, note: notes.length ? `Truncated: ${notes.join('; ')}.` : null };
}

/** Request payload as the user would write it: path, query, and body when there is one. */
export function requestPayload(report: Report): Record<string, unknown> {
  const payload: Record<string, unknown> = { path: report.request.path, query: report.request.query };
  if (report.request.body !== null && report.request.body !== undefined) payload.body = report.request.body;
  return payload;
}

/** Seconds as given, with a rough human reading once they stop being easy to picture: "1209600 s (≈ 14 d)". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const units: Array<[number, string]> = [[86_400, 'd'], [3_600, 'h'], [60, 'min']];
  for (const [size, unit] of units) {
    if (seconds >= size * 2) return `${seconds} s (≈ ${Math.round((seconds / size) * 10) / 10} ${unit})`;
  }
  return `${seconds} s`;
}

export function rateLimitRows(report: Report): Array<[string, string]> {
  const rl = report.rateLimit;
  if (!rl) return [];
  const show = (v: number | null) => (v === null ? '–' : String(v));
  return [
    ['Limit', show(rl.limit)],
    ['Remaining', show(rl.remaining)],
    ['Left', rl.percentLeft === null ? '–' : `${Math.round(rl.percentLeft * 10) / 10} %`],
    ['Resets in', formatSeconds(rl.resetSeconds)],
    ['Retry-After', formatSeconds(rl.retryAfterSeconds)],
    ['Scope', rl.scope],
    ['Source', rl.source ?? '–'],
  ];
}

export function environmentRows(report: Report): Array<[string, string]> {
  const e = report.environment;
  return [
    ['Tool', e.tool],
    ['Node.js', e.node],
    ['OS', `${e.os} (${e.arch})`],
    ['axios', e.axios],
    ['Proxy variables set', e.proxyVariables.length ? e.proxyVariables.join(', ') : 'none'],
    ['Time (UTC)', e.timeUtc],
    ['Time zone', e.timezone],
  ];
}

export function keyLine(report: Report): string {
  const k = report.key;
  if (!k.present) return 'No API key was sent.';
  const parts = [`fingerprint ${k.fingerprint ?? 'unknown'}`];
  if (k.last4) parts.push(`ends in …${k.last4}`);
  if (k.source) parts.push(`from ${k.source}`);
  return `Key ${parts.join(', ')}. The key itself is not in this report.`;
}

export function endpointRows(report: Report): Array<[string, string]> {
  const q = report.request;
  return [
    ['Method', q.method],
    ['Path template', q.endpoint],
    ['operationId', q.operationId],
    ['Mode', q.mode === 'rapidapi' ? 'rapidapi (through RapidAPI)' : 'direct'],
    ['Base URL', q.baseUrl],
    ['URL sent', q.url],
    ['Request from', q.origin],
  ];
}
