// What changed between two reports of (usually) the same request: the support loop's "is it fixed?" in one look.
// Pure: the same two reports always give the same comparison (no clock, no environment, no I/O). Used by `replay`
// (saved report against the new one) and `diff` (any two saved reports).
import type { CheckStatus, Report, Verdict } from '../types.js';
import { exchangeTimings, statusLine } from './json.js';

/** The facts of one report that a comparison looks at. */
export interface Snapshot {
  createdAt: string;
  verdict: Verdict;
  exitCode: number;
  operationId: string;
  url: string;
  baseUrl: string;
  /** Method, operation and parameters: equal for two sends of the same request, wherever they went. */
  request: string;
  /** null when no answer came (not sent, or a network error). */
  status: number | null;
  /** "200 OK", "no response (timeout)", "not sent". */
  statusText: string;
  /** "503 maintenance", "401 unauthorized", "200": the status with what it means, for one-line sentences. */
  label: string;
  /** The server's error message (the envelope's message), or the network error's; null when none. */
  message: string | null;
  rateLimit: { remaining: number | null; limit: number | null; percentLeft: number | null } | null;
  totalMs: number | null;
  firstByteMs: number | null;
  checks: Partial<Record<string, CheckStatus>>;
}

export interface Change {
  /** Stable name: verdict, status, message, rate-limit, time-total, time-first-byte, check:<id>, time, base-url, url. */
  field: string;
  label: string;
  before: string;
  after: string;
  changed: boolean;
}

export interface ReportDiff {
  before: Snapshot;
  after: Snapshot;
  /** False when the two reports are of different requests (operation or parameters; the base URL may differ). */
  sameRequest: boolean;
  changes: Change[];
  /** "was 503 maintenance at 10:02, now 200 at 11:40 (UTC)" */
  headline: string;
}

// Short names for the documented codes, for sentences; the errors page calls 503 "offline for maintenance".
const SHORT: Record<number, string> = {
  400: 'bad request', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 408: 'request timeout', 422: 'unprocessable',
  429: 'rate-limited', 500: 'server error', 502: 'bad gateway', 503: 'maintenance', 504: 'gateway timeout',
};

function envelopeMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const message = (body as Record<string, unknown>).message ?? (body as Record<string, unknown>).error;
  return typeof message === 'string' && message.trim() ? message.trim() : null;
}

function labelOf(report: Report): string {
  const status = report.response?.status;
  if (status !== undefined) return SHORT[status] ? `${status} ${SHORT[status]}` : String(status);
  if (report.error) return `network error (${report.error.kind})`;
  return 'not sent';
}

export function snapshot(report: Report): Snapshot {
  const timings = exchangeTimings(report);
  const rl = report.rateLimit;
  return {
    createdAt: report.createdAt,
    verdict: report.verdict,
    exitCode: report.exitCode,
    operationId: report.request.operationId,
    url: report.request.url,
    baseUrl: report.request.baseUrl,
    request: JSON.stringify([report.request.method, report.request.operationId, report.request.path, report.request.query, report.request.body ?? null]),
    status: report.response?.status ?? null,
    statusText: statusLine(report),
    label: labelOf(report),
    message: report.response ? envelopeMessage(report.response.body) : report.error?.message ?? null,
    rateLimit: rl && (rl.remaining !== null || rl.limit !== null) ? { remaining: rl.remaining, limit: rl.limit, percentLeft: rl.percentLeft } : null,
    totalMs: timings?.total ?? null,
    firstByteMs: timings?.firstByte ?? null,
    checks: Object.fromEntries(report.checks.map((c) => [c.id, c.status])),
  };
}

const ms = (value: number | null) => (value === null ? '–' : `${value < 10 ? Math.round(value * 10) / 10 : Math.round(value)} ms`);

function headroom(rl: Snapshot['rateLimit']): string {
  if (!rl) return 'no rate-limit headers';
  const left = rl.remaining === null ? '?' : String(rl.remaining);
  const of = rl.limit === null ? '' : ` of ${rl.limit}`;
  const pct = rl.percentLeft === null ? '' : ` (${Math.round(rl.percentLeft)}%)`;
  return `${left}${of} left${pct}`;
}

/** HH:MM UTC, with the date in front when the two reports are from different days. */
function clock(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const text = d.toISOString();
  return withDate ? `${text.slice(0, 10)} ${text.slice(11, 16)}` : text.slice(11, 16);
}

function row(field: string, label: string, before: string, after: string): Change {
  return { field, label, before, after, changed: before !== after };
}

function headlineOf(before: Snapshot, after: Snapshot): string {
  const days = before.createdAt.slice(0, 10) !== after.createdAt.slice(0, 10);
  const was = `was ${before.label} at ${clock(before.createdAt, days)}`;
  const now = `${before.label === after.label ? 'still' : 'now'} ${after.label} at ${clock(after.createdAt, days)}`;
  // The verdicts are in the table and on the verdict line: the sentence stays short enough for one terminal line.
  return `${was}, ${now} (UTC)`;
}

/** Every compared fact, changed or not, in the order a person reads them; `changed` marks the differences. */
export function compareReports(older: Report, newer: Report): ReportDiff {
  const before = snapshot(older);
  const after = snapshot(newer);
  const changes: Change[] = [
    row('verdict', 'Verdict', before.verdict, after.verdict),
    row('status', 'Status', before.statusText, after.statusText),
    row('message', 'Error message', before.message ?? '–', after.message ?? '–'),
    row('rate-limit', 'Rate-limit headroom', headroom(before.rateLimit), headroom(after.rateLimit)),
    row('time-total', 'Total time', ms(before.totalMs), ms(after.totalMs)),
    row('time-first-byte', 'Server time (TTFB)', ms(before.firstByteMs), ms(after.firstByteMs)),
  ];
  const ids = [...new Set([...Object.keys(before.checks), ...Object.keys(after.checks)])];
  for (const id of ids) changes.push(row(`check:${id}`, `Check: ${id}`, before.checks[id] ?? '–', after.checks[id] ?? '–'));
  changes.push(row('time', 'When (UTC)', clock(before.createdAt, true), clock(after.createdAt, true)));
  if (before.baseUrl !== after.baseUrl) changes.push(row('base-url', 'Sent to', before.baseUrl, after.baseUrl));
  const sameRequest = before.request === after.request;
  if (!sameRequest) changes.push(row('url', 'Request', `${before.operationId} ${before.url}`, `${after.operationId} ${after.url}`));
  return { before, after, sameRequest, changes, headline: headlineOf(before, after) };
}
