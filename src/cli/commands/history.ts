import { print } from '../output.js';
import { readHistory, statusKey, type History, type HistoryEntry } from '../../report/history.js';
import { UsageError } from '../../shared/errors.js';
import { describeFsError } from '../../request/params.js';

export async function run(args: { reportsDir: string; limit: number; json?: boolean }): Promise<number> {
  if (!Number.isInteger(args.limit) || args.limit < 1) throw new UsageError('--limit must be a whole number ≥ 1');
  let history;
  try {
    history = await readHistory(args.reportsDir, args.limit);
  } catch (err) {
    throw new UsageError(`cannot read the history in ${args.reportsDir}: ${describeFsError(err)}`);
  }
  print(args.json ? JSON.stringify(history, null, 2) : await renderHistoryTable(history));
  return 0;
}

/** "2026-11-26T10:00:01.000Z" → "2026-11-26 10:00:01": a narrow column then breaks it between date and time. */
function tableTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** The headline of a run that did not pass goes under its verdict, so the row says why without a wider table. */
function verdictCell(e: HistoryEntry): string {
  if (!e.headline || e.verdict === 'pass') return e.verdict;
  return `${e.verdict}\n${e.headline.length > 40 ? `${e.headline.slice(0, 39)}…` : e.headline}`;
}

/** Two plain tables (recent runs, then runs per endpoint), drawn to fit the terminal. */
export async function renderHistoryTable(history: History, width?: number): Promise<string> {
  const { drawTable } = await import('../table.js');
  if (history.entries.length === 0) {
    const note = history.skipped ? ` (${history.skipped} unreadable line${history.skipped === 1 ? '' : 's'} skipped)` : '';
    return `No runs recorded yet${note}.\n`;
  }
  const runs = drawTable(['Time (UTC)', 'Operation', 'Status', 'Verdict', 'Duration', 'Sent'],
    history.entries.map((e) => [tableTime(e.time), e.operationId, statusKey(e.status, e.requestsSent), verdictCell(e), `${e.durationMs} ms`, String(e.requestsSent)]),
    { width, keepWhole: [1, 2, 4, 5], firstWordWhole: [3] });
  const statuses = Object.keys(history.byStatus).sort();
  const perEndpoint = drawTable(['Endpoint', 'Runs', ...statuses],
    Object.entries(history.byEndpoint).sort(([a], [b]) => a.localeCompare(b))
      .map(([endpoint, stats]) => [endpoint, String(stats.runs), ...statuses.map((s) => String(stats.byStatus[s] ?? 0))]),
    { width, keepWhole: [0, ...statuses.map((_, i) => i + 1), statuses.length + 1] });
  // The counts cover the runs listed, not the whole history: say so when older runs were left out.
  const n = history.entries.length;
  const scope = history.older ? `Runs per endpoint, over the last ${n} run${n === 1 ? '' : 's'} (older runs are recorded: raise --limit to count them):`
    : `Runs per endpoint, over all ${n} recorded run${n === 1 ? '' : 's'}:`;
  const { wrapText } = await import('../text.js');
  const parts = [runs, '', wrapText(scope, width), perEndpoint];
  if (history.skipped) parts.push('', `${history.skipped} unreadable line${history.skipped === 1 ? '' : 's'} skipped.`);
  return parts.join('\n') + '\n';
}
