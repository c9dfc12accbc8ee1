import { nowMs } from '../../shared/clock.js';
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { notRegularReason } from '../../shared/files.js';
import { isTerminal } from '../../shared/lazy-builtins.js';
import { UsageError } from '../../shared/errors.js';
import { cellText, paint, print, printError, registerSecrets, runRedactor, scrubFile, useColor } from '../output.js';
import { describeFsError } from '../../request/params.js';
import { runPreflight, type PreflightOptions } from '../../preflight.js';
import { buildSpec, inputSecrets, type RequestInput } from '../../request/build.js';
import { urlSecrets } from '../../shared/secrets.js';
import { readPayload } from '../../request/spec.js';
import { parseIntendedRate } from '../../checks/ratelimit.js';
import { verdictText } from '../../shared/verdict.js';
import { CHECK_SYMBOLS, headline, headlineCheck } from '../../report/json.js';
import type { KeySource, Report, ReportFormat, RequestSpec } from '../../types.js';
import type { InputArgs, InputContext, Row } from './inputs.js';

/** The check's arguments: the input ones (endpoint, --from-*, --offline...) and the key, sending and report ones. */
export interface CheckArgs extends InputArgs {
  param?: string[];
  payload?: string;
  key?: string;
  keyFile?: string;
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
  /** --watch, --every, --watch-timeout: see watch.ts. */
  watch?: boolean;
  every?: string;
  watchTimeout?: string;
}

/** Far more than any key; a larger file is not a key file (and reading it whole could exhaust memory). */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/** Reads a key file of at most MAX_KEY_FILE_BYTES: its size is checked first, and the read itself is bounded. */
async function readKeyFile(file: string): Promise<string> {
  let handle;
  try {
    // Non-blocking: a FIFO or device would block open() or read() forever; only a regular file is read.
    handle = await fsp.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw new UsageError(`cannot read key file ${file}: ${describeFsError(err)}`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UsageError(`cannot read key file ${file}: it is a directory`);
    if (!info.isFile()) throw new UsageError(`cannot read key file ${file}: ${notRegularReason(info)}`);
    if (info.size > MAX_KEY_FILE_BYTES) throw new UsageError(`key file ${file} is over 64 KiB: not a key file`);
    // A pipe or a device has no size: read one byte past the limit to know.
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, got, buffer.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > MAX_KEY_FILE_BYTES) throw new UsageError(`key file ${file} is over 64 KiB: not a key file`);
    }
    return buffer.subarray(0, got).toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read key file ${file}: ${describeFsError(err)}`);
  } finally {
    await handle.close();
  }
}

/** The key from --key, --key-file or MASHVISOR_API_KEY, and where it came from. Registered for redaction at once. */
export async function readKey(args: Pick<CheckArgs, 'key' | 'keyFile'>): Promise<{ key?: string; keySource?: KeySource }> {
  let found: { key?: string; keySource?: KeySource } = {};
  if (args.key !== undefined) found = { key: args.key, keySource: 'flag' };
  else if (args.keyFile) {
    // A key file ends with a newline by convention; anything else around the key is reported by the auth check.
    found = { key: (await readKeyFile(args.keyFile)).replace(/\r?\n$/, ''), keySource: 'file' };
  } else if (process.env.MASHVISOR_API_KEY) found = { key: process.env.MASHVISOR_API_KEY, keySource: 'env' };
  registerSecrets([found.key]);
  return found;
}

/** An HTTP header name is one token (RFC 9110); anything else would fail only when the request is sent. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * -H "Name: value" flags. A malformed one is a usage error that quotes none of the flag: a header missing its colon
 * ("x-api-key KEY") is most often a key, and the message must not print it.
 */
export function parseHeaderFlags(flags: string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, flag] of flags.entries()) {
    const colon = flag.indexOf(':');
    const which = flags.length > 1 ? `--header #${i + 1}` : '--header';
    if (colon < 0) throw new UsageError(`${which} must look like "Name: value" (no colon found; its text is not shown, as it may hold a key)`);
    // A line break would end the header there and start another one.
    if (/[\r\n]/.test(flag)) throw new UsageError(`${which} must be on one line (it holds a line break)`);
    const name = flag.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) throw new UsageError(`${which}: the header name must be one word of letters, digits and - (as in "x-api-key: ...")`);
    headers[name] = flag.slice(colon + 1).trim();
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

/** The longest delay a Node timer holds; a longer one fires at once (after a warning), so it is refused. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

export function checkUsage(args: CheckArgs): void {
  for (const [name, value] of [['max-requests', args.maxRequests], ['probe', args.probe]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new UsageError(`--${name} must be a whole number ≥ 0`);
  }
  const t = args.timeout;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_MS)) {
    throw new UsageError(`--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (args.rate !== undefined && parseIntendedRate(args.rate) === null) {
    throw new UsageError(`--rate ${JSON.stringify(args.rate)} must look like 5/s or 100/min`);
  }
  if (args.baseUrl !== undefined && !isHttpUrl(args.baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got ${JSON.stringify(args.baseUrl)}`);
  if (args.baseUrl !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(args.baseUrl)) {
    // axios would send it as Basic credentials, which the API does not read and the report would not show.
    throw new UsageError('--base-url must not hold a user name or password: the API takes its key in the x-api-key header (--key, --key-file or MASHVISOR_API_KEY)');
  }
  if (args.baseUrl !== undefined && /[?#]/.test(args.baseUrl)) {
    throw new UsageError('--base-url must be the API root without a query or fragment (such as https://api.mashvisor.com/v1.1): parameters go in --param');
  }
}

export function formatsFor(args: Pick<CheckArgs, 'har' | 'html' | 'junit' | 'bundle'>): ReportFormat[] {
  const formats: ReportFormat[] = ['json', 'md'];
  if (args.har || args.bundle) formats.push('har');
  if (args.html || args.bundle) formats.push('html');
  if (args.junit || args.bundle) formats.push('junit');
  return formats;
}

/** Endpoint + --payload + --param + the rest of the flags → a spec, through the one request builder. */
async function specFromFlags(args: CheckArgs, context: InputContext): Promise<RequestSpec> {
  if (!args.endpoint) throw new UsageError('name an endpoint (e.g. getRentalRates), or use --from-curl, --from-har or --collection');
  const payload = await readPayload(args.payload);
  const input: RequestInput = {
    origin: 'flags', endpoint: args.endpoint, ...(payload ? { payload } : {}), paramFlags: args.param ?? [],
    extraHeaders: context.extraHeaders, key: context.key, baseUrl: args.baseUrl, rapidapi: args.rapidapi,
    send: !args.offline, allowHttp: Boolean(args.allowHttp),
  };
  registerSecrets(inputSecrets(input));
  const spec = buildSpec(input);
  registerSecrets(spec.secrets ?? []);
  return spec;
}

const TONE = { pass: 'green', warn: 'yellow', fail: 'red', skip: 'grey' } as const;

/** The doctor-style table: Check | Result | Details / advice. */
export async function renderChecks(report: Report): Promise<string> {
  const { drawTable } = await import('../table.js');
  const color = useColor();
  const rows = report.checks.map((c) => {
    const details = c.advice ? `${c.message}\n→ ${c.advice}` : c.message;
    return [c.title, paint(TONE[c.status], `${CHECK_SYMBOLS[c.status]} ${c.status}`, color), details];
  });
  return drawTable(['Check', 'Result', 'Details / advice'], rows, { keepWhole: [1] });
}

/** The verdict, then (exit code, requests) on the same line when it fits in `width`, else on the next one. */
export function verdictLine(report: Report, width = Infinity): string {
  const tone = report.verdict === 'pass' ? 'green' : report.verdict === 'client-error' ? 'yellow' : 'red';
  // A pass without a request only says the checks before the call found nothing.
  const text = report.verdict === 'pass' && report.requestsSent === 0 ? 'pass — nothing wrong before the call, but no request was sent' : verdictText(report.verdict, report.response?.status);
  const n = report.requestsSent;
  // A request that got no answer at all (DNS, refused, timeout) may never have reached the server: "sent" alone
  // would read as if it had been answered.
  const sent = n > 0 && !report.response ? `${n} request${n === 1 ? '' : 's'} tried, 0 answered` : `${n} request${n === 1 ? '' : 's'} sent`;
  const verdict = `Verdict: ${text}`;
  const counts = `(exit ${report.exitCode}, ${sent})`;
  const joint = verdict.length + 1 + counts.length <= width ? ' ' : '\n  ';
  const line = `${paint(tone, verdict)}${joint}${counts}`;
  // The row to read first, named by the same rule as the reports' summary; a clean pass needs none.
  const top = headlineCheck(report.checks, report.response?.status);
  if (!top || top.status === 'pass' || top.status === 'skip') return line;
  // One line that fits the terminal: the full text is in the table just above.
  const first = `First: ${headline(report)}`;
  const room = Math.min(width, 80);
  return `${line}\n${first.length > room ? `${first.slice(0, room - 1)}…` : first}`;
}

/** Writes the report files and the history line; when the directory cannot be written, nothing is lost: Markdown goes to stdout. */
export async function saveReport(report: Report, args: Pick<CheckArgs, 'reportsDir' | 'junit' | 'har' | 'html' | 'bundle'>, durationMs: number): Promise<{ paths: Partial<Record<ReportFormat, string>>; fallback: string | null }> {
  const { writeReportFiles } = await import('../../report/files.js');
  const { appendHistory } = await import('../../report/history.js');
  try {
    const paths = await writeReportFiles(report, args.reportsDir, formatsFor(args), { scrub: scrubFile, ...(args.junit ? { junitPath: args.junit } : {}) });
    try {
      await appendHistory(args.reportsDir, {
        time: report.createdAt, endpoint: report.request.endpoint, operationId: report.request.operationId,
        status: report.response?.status ?? null, verdict: report.verdict, durationMs, requestsSent: report.requestsSent,
        headline: headline(report),
      }, scrubFile);
    } catch (err) {
      // The reports are written: a history that cannot be appended to is said in one line, and nothing more.
      const message = err instanceof Error && err.name === 'HistoryWriteError' ? err.message : `history not recorded: ${(err as Error).message}`;
      printError(`mashvisor-preflight: ${message.split('\n')[0]}`);
    }
    return { paths, fallback: null };
  } catch (err) {
    const { renderMarkdown } = await import('../../report/markdown.js');
    printError(`mashvisor-preflight: ${(err as Error).message.split('\n')[0]} — the Markdown report follows on stdout`);
    return { paths: {}, fallback: renderMarkdown(report) };
  }
}

/** How one live request is checked: once (runOne), or again and again under --watch (watch.ts passes its own). */
export type LiveOne = (spec: RequestSpec, args: CheckArgs) => Promise<number>;

export async function run(args: CheckArgs, live: LiveOne = runOne): Promise<number> {
  // Known before any message can quote them (a usage error about --base-url).
  registerSecrets([args.key, ...urlSecrets(args.baseUrl)]);
  checkUsage(args);
  if (args.watch || args.every !== undefined || args.watchTimeout !== undefined) (await import('../watch.js')).watchLimits(args);
  const context: InputContext = { key: await readKey(args), extraHeaders: parseHeaderFlags(args.header) };
  const inputs = await import('./inputs.js');
  const plan = await inputs.planFromInput(args, context);
  if (plan === null) return live(await specFromFlags(args, context), args);
  if (args.watch && (plan.kind !== 'one' || plan.offline)) throw new UsageError('--watch follows one live request: name it (with --from-har, pick it with --entry)');
  if (plan.kind === 'one') return plan.offline ? inputs.printOfflineOne(plan.spec, args) : live(plan.spec, args);
  if (plan.offline) return inputs.printOffline(plan.rows, args, plan.source);
  return liveRows(plan.rows, args);
}

/** Live checks of a collection, one request each, until --max-requests is spent; the rest are listed as not run. */
async function liveRows(rows: Row[], args: CheckArgs): Promise<number> {
  const { printSummary, rowsJson, recordedFindings, outcomeTally } = await import('./inputs.js');
  const findings = new Map<number, string[]>();
  let budget = args.maxRequests ?? 1 + (args.probe ?? 0);
  const results = new Map<number, string>();
  const reports: unknown[] = [];
  const written: string[] = [];
  const hosts = new Set<string>();
  let failed = false;
  for (const row of rows) {
    if (!row.spec) {
      failed = true;
      continue;
    }
    if (budget <= 0 && row.validation!.valid) {
      results.set(row.index, '– not run');
      continue;
    }
    const started = nowMs();
    // The same options as a single check (-H, --rate, --probe), within what is left of the budget.
    const report = await runPreflight(row.spec, { ...preflightOptions(args), maxRequests: Math.min(1 + (args.probe ?? 0), budget) });
    budget -= report.requestsSent;
    if (report.requestsSent > 0) hosts.add(new URL(report.request.url).host);
    const saved = await saveReport(report, args, Math.round(nowMs() - started));
    results.set(row.index, report.verdict === 'pass' ? '✔ pass' : `✖ ${report.verdict}`);
    findings.set(row.index, recordedFindings(report));
    if (report.verdict !== 'pass') failed = true;
    reports.push({ ...report, files: saved.paths });
    written.push(...Object.values(saved.paths));
  }
  if (args.json) print(JSON.stringify({ requests: rowsJson(rows), reports }, null, 2));
  else {
    await printSummary(rows, results, findings, outcomeTally(rows, results));
    if (hosts.size) print(`Sent to: ${[...hosts].join(', ')}`);
    if ([...results.values()].includes('– not run')) print(`Budget spent: raise --max-requests to run more (each may be billed).`);
    const { wrapText } = await import('../text.js');
    if (written.length) print(wrapText(['Reports:', ...written.map((p) => `  ${p}`)].join('\n'), undefined, '    '));
  }
  return failed ? 1 : 0;
}

/** What every live check of this run is sent with: headers, rate, probe, timeout, budget, notices. */
export function preflightOptions(args: CheckArgs, extraHeaders: Record<string, string> = {}): PreflightOptions {
  return {
    timeoutMs: args.timeout, maxRequests: args.offline ? 0 : args.maxRequests, sendAnyway: args.sendAnyway, rate: args.rate, probe: args.probe,
    headers: { ...extraHeaders, ...parseHeaderFlags(args.header) },
    onNotice: (message) => printError(`mashvisor-preflight: ${message}`),
    onWaiting: progressFor(args),
    redactor: runRedactor(),
  };
}

/**
 * On a terminal (and not --json), a line on stderr says what the request waits for; elsewhere nothing, and the
 * progress code is not even loaded. The request is sent first: the line's code loads while it travels.
 */
export function progressFor(args: Pick<CheckArgs, 'json'>): PreflightOptions['onWaiting'] {
  if (args.json || !isTerminal(2)) return undefined;
  return (request) => {
    let stop: (() => void) | null = null;
    let ended = false;
    void import('../progress.js').then((progress) => {
      if (!ended) stop = progress.waitingFor(request);
    });
    return () => {
      ended = true;
      stop?.();
    };
  };
}

export async function runOne(spec: RequestSpec, args: CheckArgs, extraHeaders: Record<string, string> = {}): Promise<number> {
  const { report, saving } = await checkOnce(spec, args, extraHeaders);
  const saved = await saving;
  if (args.json) {
    // The files written are part of the answer: a script needs their paths as much as a person does.
    print(JSON.stringify({ ...report, files: saved.paths }, null, 2));
  } else if (args.format === 'md' || saved.fallback) {
    const { renderMarkdown } = await import('../../report/markdown.js');
    print(saved.fallback ?? renderMarkdown(report));
  } else {
    const { terminalWidth, wrapText } = await import('../text.js');
    print(`${wrapText(`${report.request.method} ${report.request.url}`, undefined, '  ')}\n${await renderChecks(report)}\n${wrapText(verdictLine(report, terminalWidth()), undefined, '  ')}`);
    const paths = Object.values(saved.paths);
    if (paths.length) print(wrapText(['Reports:', ...paths.map((p) => `  ${p}`)].join('\n'), undefined, '    '));
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
  const report = await runPreflight(spec, preflightOptions(args, extraHeaders));
  // One rule for every input: --offline sends nothing and writes nothing (no report, no history line).
  if (args.offline) return { report, saving: Promise.resolve({ paths: {}, fallback: null }) };
  return { report, saving: saveReport(report, args, Math.round(nowMs() - started)) };
}
