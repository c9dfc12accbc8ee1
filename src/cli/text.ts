import { isTerminal } from './tty.js';
import stringWidth from 'string-width';

// Text that fits the terminal: its width, and wrapping at spaces with long values (URLs, paths) folded after
// / ? & = so that they still read as one piece. Used by the table helper (table.ts) and for free text.

// Printable ASCII, and the few symbols the tool prints itself (✔ ✖ ⚠ → — – … ·, box drawing), are one column a
// character: string-width's own answer for them, which test/terminal.test.js compares with it.
const ONE_COLUMN = /^[\x20-\x7e\u00b7\u2013\u2014\u2026\u2192\u2500-\u257f\u26a0\u2714\u2716]*$/;

/**
 * Display width of text (colour codes ignored, wide characters counted twice), as the terminal shows it. Text of
 * one-column characters only is measured by its length, so most text skips string-width's regular expressions.
 */
export function textWidth(text: string): number {
  if (ONE_COLUMN.test(text)) return text.length;
  // cli-table3 measures the same way (colour codes stripped, the widest line), so its layout and ours agree.
  let widest = 0;
  for (const line of text.replace(COLOUR_CODE, '').split('\n')) widest = Math.max(widest, stringWidth(line));
  return widest;
}

const COLOUR_CODE = /\u001b\[(?:\d*;){0,5}\d*m/g;

/**
 * Columns of the terminal that shows stdout; not a terminal: $COLUMNS, else 80. Asking process.stdout creates
 * the stream, so a pipe is recognised first without it.
 */
export function terminalWidth(): number {
  const fromTty = isTerminal(1) ? process.stdout.columns : 0;
  if (fromTty) return fromTty;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

// Where a long value may be folded: right after these characters a URL, a path or a list still reads as one piece;
// the second set (and a camelCase word boundary) only when the first offers nothing near the end of the line.
const FOLD_AFTER = new Set(['/', '?', '&', '=', ',', ';']);
const FOLD_AFTER_LAST = new Set(['-', '_', '.', ':']);

/** Splits a word wider than `width` into pieces that fit, each ending after a fold character when one is near. */
export function foldWord(word: string, width: number): string[] {
  // Each character measured once: the word is cut into pieces by index, so a long word costs its length, not its
  // length times the number of pieces.
  const chars = Array.from(word);
  const widths = chars.map(charWidth);
  const pieces: string[] = [];
  let start = 0;
  let rest = widths.reduce((a, b) => a + b, 0);
  while (rest > width) {
    let used = 0;
    let cut = 0;
    let foldAt = 0;
    let lastResort = 0;
    for (let i = start; i < chars.length; i++) {
      const ch = chars[i]!;
      if (used + widths[i]! > width) break;
      used += widths[i]!;
      cut = i - start + 1;
      if (FOLD_AFTER.has(ch)) foldAt = cut;
      // camelCase names (operationIds) fold between words: getRentoCalculator / HistoricalPerformance.
      if (FOLD_AFTER_LAST.has(ch) || (/[a-z]/.test(ch) && /[A-Z]/.test(chars[i + 1] ?? ''))) lastResort = cut;
    }
    // A fold point in the first half would leave a ragged, half-empty line: cut at the width instead.
    const at = foldAt > cut / 2 ? foldAt : lastResort > cut / 2 ? lastResort : Math.max(cut, 1);
    pieces.push(chars.slice(start, start + at).join(''));
    for (let i = start; i < start + at; i++) rest -= widths[i]!;
    start += at;
  }
  if (start < chars.length) pieces.push(chars.slice(start).join(''));
  return pieces;
}

const charWidths = new Map<string, number>();
/** One character's width, remembered: string-width builds its regular expressions on every call. */
function charWidth(ch: string): number {
  let w = charWidths.get(ch);
  if (w === undefined) {
    w = textWidth(ch);
    if (charWidths.size < 4096) charWidths.set(ch, w);
  }
  return w;
}

// Less room than this at the end of a line, and a long value starts on the next line instead.
const MIN_FOLD_ROOM = 12;

/** Wraps one paragraph at spaces to `width`; words wider than that are folded. Continuation lines start with `indent`. */
export function wrapLine(text: string, width: number, indent = ''): string[] {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  let used = textWidth(lead);
  let empty = true;
  const newLine = () => {
    lines.push(line.trimEnd());
    line = indent;
    used = textWidth(indent);
    empty = true;
  };
  // Spaces between words are kept as they are on a line (aligned columns stay aligned); a line break replaces them.
  let space = ' ';
  const add = (piece: string, gap: boolean) => {
    line += gap ? `${space}${piece}` : piece;
    used += textWidth(piece) + (gap ? space.length : 0);
    empty = false;
  };
  for (const [, before, word] of text.slice(lead.length).matchAll(/( *)(\S+)/g)) {
    space = before || ' ';
    const w = textWidth(word!);
    if (used + (empty ? 0 : space.length) + w <= width) {
      add(word!, !empty);
      continue;
    }
    space = ' ';
    // A word too long for any line is folded anyway: it starts right here when a fair part of the line is left.
    const foldsAnyway = w > width - textWidth(indent);
    const gap = !empty && foldsAnyway && width - used - 1 >= MIN_FOLD_ROOM;
    if (!empty && !gap) newLine();
    // The first piece fills what is left of this line; the rest is folded once, to the width every later line has.
    const room = Math.max(1, width - used - (gap ? 1 : 0));
    const [piece] = w <= room ? [word!] : foldWord(word!, room);
    add(piece!, gap);
    const rest = word!.slice(piece!.length);
    if (rest) {
      for (const next of foldWord(rest, Math.max(1, width - textWidth(indent)))) {
        newLine();
        add(next, false);
      }
    }
  }
  lines.push(line.trimEnd());
  return lines;
}

/** Wraps text of several lines to `width`; each line's continuation keeps its own indentation plus `extraIndent`. */
export function wrapText(text: string, width = terminalWidth(), extraIndent = ''): string {
  return text
    .split('\n')
    .flatMap((line) => (textWidth(line) <= width ? [line] : wrapLine(line, width, /^\s*/.exec(line)![0] + extraIndent)))
    .join('\n');
}
