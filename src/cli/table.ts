import Table from 'cli-table3';
import { terminalWidth, textWidth, wrapLine } from './text.js';
import { scrub, useColor } from './output.js';
import { escapeControls } from '../shared/terminal.js';

// The one way the CLI draws a table. Every table fits the terminal: columns get the width their text needs, the
// widest give way first when the terminal is narrower, and the text of a cell is wrapped here (text.ts: at spaces;
// a long URL or path folded after / ? & =) before cli-table3 draws it, so that cli-table3 never cuts a word with '…'.
// Cells are scrubbed of secrets and their control characters escaped before they are measured: a redaction marker
// or an escape put in after drawing would be longer or shorter than the text it replaces and break the row's border.
// The tool's own colours (paint) are the only escapes kept.

function cellLines(text: string): string[] {
  return text.split('\n');
}

/** The widest single word of a cell (what it needs to avoid folding) and its widest line (what it wants). */
function measure(text: string): { word: number; line: number } {
  let word = 0;
  let line = 0;
  for (const l of cellLines(text)) {
    line = Math.max(line, textWidth(l));
    for (const w of l.split(/ +/)) word = Math.max(word, textWidth(w));
  }
  return { word, line };
}

export interface TableOptions {
  /** Total width to fit (default: the terminal's). */
  width?: number;
  /** Columns that keep their longest word whole as long as they can (ids, names). */
  keepWhole?: number[];
  /** Columns whose first word must stay whole, by index: the longest such word (a verdict such as "network-error"). */
  firstWordWhole?: number[];
}

/** Content widths (padding and borders excluded) that fit `total` columns: the widest column gives way first. */
export function columnWidths(head: string[], rows: string[][], total: number, keepWhole: number[] = [], firstWordWhole: number[] = []): number[] {
  const cells = (i: number) => [head[i] ?? '', ...rows.map((r) => r[i] ?? '')];
  const sizes = head.map((_, i) => cells(i).map(measure));
  const want = sizes.map((s) => Math.max(...s.map((m) => m.line)));
  const floor = sizes.map((s, i) => {
    const longestWord = Math.max(...s.map((m) => m.word));
    const headWord = measure(head[i] ?? '').word;
    const firstWord = firstWordWhole.includes(i) ? Math.max(...rows.map((r) => measure((r[i] ?? '').split(/\s/)[0]!).line)) : 0;
    return Math.min(want[i]!, Math.max(headWord, firstWord, keepWhole.includes(i) ? longestWord : Math.min(longestWord, 10), 3));
  });
  const room = total - (3 * head.length + 1);
  const widths = [...want];
  const shrink = (limit: number[]) => {
    let excess = widths.reduce((a, b) => a + b, 0) - room;
    while (excess > 0) {
      let widest = -1;
      for (const [i, w] of widths.entries()) if (w > limit[i]! && (widest < 0 || w > widths[widest]!)) widest = i;
      if (widest < 0) return;
      widths[widest]!--;
      excess--;
    }
  };
  shrink(floor);
  shrink(head.map(() => 3));
  return widths;
}

/** Wraps each cell to its column's width. */
function wrapCell(text: string, width: number): string {
  return cellLines(text).flatMap((line) => (textWidth(line) <= width ? [line] : wrapLine(line, width))).join('\n');
}

/** A bordered table that fits the terminal, cells wrapped at word boundaries, long values folded. */
export function drawTable(head: string[], rows: Array<Array<string | number>>, options: TableOptions = {}): string {
  // Colour codes stay only where print() keeps them (colour on); otherwise they would be escaped after the layout.
  const colour = useColor();
  const clean = (cell: string | number) => escapeControls(scrub(String(cell)), colour);
  const text = rows.map((row) => row.map(clean));
  const heads = head.map(clean);
  const widths = columnWidths(heads, text, options.width ?? terminalWidth(), options.keepWhole, options.firstWordWhole);
  const head2 = heads.map((h, i) => wrapCell(h, widths[i]!));
  const rows2 = text.map((row) => widths.map((w, i) => wrapCell(row[i] ?? '', w)));
  return drawBorders(head2, rows2, widths) ?? drawWithCliTable(head2, rows2, widths);
}

/**
 * The borders cli-table3 draws, drawn here in one pass: cli-table3 measures every line several times, each
 * measure building its regular expressions anew, which made a 500-row table take a minute. Its layout is the same
 * (test/bounds.test.js compares the two); null when a line does not fit its column, which cli-table3 then cuts.
 */
function drawBorders(head: string[], rows: string[][], widths: number[]): string | null {
  const rule = (left: string, mid: string, right: string) => left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const out = [rule('┌', '┬', '┐')];
  const block = (cells: string[]): boolean => {
    const lines = widths.map((_, i) => (cells[i] ?? '').split('\n'));
    const height = Math.max(...lines.map((l) => l.length));
    for (let n = 0; n < height; n++) {
      let line = '│';
      for (const [i, w] of widths.entries()) {
        const piece = lines[i]![n] ?? '';
        const used = textWidth(piece);
        if (used > w) return false;
        line += ` ${piece}${' '.repeat(w - used)} │`;
      }
      out.push(line);
    }
    return true;
  };
  if (!block(head)) return null;
  for (const row of rows) {
    out.push(rule('├', '┼', '┤'));
    if (!block(row)) return null;
  }
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

function drawWithCliTable(head: string[], rows: string[][], widths: number[]): string {
  const table = new Table({ head, style: { head: [], border: [] }, colWidths: widths.map((w) => w + 2), wordWrap: false });
  for (const row of rows) table.push(row);
  return table.toString();
}

export { terminalWidth, wrapText } from './text.js';
