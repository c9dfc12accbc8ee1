import { paint, print, scrubFile, useColor } from '../output.js';
import { readHistory, statusKey, type History, type HistoryEntry } from '../../report/history.js';
import { UsageError } from '../../shared/errors.js';
import { describeFsError } from '../../request/params.js';
import type { Verdict } from '../../types.js';

export async function run(args: { reportsDir: string; limit?: number; json?: boolean; html?: string }): Promise<number> {
  // A picture holds more runs than a table a person reads in the terminal.
  const limit = args.limit ?? (args.html !== undefined ? 500 : 20);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a whole number ≥ 1');
  if (args.html !== undefined && (typeof args.html !== 'string' || args.html === '')) throw new UsageError('--html needs a file name, e.g. --html history.html');
  let history;
  try {
    history = await readHistory(args.reportsDir, limit);
  } catch (err) {
    throw new UsageError(`cannot read the history in ${args.reportsDir}: ${describeFsError(err)}`);
  }
  if (args.html !== undefined) {
    const { writeHistoryPage } = await import('./history-page.js');
    const file = await writeHistoryPage(history, args.reportsDir, args.html, scrubFile);
    print(`History page: ${file} (${history.entries.length} run${history.entries.length === 1 ? '' : 's'}; open it in a browser)`);
    return 0;
  }
  print(args.json ? JSON.stringify(history, null, 2) : await renderHistoryTable(history));
  return 0;
}

// The strip's symbols differ in shape as well as colour, so they read the same under NO_COLOR.
const STRIP: Record<Verdict | 'not-sent', { symbol: string; tone: 'green' | 'yellow' | 'red' | 'grey' }> = {
  pass: { symbol: '✔', tone: 'green' },
  'client-error': { symbol: '!', tone: 'yellow' },
  'server-error': { symbol: '✖', tone: 'red' },
  'network-error': { symbol: '~', tone: 'red' },
  'not-sent': { symbol: '·', tone: 'grey' },
};

function stripKey(e: HistoryEntry): Verdict | 'not-sent' {
  return e.requestsSent === 0 ? 'not-sent' : e.verdict;
}

/**
 * One line per endpoint: its last runs as symbols, oldest to newest, after a legend. Fits `width` (at most 80):
 * a long endpoint name is cut, and only the newest runs that fit are shown.
 */
export function historyStrip(history: History, options: { width?: number; color?: boolean } = {}): string {
  const width = Math.min(options.width ?? 80, 80);
  const color = options.color ?? useColor();
  const byEndpoint = new Map<string, HistoryEntry[]>();
  for (const e of history.entries) byEndpoint.set(e.endpoint, [...(byEndpoint.get(e.endpoint) ?? []), e]);
  if (byEndpoint.size === 0) return '';
  const names = [...byEndpoint.keys()].sort((a, b) => a.localeCompare(b));
  const nameWidth = Math.min(Math.max(...names.map((n) => n.length)), Math.floor(width / 2));
  const room = Math.max(1, width - nameWidth - 4);
  const used = new Set(history.entries.map(stripKey));
  const legend = (Object.keys(STRIP) as Array<keyof typeof STRIP>).filter((k) => used.has(k))
    .map((k) => `${paint(STRIP[k].tone, STRIP[k].symbol, color)} ${k === 'not-sent' ? 'not sent' : k}`).join('  ');
  const lines = [`Last runs per endpoint, oldest to newest: ${legend}`];
  if (lines[0]!.replace(/\u001b\[[0-9;]*m/g, '').length > width) lines.splice(0, 1, 'Last runs per endpoint, oldest to newest:', `  ${legend}`);
  for (const name of names) {
    const shown = name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth);
    const runs = byEndpoint.get(name)!.slice(-room);
    lines.push(`  ${shown}  ${runs.map((e) => paint(STRIP[stripKey(e)].tone, STRIP[stripKey(e)].symbol, color)).join('')}`);
  }
  return lines.join('\n');
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
  const { wrapText, terminalWidth } = await import('../text.js');
  const parts = [runs, '', historyStrip(history, { width: width ?? terminalWidth() }), '', wrapText(scope, width), perEndpoint];
  if (history.skipped) parts.push('', `${history.skipped} unreadable line${history.skipped === 1 ? '' : 's'} skipped.`);
  return parts.join('\n') + '\n';
}
