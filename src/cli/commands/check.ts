import { UsageError } from '../../shared/errors.js';
import { print, registerSecrets } from '../output.js';
import { isShownPlaceholder } from '../../shared/placeholder.js';
import { runPreflight } from '../../preflight.js';
import { parseHeaderFlags, readKey } from '../../request/credentials.js';
import { urlSecrets } from '../../shared/secrets.js';
import { checkOnce, checkUsage, ciOutputs, preflightOptions, save, type CheckArgs } from '../live.js';
import { renderChecks, verdictLine } from '../report-view.js';
import type { RequestSpec } from '../../types.js';
import type { InputContext, Row } from './inputs.js';

// `check`: the loop and the table. Its inputs (flags, curl, HAR, a collection) become requests through the request
// builder (src/request/), each goes through the pipeline (src/preflight.ts, via live.ts), and the reports are saved
// (src/report/save.ts) and shown (report-view.ts).

export type { CheckArgs } from '../live.js';

/** How one live request is checked: once (runOne), or again and again under --watch (watch.ts passes its own). */
export type LiveOne = (spec: RequestSpec, args: CheckArgs) => Promise<number>;

export async function run(args: CheckArgs, live: LiveOne = runOne): Promise<number> {
  // Known before any message can quote them (a usage error about --base-url).
  // A placeholder (YOUR_API_KEY) is no secret: messages show it as written.
  registerSecrets([isShownPlaceholder(args.key) ? undefined : args.key, ...urlSecrets(args.baseUrl)]);
  checkUsage(args);
  if (args.watch || args.every !== undefined || args.watchTimeout !== undefined) (await import('../watch.js')).watchLimits(args);
  const key = await readKey(args);
  if (!isShownPlaceholder(key.key)) registerSecrets([key.key]);
  const context: InputContext = { key, extraHeaders: parseHeaderFlags(args.header) };
  const inputs = await import('./inputs.js');
  const plan = await inputs.planFromInput(args, context);
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
    const started = performance.now();
    // The same options as a single check (-H, --rate, --probe), within what is left of the budget.
    const report = await runPreflight(row.spec, { ...preflightOptions(args), maxRequests: Math.min(1 + (args.probe ?? 0), budget) });
    budget -= report.requestsSent;
    if (report.requestsSent > 0) hosts.add(new URL(report.request.url).host);
    const saved = await save(report, args, Math.round(performance.now() - started));
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
