// What every command that sends a request shares (check, its --watch, replay): the arguments, their usage rules,
// the options handed to the pipeline (src/preflight.ts), the saving through the output boundary, and the CI
// outputs. No command imports another for these: each calls the pipeline itself.
import { isTerminal } from './tty.js';
import { UsageError } from '../shared/errors.js';
import { refuseUnreplaceable } from '../shared/files.js';
import { printError, runRedactor, scrubFile } from './output.js';
import { runPreflight, type PreflightOptions } from '../preflight.js';
import { parseHeaderFlags } from '../request/credentials.js';
import { backslashProblem } from '../catalog/resolve.js';
import { parseIntendedRate } from '../checks/ratelimit.js';
import { saveReport, type Saved, type SavedPaths, type SaveIo, type SaveTarget } from '../report/save.js';
import type { Report, RequestSpec } from '../types.js';
import type { InputArgs } from './commands/inputs.js';

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
  // A budget of 0 checks nothing, and a pass that checked nothing would read as "the request works".
  if (args.maxRequests === 0 && !args.offline) throw new UsageError('--max-requests 0 would send nothing, so nothing would be checked: use --offline to check without sending');
  const t = args.timeout;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_MS)) {
    throw new UsageError(`--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  if (args.rate !== undefined && parseIntendedRate(args.rate) === null) {
    throw new UsageError(`--rate ${JSON.stringify(args.rate)} must look like 5/s or 100/min`);
  }
  if (args.baseUrl !== undefined && !isHttpUrl(args.baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got ${JSON.stringify(args.baseUrl)}`);
  // As for an endpoint URL: curl and Node would name different hosts, so the report could not say where it went.
  const ambiguous = args.baseUrl === undefined ? null : backslashProblem(args.baseUrl);
  if (ambiguous) throw new UsageError(`--base-url: ${ambiguous}`);
  if (args.baseUrl !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(args.baseUrl)) {
    // axios would send it as Basic credentials, which the API does not read and the report would not show.
    throw new UsageError('--base-url must not hold a user name or password: the API takes its key in the x-api-key header (--key, --key-file or MASHVISOR_API_KEY)');
  }
  if (args.baseUrl !== undefined && /[?#]/.test(args.baseUrl)) {
    throw new UsageError('--base-url must be the API root without a query or fragment (such as https://api.mashvisor.com/v1.1): parameters go in --param');
  }
  // Said before anything is sent: onto a device, FIFO, link or directory it would only fail after the billed call.
  refuseUnreplaceable(args.junit, '--junit');
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
    void import('./progress.js').then((progress) => {
      if (!ended) stop = progress.waitingFor(request);
    });
    return () => {
      ended = true;
      stop?.();
    };
  };
}

/** The output boundary's side of saving: every byte scrubbed, warnings on stderr. */
export const SAVE_IO: SaveIo = { scrub: scrubFile, warn: printError };

/** Saves a report through the output boundary. */
export function save(report: Report, target: SaveTarget, durationMs: number): Promise<Saved> {
  return saveReport(report, target, durationMs, SAVE_IO);
}

/** One check through the pipeline: the request, then its report saved (awaited by the caller). */
export async function checkOnce(spec: RequestSpec, args: CheckArgs, extraHeaders: Record<string, string> = {}): Promise<{ report: Report; saving: Promise<Saved> }> {
  const started = performance.now();
  const report = await runPreflight(spec, preflightOptions(args, extraHeaders));
  // One rule for every input: --offline sends nothing and writes nothing (no report, no history line).
  if (args.offline) return { report, saving: Promise.resolve({ paths: {}, fallback: null, unsaved: null }) };
  return { report, saving: save(report, args, Math.round(performance.now() - started)) };
}

/** On GitHub Actions: the job summary and, for a failed check, one annotation. Nothing elsewhere. */
export async function ciOutputs(report: Report, paths: SavedPaths): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY && process.env.GITHUB_ACTIONS !== 'true') return;
  const { reportToCi } = await import('./commands/ci.js');
  await reportToCi(report, paths);
}
