import { UsageError } from '../../shared/errors.js';
import { DEFAULT_REPORTS_DIR, DEFAULT_TIMEOUT_MS } from '../../shared/defaults.js';
import { print, printError, registerSecrets } from '../output.js';
import { buildSpec } from '../../request/build.js';
import { compareReports } from '../../report/diff.js';
import { isSensitiveHeader } from '../../shared/redact.js';
import { readKey } from '../../request/credentials.js';
import { checkOnce, checkUsage, ciOutputs, type CheckArgs } from '../live.js';
import { verdictLine } from '../report-view.js';
import { loadReport } from './report.js';
import { printable, renderDiff } from './diff.js';
import type { Report, RequestSpec } from '../../types.js';

// replay REPORT.json: the saved request sent again through the same pipeline as check (same validation, budget, writers),
// then what changed. The key never comes from the report (it holds none): --key, --key-file or MASHVISOR_API_KEY.

export interface ReplayArgs extends Pick<CheckArgs, 'key' | 'keyFile' | 'baseUrl' | 'allowHttp' | 'reportsDir' | 'sendAnyway' | 'maxRequests' | 'timeout' | 'har' | 'html' | 'junit' | 'bundle' | 'offline' | 'json'> {
  file?: string;
}

const KEY_HEADERS = new Set(['x-api-key', 'x-rapidapi-key']);

const isRedacted = (value: unknown) => typeof value === 'string' && value.includes('[REDACTED');

/** A copy without the values redaction replaced (they would be sent as the text "[REDACTED…]"); their names. */
function withoutRedacted(value: unknown, path: string, dropped: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => withoutRedacted(v, `${path}[${i}]`, dropped));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const at = path ? `${path}.${name}` : name;
    if (isRedacted(v) || (Array.isArray(v) && v.some(isRedacted))) dropped.push(at);
    else out[name] = withoutRedacted(v, at, dropped);
  }
  return out;
}

/** The request headers worth sending again: no credential (masked in the report anyway), nothing redacted. */
function replayHeaders(headers: Record<string, string>, dropped: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!(isSensitiveHeader(name) || isRedacted(value) || isRedacted(name))) out[name] = value;
    // The key header is expected to go: the key comes from the usual sources. Any other credential is worth a note.
    else if (!KEY_HEADERS.has(name.toLowerCase())) dropped.push(`header ${name}`);
  }
  return out;
}

function savedBaseUrl(report: Report, override: string | undefined): string | undefined {
  if (override) return undefined;
  if (isRedacted(report.request.baseUrl)) {
    throw new UsageError('the saved base URL held a credential (now redacted): give the base URL with --base-url');
  }
  return report.request.baseUrl;
}

/** The saved report's request as a spec, through the library's request builder; the key from the usual sources. */
export async function specFromReport(report: Report, args: ReplayArgs, dropped: string[]): Promise<RequestSpec> {
  const r = report.request;
  const query = withoutRedacted(r.query, 'query', dropped) as Record<string, unknown>;
  const path = withoutRedacted(r.path, 'path', dropped) as Record<string, unknown>;
  const body = r.body === null || r.body === undefined ? undefined : withoutRedacted(r.body, 'body', dropped);
  const saved = savedBaseUrl(report, args.baseUrl);
  const key = await readKey(args);
  registerSecrets([key.key]);
  // The saved base URL is a host the report chose, not the user: the builder's destination rule judges it.
  const spec = buildSpec({
    // The file as the user typed it (its directory included), so a message naming it points at the right one.
    origin: `replay: ${args.file ?? 'report'}`, endpoint: r.operationId,
    payload: { value: { query, path, ...(body !== undefined ? { body } : {}) }, source: 'the saved report' },
    ...(args.baseUrl ? { baseUrl: args.baseUrl } : {}), ...(saved ? { savedBaseUrl: saved, hostFrom: 'the saved report' } : {}),
    rapidapi: r.mode === 'rapidapi', inputHeaders: replayHeaders(r.headers, dropped), key,
    send: !args.offline, allowHttp: Boolean(args.allowHttp),
  });
  // The method as it was sent (a curl -X POST on a GET path is replayed as such, and judged the same way).
  if (r.method && r.method !== spec.operation.method) Object.assign(spec, { method: r.method, methodFrom: 'the saved report' });
  return spec;
}

/** The base URL a request went to, its path prefix (/v1.1) included, as check shows it in the full URL. */
export function sentTo(report: Report): string {
  const { url, baseUrl } = report.request;
  if (baseUrl && url.startsWith(baseUrl)) return baseUrl.replace(/\/+$/, '');
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return baseUrl;
  }
}

export async function run(args: ReplayArgs): Promise<number> {
  if (!args.file) throw new UsageError('give the saved JSON report to replay: replay REPORT.json');
  const checkArgs: CheckArgs = { ...args, reportsDir: args.reportsDir ?? DEFAULT_REPORTS_DIR, timeout: args.timeout ?? DEFAULT_TIMEOUT_MS };
  checkUsage(checkArgs);
  const saved = await loadReport(args.file);
  const dropped: string[] = [];
  const spec = await specFromReport(saved, args, dropped);
  if (dropped.length) printError(`mashvisor-preflight: note: not re-sent (redacted in the saved report): ${dropped.map((d) => printable(d, 60)).join(', ')}`);
  const { report, saving } = await checkOnce(spec, checkArgs);
  const written = await saving;
  const diff = compareReports(saved, report);
  if (args.json) {
    print(JSON.stringify({ report, diff, paths: written.paths }, null, 2));
  } else {
    if (written.fallback) print(written.fallback);
    // The operation rather than the full URL (which is in the report): a URL does not fold into 80 columns.
    const what = `${report.request.method} ${report.request.endpoint} (${report.request.operationId})\n${report.requestsSent ? 'Sent to' : 'Not sent (base URL)'} ${sentTo(report)}`;
    const { terminalWidth, wrapText } = await import('../text.js');
    print(wrapText(`Replay of ${printable(args.file, 160)}\n${what}`, undefined, '  '));
    print(`${await renderDiff(diff)}\n${wrapText(verdictLine(report, terminalWidth()), undefined, '  ')}`);
    const paths = Object.values(written.paths);
    // One path a line: two long paths on one line would not fit 80 columns.
    if (paths.length) print(wrapText(['Reports:', ...paths.map((p) => `  ${p}`)].join('\n'), undefined, '    '));
  }
  await ciOutputs(report, written.paths);
  return report.exitCode;
}
