import { UsageError } from '../../shared/errors.js';
import { paint, print, registerSecret, useColor } from '../output.js';
import { compareReports, type ReportDiff } from '../../report/diff.js';
import { loadReport } from './report.js';

// diff OLD.json NEW.json: what changed between two saved reports (the comparison `replay` prints after its call).

/** Server text shown on a terminal: control characters escaped, one line, bounded. */
export function printable(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/\r?\n|\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/** Words into lines of at most `width` columns (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The comparison as a three-column table that fits 80 columns; changed rows are marked with '*'. */
export async function renderDiff(diff: ReportDiff): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const color = useColor();
  // 24 + 26 + 26 columns of content and 4 borders: 80.
  const table = new Table({ head: ['', 'Before', 'After'], style: { head: [], border: [] }, wordWrap: true, wrapOnWordBoundary: false, colWidths: [24, 26, 26] });
  for (const c of diff.changes) {
    const label = `${c.changed ? '* ' : '  '}${c.label}`;
    table.push([label, printable(c.before), c.changed ? paint('yellow', printable(c.after), color) : printable(c.after)]);
  }
  const lines = [table.toString(), ...wrap(printable(diff.headline, 400), 80)];
  if (!diff.sameRequest) lines.push('note: the two reports are of different requests; the comparison may mean little');
  return lines.join('\n');
}

export async function run(args: { old?: string; new?: string; json?: boolean }): Promise<number> {
  if (!args.old || !args.new) throw new UsageError('give two saved JSON reports: diff OLD.json NEW.json');
  // Reports hold no key, but one edited by hand (or from an older tool) might: the key the shell holds is never shown.
  registerSecret(process.env.MASHVISOR_API_KEY);
  const [older, newer] = [await loadReport(args.old), await loadReport(args.new)];
  const diff = compareReports(older, newer);
  print(args.json ? JSON.stringify(diff, null, 2) : await renderDiff(diff));
  // The comparison succeeded; the newer report's verdict says how things stand now.
  return newer.exitCode;
}
