import { UsageError } from '../../shared/errors.js';
import { paint, print, printError, registerSecrets, useColor } from '../output.js';
import { compareReports, type ReportDiff } from '../../report/diff.js';
import { loadReport } from './report.js';
import { escapeControls } from '../../shared/terminal.js';

// diff OLD.json NEW.json: what changed between two saved reports (the comparison `replay` prints after its call).

/** Server text shown on a terminal: control characters escaped (shared/terminal.ts), one line, bounded. */
export function printable(text: string, max = 200): string {
  const safe = escapeControls(text.replace(/\r?\n|\t/g, ' '));
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/** The comparison as a three-column table that fits the terminal; changed rows are marked with '*'. */
export async function renderDiff(diff: ReportDiff): Promise<string> {
  const { drawTable, wrapText } = await import('../table.js');
  const color = useColor();
  const rows = diff.changes.map((c) => [
    `${c.changed ? '* ' : '  '}${c.label}`, printable(c.before), c.changed ? paint('yellow', printable(c.after), color) : printable(c.after),
  ]);
  const lines = [drawTable(['', 'Before', 'After'], rows), wrapText(printable(diff.headline, 400))];
  if (!diff.sameRequest) lines.push(wrapText('note: the two reports are of different requests; the comparison may mean little'));
  return lines.join('\n');
}

/** The comparison as JSON: each request as an object (it is compared as text), and whether the order was swapped. */
function jsonDiff(diff: ReportDiff, swapped: boolean): object {
  const asObject = (snapshot: ReportDiff['before']) => {
    const [method, operationId, path, query, body] = JSON.parse(snapshot.request) as unknown[];
    return { ...snapshot, request: { method, operationId, path, query, body } };
  };
  return { ...diff, before: asObject(diff.before), after: asObject(diff.after), ...(swapped ? { swapped } : {}) };
}

export async function run(args: { old?: string; new?: string; json?: boolean }): Promise<number> {
  if (!args.old || !args.new) throw new UsageError('give two saved JSON reports: diff OLD.json NEW.json');
  // Reports hold no key, but one edited by hand (or from an older tool) might: the key the shell holds is never shown.
  registerSecrets([process.env.MASHVISOR_API_KEY]);
  const [older, newer] = [await loadReport(args.old), await loadReport(args.new)];
  const diff = compareReports(older, newer);
  // Before → after reads from the arguments' order: reports given the other way round are said to be so.
  const swapped = Date.parse(older.createdAt) > Date.parse(newer.createdAt);
  if (swapped) printError(`mashvisor-preflight: note: ${args.old} is newer than ${args.new}: "Before" is the later run (diff OLD NEW)`);
  print(args.json ? JSON.stringify(jsonDiff(diff, swapped), null, 2) : await renderDiff(diff));
  // The comparison succeeded; the newer report's verdict says how things stand now.
  return newer.exitCode;
}
