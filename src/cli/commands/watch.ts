// `check --watch`: the same one-request check, again after each verdict the user cannot fix, until it passes or
// the budget ends. Every attempt goes through runPreflight (the key and destination rules, the one output
// boundary) with a budget of one request; every attempt is a history line; the first failure and the final
// attempt get full reports, and the final one carries the timeline.
import { basename } from 'node:path';
import { isTerminal } from '../tty.js';
import { clearStatus, print, printError, scrubFile, showStatus } from '../output.js';
import { runPreflight } from '../../preflight.js';
import { headline } from '../../report/json.js';
import { durationText } from '../../checks/ratelimit.js';
import { run as runCheck } from './check.js';
import { ciOutputs, preflightOptions, type CheckArgs } from '../live.js';
import { renderChecks, verdictLine } from '../report-view.js';
import { formatsFor } from '../../report/save.js';
import { attemptLabel, attemptOf, clockTime, timelineSummary, watchLimits, watchLoop, type WatchLimits, type WatchResult } from '../watch.js';
import type { Report, ReportFormat, RequestSpec, WatchTimeline } from '../../types.js';

type Paths = Partial<Record<ReportFormat, string>>;

/** Ctrl-C: the first one ends the watch (at once during a wait, after the request in flight); a second one ends the process. */
function interruption() {
  let requested = false;
  let wake: (() => void) | null = null;
  const onSigint = (): void => {
    requested = true;
    // With no listener left, Node's own handling of a second Ctrl-C ends the process at once.
    process.removeListener('SIGINT', onSigint);
    if (wake) wake();
    else printError('mashvisor-preflight: stopping after the request in flight (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  return {
    get requested() {
      return requested;
    },
    /** Resolves true after `ms`, false at once when Ctrl-C cuts the wait short. `tick` redraws a countdown. */
    sleep(ms: number, tick?: (leftMs: number) => void): Promise<boolean> {
      if (requested) return Promise.resolve(false);
      const until = performance.now() + ms;
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(true), ms);
        const ticker = tick ? setInterval(() => tick(until - performance.now()), 1000) : null;
        tick?.(ms);
        function done(full: boolean): void {
          clearTimeout(timer);
          if (ticker) clearInterval(ticker);
          wake = null;
          resolve(full);
        }
        wake = () => done(false);
      });
    },
    dispose(): void {
      process.removeListener('SIGINT', onSigint);
    },
  };
}

let historyFailed = false;

/** One history line per attempt, written at once: a watch stopped any way loses none. */
async function recordAttempt(report: Report, args: CheckArgs, durationMs: number): Promise<void> {
  const { appendHistory } = await import('../../report/history.js');
  try {
    await appendHistory(args.reportsDir, {
      time: report.createdAt, endpoint: report.request.endpoint, operationId: report.request.operationId,
      status: report.response?.status ?? null, verdict: report.verdict, durationMs, requestsSent: report.requestsSent,
      headline: headline(report),
    }, scrubFile);
  } catch (err) {
    if (historyFailed) return;
    historyFailed = true;
    printError(`mashvisor-preflight: history not recorded: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The report's files; when the directory cannot be written, one line says so and the Markdown is handed back. */
async function writeFiles(report: Report, args: CheckArgs, formats: ReportFormat[]): Promise<{ paths: Paths; fallback: string | null }> {
  const { writeReportFiles } = await import('../../report/files.js');
  try {
    const junitPath = formats.includes('junit') && args.junit ? { junitPath: args.junit } : {};
    return { paths: await writeReportFiles(report, args.reportsDir, formats, { scrub: scrubFile, ...junitPath }), fallback: null };
  } catch (err) {
    const { renderMarkdown } = await import('../../report/markdown.js');
    printError(`mashvisor-preflight: ${(err as Error).message.split('\n')[0]}`);
    return { paths: {}, fallback: renderMarkdown(report) };
  }
}

function attemptText(report: Report, index: number, limits: WatchLimits): string {
  const a = attemptOf(report);
  return `attempt ${index + 1}/${limits.maxRequests} at ${clockTime(a.time)} UTC: ${attemptLabel(a)} ${a.verdict}`;
}

/** `check --watch` (main.ts and yargs.ts send it here): the check's own reading of its input, then the watch. */
export function run(args: CheckArgs): Promise<number> {
  return runCheck(args, (spec, checkArgs) => runWatch(spec, checkArgs));
}

export async function runWatch(spec: RequestSpec, args: CheckArgs, extraHeaders: Record<string, string> = {}): Promise<number> {
  const limits = watchLimits(args);
  // On a terminal one status line is redrawn; elsewhere (a pipe, a log, --json) each attempt is one line on stderr.
  const live = !args.json && isTerminal(2);
  const interrupt = interruption();
  const durations: number[] = [];
  let first: { paths: Paths; fallback: string | null } | null = null;
  // The status line of the wait in progress (on a terminal), redrawn each second with the time left.
  let waiting = '';
  // The attempt whose line stderr already shows: Ctrl-C during its wait must not print it a second time.
  let shown = -1;
  const countdown = live ? (leftMs: number) => showStatus(`${waiting} — next try in ${durationText(Math.max(0, Math.ceil(leftMs / 1000)))} · Ctrl-C stops`) : undefined;
  try {
    const result = await watchLoop(limits, {
      attempt: async () => {
        const started = performance.now();
        const report = await runPreflight(spec, { ...preflightOptions({ ...args, probe: undefined }, extraHeaders), maxRequests: 1 });
        durations.push(Math.round(performance.now() - started));
        return report;
      },
      sleep: (ms) => interrupt.sleep(ms, countdown),
      now: () => performance.now(),
      interrupted: () => interrupt.requested,
      settled: async (report, index, next) => {
        await recordAttempt(report, args, durations[index]!);
        if (!('waitMs' in next)) return;
        // The first failure's own report, written now: the recovery report names it.
        if (index === 0) first = await writeFiles(report, args, formatsFor(args).filter((f) => f !== 'junit'));
        // Short enough for the countdown to fit 80 columns; the pipe's line below says when and why.
        waiting = `attempt ${index + 1}/${limits.maxRequests}: ${attemptLabel(attemptOf(report))} ${report.verdict}`;
        shown = index;
        if (!live) printError(`${attemptText(report, index, limits)} — next try in ${durationText(Math.round(next.waitMs / 1000))} (${next.why})`);
        // printError wraps to the terminal's width (or $COLUMNS) only: captured in a log, the message stays one line.
        if (index === 0) {
          printError(`mashvisor-preflight: --watch: trying again until the verdict changes, at most ${limits.maxRequests - 1} more request${limits.maxRequests === 2 ? '' : 's'} ` +
            `within ${durationText(Math.round(limits.timeoutMs / 1000))}; each may be billed. Ctrl-C stops.`);
        }
      },
    });
    clearStatus();
    if (!live && shown !== result.reports.length - 1) printError(attemptText(result.reports.at(-1)!, result.reports.length - 1, limits));
    return await finish(result, limits, args, durations, first);
  } finally {
    interrupt.dispose();
    clearStatus();
  }
}

/** The final report (with the timeline), its files, and what the terminal shows; the exit code is the last verdict's. */
async function finish(result: WatchResult, limits: WatchLimits, args: CheckArgs, durations: number[], first: { paths: Paths; fallback: string | null } | null): Promise<number> {
  const { reports, outcome, requests } = result;
  const last = reports.at(-1)!;
  const watch: WatchTimeline = {
    attempts: reports.map((r, i) => attemptOf(r, durations[i])),
    outcome,
    summary: timelineSummary(reports.map((r) => attemptOf(r)), outcome, limits, requests),
    ...(reports.length > 1 && first?.paths.json ? { firstFailureReport: basename(first.paths.json) } : {}),
  };
  // The verdict line and the job summary count what the whole watch sent, not its last attempt.
  const report: Report = { ...last, requestsSent: requests, watch };
  // A watch stopped right after its first attempt already wrote that attempt's report.
  const saved = reports.length === 1 && first ? first : await writeFiles(report, args, formatsFor(args));
  // The first failure's files, when a later attempt's report was written too: the table lists both sets.
  const firstFiles = reports.length > 1 && first && Object.keys(first.paths).length ? first.paths : null;
  if (args.json) {
    print(JSON.stringify({ ...report, files: saved.paths, ...(firstFiles ? { firstFailureFiles: firstFiles } : {}) }, null, 2));
  } else if (args.format === 'md' || saved.fallback) {
    const { renderMarkdown } = await import('../../report/markdown.js');
    print(renderMarkdown(report));
  } else {
    const { terminalWidth, wrapText } = await import('../text.js');
    const width = Math.min(terminalWidth(), 80);
    print(`${wrapText(`${report.request.method} ${report.request.url}`, undefined, '  ')}\n${await renderChecks(report)}\n${wrapText(verdictLine(report, terminalWidth()), undefined, '  ')}`);
    print(wrapText(`Timeline (UTC): ${watch.summary}`, width, '  '));
    const paths = [...Object.values(firstFiles ?? {}), ...Object.values(saved.paths)];
    if (paths.length) print(wrapText(['Reports:', ...[...new Set(paths)].map((p) => `  ${p}`)].join('\n'), undefined, '    '));
  }
  await ciOutputs(report, saved.paths);
  return last.exitCode;
}
