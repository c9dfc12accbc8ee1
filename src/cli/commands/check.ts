import { nowMs } from '../../shared/clock.js';
import { collectYoungGarbage } from '../../shared/gc.js';
import { promises as fsp } from 'node:fs';
import { UsageError } from '../../shared/errors.js';
import { paint, print, printError, registerKeyParams, registerSecret, useColor } from '../output.js';
import { describeFsError, isPlainObject } from '../../request/params.js';
import { isSensitiveHeader } from '../../shared/redact.js';
import { runPreflight, type PreflightOptions } from '../../preflight.js';
import { DIRECT_BASE_URL, RAPIDAPI_BASE_URL } from '../../catalog/resolve.js';
import { resolveRequest } from '../../request/spec.js';
import { parseIntendedRate } from '../../checks/ratelimit.js';
import { VERDICT_TEXT } from '../../checks/verdict.js';
import { CHECK_SYMBOLS } from '../../report/json.js';
import type { KeySource, Mode, Report, ReportFormat, RequestSpec } from '../../types.js';

export interface CheckArgs {
  endpoint?: string;
  param?: string[];
  payload?: string;
  json?: boolean;
  key?: string;
  keyFile?: string;
  baseUrl?: string;
  rapidapi?: boolean;
  header?: string[];
  reportsDir: string;
  sendAnyway?: boolean;
  maxRequests?: number;
  timeout: number;
  rate?: string;
  probe?: number;
  format?: string;
  har?: boolean;
  html?: boolean;
  junit?: string;
  bundle?: boolean;
  fromCurl?: string;
  fromHar?: string;
  entry?: number;
  collection?: string;
  envFile?: string;
  var?: string[];
  offline?: boolean;
}

/** The key from --key, --key-file or MASHVISOR_API_KEY, and where it came from. Registered for redaction at once. */
export async function readKey(args: Pick<CheckArgs, 'key' | 'keyFile'>): Promise<{ key?: string; keySource?: KeySource }> {
  let found: { key?: string; keySource?: KeySource } = {};
  if (args.key !== undefined) found = { key: args.key, keySource: 'flag' };
  else if (args.keyFile) {
    try {
      // A key file ends with a newline by convention; anything else around the key is reported by the auth check.
      found = { key: (await fsp.readFile(args.keyFile, 'utf8')).replace(/\r?\n$/, ''), keySource: 'file' };
    } catch (err) {
      throw new UsageError(`cannot read key file ${args.keyFile}: ${describeFsError(err)}`);
    }
  } else if (process.env.MASHVISOR_API_KEY) found = { key: process.env.MASHVISOR_API_KEY, keySource: 'env' };
  registerSecret(found.key);
  return found;
}

export function parseHeaderFlags(flags: string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const flag of flags) {
    const colon = flag.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header ${JSON.stringify(flag.split(':')[0])} must look like "Name: value"`);
    headers[flag.slice(0, colon).trim()] = flag.slice(colon + 1).trim();
  }
  return headers;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function checkUsage(args: CheckArgs): void {
  for (const [name, value] of [['timeout', args.timeout], ['max-requests', args.maxRequests], ['probe', args.probe]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new UsageError(`--${name} must be a whole number ≥ 0`);
  }
  if (args.timeout === 0) throw new UsageError('--timeout must be at least 1 ms');
  if (args.rate !== undefined && parseIntendedRate(args.rate) === null) {
    throw new UsageError(`--rate ${JSON.stringify(args.rate)} must look like 5/s or 100/min`);
  }
  if (args.baseUrl !== undefined && !isHttpUrl(args.baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got ${JSON.stringify(args.baseUrl)}`);
}

export function formatsFor(args: Pick<CheckArgs, 'har' | 'html' | 'junit' | 'bundle'>): ReportFormat[] {
  const formats: ReportFormat[] = ['json', 'md'];
  if (args.har || args.bundle) formats.push('har');
  if (args.html || args.bundle) formats.push('html');
  if (args.junit || args.bundle) formats.push('junit');
  return formats;
}

function modeOf(args: CheckArgs, hinted?: Mode): Mode {
  if (args.rapidapi) return 'rapidapi';
  if (args.baseUrl && /rapidapi\.com/i.test(args.baseUrl)) return 'rapidapi';
  return hinted ?? 'direct';
}

async function specFromFlags(args: CheckArgs): Promise<RequestSpec> {
  if (!args.endpoint) throw new UsageError('name an endpoint (e.g. getRentalRates), or use --from-curl, --from-har or --collection');
  const { resolved, params } = await resolveRequest({ endpoint: args.endpoint, param: args.param, payload: args.payload });
  registerKeyParams(params.query);
  if (isPlainObject(params.body)) registerKeyParams(params.body);
  const urlMode = resolved.baseUrl ? resolved.mode : undefined;
  const mode = modeOf(args, urlMode);
  const baseUrl = args.baseUrl ?? resolved.baseUrl ?? (mode === 'rapidapi' ? RAPIDAPI_BASE_URL : DIRECT_BASE_URL);
  return { operation: resolved.operation, params, mode, baseUrl, origin: 'flags', ...(await readKey(args)), ...keyFromHeaderFlags(args) };
}

/** No --key, --key-file or MASHVISOR_API_KEY, but -H "x-api-key: ..." (or x-rapidapi-key): that is the key. */
function keyFromHeaderFlags(args: CheckArgs): { key?: string; keySource?: KeySource } {
  if (args.key !== undefined || args.keyFile || process.env.MASHVISOR_API_KEY) return {};
  const headers = parseHeaderFlags(args.header);
  const found = Object.entries(headers).find(([name]) => /^(x-api-key|x-rapidapi-key)$/i.test(name));
  if (!found) return {};
  registerSecret(found[1]);
  return { key: found[1], keySource: 'flag' };
}

const TONE = { pass: 'green', warn: 'yellow', fail: 'red', skip: 'grey' } as const;

/** The doctor-style table: Check | Result | Details / advice. */
export async function renderChecks(report: Report): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const color = useColor();
  const width = Math.max(80, Math.min(process.stdout.columns || 110, 140));
  const table = new Table({ head: ['Check', 'Result', 'Details / advice'], style: { head: [], border: [] }, wordWrap: true, colWidths: [22, 9, width - 36] });
  for (const c of report.checks) {
    const details = c.advice ? `${c.message}\n→ ${c.advice}` : c.message;
    table.push([c.title, paint(TONE[c.status], `${CHECK_SYMBOLS[c.status]} ${c.status}`, color), details]);
  }
  return table.toString();
}

export function verdictLine(report: Report): string {
  const tone = report.verdict === 'pass' ? 'green' : report.verdict === 'client-error' ? 'yellow' : 'red';
  // A pass without a request only says the checks before the call found nothing.
  const text = report.verdict === 'pass' && report.requestsSent === 0 ? 'pass — nothing wrong before the call, but no request was sent' : VERDICT_TEXT[report.verdict];
  const sent = `${report.requestsSent} request${report.requestsSent === 1 ? '' : 's'} sent`;
  return `${paint(tone, `Verdict: ${text}`)} (exit ${report.exitCode}, ${sent})`;
}

/** Writes the report files and the history line; when the directory cannot be written, nothing is lost: Markdown goes to stdout. */
export async function saveReport(report: Report, args: Pick<CheckArgs, 'reportsDir' | 'junit' | 'har' | 'html' | 'bundle'>, durationMs: number): Promise<{ paths: Partial<Record<ReportFormat, string>>; fallback: string | null }> {
  const { writeReportFiles } = await import('../../report/files.js');
  const { appendHistory } = await import('../../report/history.js');
  try {
    const paths = await writeReportFiles(report, args.reportsDir, formatsFor(args), args.junit ? { junitPath: args.junit } : {});
    await appendHistory(args.reportsDir, {
      time: report.createdAt, endpoint: report.request.endpoint, operationId: report.request.operationId,
      status: report.response?.status ?? null, verdict: report.verdict, durationMs, requestsSent: report.requestsSent,
    });
    return { paths, fallback: null };
  } catch (err) {
    const { renderMarkdown } = await import('../../report/markdown.js');
    printError(`mashvisor-preflight: ${(err as Error).message.split('\n')[0]} — the Markdown report follows on stdout`);
    return { paths: {}, fallback: renderMarkdown(report) };
  }
}

export async function run(args: CheckArgs): Promise<number> {
  checkUsage(args);
  const { specsFromInput } = await import('./inputs.js');
  const fromInput = await specsFromInput(args);
  if (fromInput !== null) return fromInput;
  const spec = await specFromFlags(args);
  return runOne(spec, args);
}

/** Renders a throw-away table so that cli-table3's code is compiled before the real one is needed. */
async function warmTable(): Promise<void> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['a', 'b', 'c'], style: { head: [], border: [] }, wordWrap: true, colWidths: [10, 8, 30] });
  table.push(['Response code', '✔ pass', 'HTTP 200: success\n→ a line long enough to wrap across the cell width']);
  table.toString();
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) fn();
    done = true;
  };
}

export async function runOne(spec: RequestSpec, args: CheckArgs, extraHeaders: Record<string, string> = {}): Promise<number> {
  const { report, saving } = await checkOnce(spec, args, extraHeaders);
  // The table is drawn while the files are flushed to disk: one turn of the event loop first, so that the writes
  // are already waiting on the disk when the drawing takes the thread.
  const table = args.json || args.format === 'md' ? null : new Promise(setImmediate).then(() => renderChecks(report));
  const saved = await saving;
  if (args.json) {
    print(JSON.stringify(report, null, 2));
  } else if (!table || saved.fallback) {
    const { renderMarkdown } = await import('../../report/markdown.js');
    print(saved.fallback ?? renderMarkdown(report));
  } else {
    print(`${report.request.method} ${report.request.url}\n${await table}\n${verdictLine(report)}`);
    const paths = Object.values(saved.paths);
    if (paths.length) print(`Reports: ${paths.join(', ')}`);
  }
  await ciOutputs(report, saved.paths);
  return report.exitCode;
}

/** On GitHub Actions: the job summary and, for a failed check, one annotation. Nothing elsewhere. */
export async function ciOutputs(report: Report, paths: Partial<Record<ReportFormat, string>>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY && process.env.GITHUB_ACTIONS !== 'true') return;
  const { reportToCi } = await import('./ci.js');
  await reportToCi(report, paths);
}

/** The pipeline of one check, shared with `replay`: the request, then its report saved (awaited by the caller). */
export async function checkOnce(spec: RequestSpec, args: CheckArgs, extraHeaders: Record<string, string> = {}): Promise<{ report: Report; saving: ReturnType<typeof saveReport> }> {
  const started = nowMs();
  const headers = { ...extraHeaders, ...parseHeaderFlags(args.header) };
  // A key given as -H "x-api-key: ..." is as secret as one given with --key.
  for (const [name, value] of Object.entries(headers)) if (isSensitiveHeader(name)) registerSecret(value);
  const options: PreflightOptions = {
    timeoutMs: args.timeout, maxRequests: args.offline ? 0 : args.maxRequests, sendAnyway: args.sendAnyway, rate: args.rate, probe: args.probe,
    headers,
    onNotice: (message) => printError(`mashvisor-preflight: ${message}`),
    onDiscarded: collectYoungGarbage,
    // While the server works on the request, load (and warm up) what turns its answer into files and a table.
    // The reports directory is created meanwhile too.
    onSent: once(() => void Promise.all([
      import('../../report/files.js').then((files) => files.prepareReportsDir(args.reportsDir)),
      import('../../report/history.js'),
      args.json ? null : warmTable(),
    ])),
  };
  const report = await runPreflight(spec, options);
  return { report, saving: saveReport(report, args, Math.round(nowMs() - started)) };
}
