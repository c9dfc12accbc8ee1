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

/** The comparison as JSON: each request as an object (it is compared as text), and which file was taken as old. */
function jsonDiff(diff: ReportDiff, files: { before: string; after: string }, swapped: boolean): object {
  const asObject = (snapshot: ReportDiff['before']) => {
    const [method, operationId, path, query, body] = JSON.parse(snapshot.request) as unknown[];
    return { ...snapshot, request: { method, operationId, path, query, body } };
  };
  return { ...diff, before: asObject(diff.before), after: asObject(diff.after), files, swapped };
}

export async function run(args: { old?: string; new?: string; json?: boolean }): Promise<number> {
  if (!args.old || !args.new) throw new UsageError('give two saved JSON reports: diff OLD.json NEW.json');
  // Reports hold no key, but one edited by hand (or from an older tool) might: the key the shell holds is never shown.
  registerSecrets([process.env.MASHVISOR_API_KEY]);
  const given = [{ file: args.old, report: await loadReport(args.old) }, { file: args.new, report: await loadReport(args.new) }];
  // Before → after is the order the runs happened in, whatever order they were typed in (an unreadable time keeps
  // the typed order): read backwards, "was 200, now 503" would say a fix broke things.
  const swapped = Date.parse(given[0]!.report.createdAt) > Date.parse(given[1]!.report.createdAt);
  const [older, newer] = swapped ? [given[1]!, given[0]!] : given;
  if (swapped) printError('mashvisor-preflight: note: newer report given first; compared oldest → newest');
  const diff = compareReports(older!.report, newer!.report);
  const files = { before: older!.file, after: newer!.file };
  print(args.json ? JSON.stringify(jsonDiff(diff, files, swapped), null, 2) : await renderDiff(diff));
  // The comparison succeeded; the newer report's verdict says how things stand now.
  return newer!.report.exitCode;
}
