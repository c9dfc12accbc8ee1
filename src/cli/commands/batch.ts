// validate --batch FILE: the batch engine (batch/engine.ts) judges the lines; this command shows what it found,
// the invalid lines as they come (laid out for the terminal), a progress line on a terminal while it reads, then a
// table per endpoint (or one JSON document).
import { isTerminal } from '../tty.js';
import { textLine, validateBatch, type BatchProgress, type BatchResult, type Counts, type LineFormat } from '../../batch/engine.js';
import { registerSecrets, write } from '../output.js';

type TextModule = typeof import('../text.js');
type ProgressModule = typeof import('../progress.js');

/** A screenful: at most this many problem groups are shown; --all-lines or --json give every line. */
const MAX_GROUPS = 12;
/** Line numbers named per group. */
const LINES_PER_GROUP = 4;

interface Group {
  count: number;
  lines: number[];
  example: string;
}

/** One problem, whatever value or line it was met with: quoted values and numbers stand for any. */
export function problemKind(endpoint: string, problem: string): string {
  return `${endpoint}: ${problem.replace(/"[^"]*"|'[^']*'|\b\d+(?:\.\d+)?\b/g, '…')}`;
}

/** Up to this many invalid lines are listed one by one; more are grouped by problem. */
const SCREENFUL = 20;

/** Invalid lines gathered by problem, for a screenful at the end instead of one line each as they come. */
class Grouped {
  readonly groups = new Map<string, Group>();
  private readonly few: string[] = [];
  private count = 0;

  constructor(private readonly each: LineFormat) {}

  readonly format: LineFormat = (line, endpoint, problem) => {
    if (++this.count <= SCREENFUL) this.few.push(this.each(line, endpoint, problem));
    const kind = problemKind(endpoint, problem);
    const group = this.groups.get(kind);
    if (!group) this.groups.set(kind, { count: 1, lines: [line], example: `${endpoint}: ${problem}` });
    else {
      group.count++;
      if (group.lines.length < LINES_PER_GROUP) group.lines.push(line);
    }
    return '';
  };

  async render(): Promise<string> {
    if (this.count <= SCREENFUL) return this.few.join('');
    const { drawTable } = await import('../table.js');
    const sorted = [...this.groups.values()].sort((a, b) => b.count - a.count);
    const rows = sorted.slice(0, MAX_GROUPS).map((g) => [
      g.count.toLocaleString('en-US'), g.example,
      `${g.lines.join(', ')}${g.count > g.lines.length ? ', …' : ''}`,
    ]);
    const more = sorted.length > MAX_GROUPS ? `\n…and ${(sorted.length - MAX_GROUPS).toLocaleString('en-US')} more kinds of problem.` : '';
    const head = `${this.count.toLocaleString('en-US')} invalid lines, grouped by problem (every line: --all-lines, or --json):`;
    return `${head}\n${drawTable(['Lines', 'Problem (first example)', 'Line numbers'], rows, { keepWhole: [0] })}${more}\n`;
  }
}

export async function run(args: { batch: string; json?: boolean; allLines?: boolean }): Promise<number> {
  const json = Boolean(args.json);
  // Every byte leaves through the CLI's output boundary: scrubbed, control characters escaped, quiet on a closed pipe.
  registerSecrets([process.env.MASHVISOR_API_KEY]);
  const text = json ? null : await import('../text.js');
  // A progress line on a terminal only: a piped or --json run never loads its code.
  const progressModule = json || !isTerminal(2) ? null : await import('../progress.js');
  let progress: Progress | undefined;
  const out = (chunk: string) => {
    progress?.clear(); // the progress line, when there is one, must not end up in front of these lines
    write(1, chunk);
  };
  const each = text ? textLineFor(text, text.terminalWidth()) : textLine;
  const grouped = json || args.allLines ? null : new Grouped(each);
  const result = await validateBatch(args.batch, {
    json, write: out, format: grouped?.format ?? each,
    progress: (size) => (progressModule ? (progress = new Progress(progressModule, size)) : undefined),
  });
  if (json) out(`${JSON.stringify(jsonDocument(result), null, 2)}\n`);
  else out(`${grouped ? await grouped.render() : ''}${await summary(result.total, result.endpoints, result.linesRead)}`);
  if (process.env.GITHUB_STEP_SUMMARY || process.env.GITHUB_ACTIONS === 'true') {
    const { batchToCi } = await import('./ci.js');
    batchToCi(result.total, result.kept);
  }
  return result.total.invalid > 0 ? 1 : 0;
}

function jsonDocument({ total, endpoints, kept, linesRead }: BatchResult): object {
  return { ...total, blankLines: Math.max(0, linesRead - total.lines), endpoints: Object.fromEntries(endpoints), invalidLines: kept, invalidLinesTruncated: total.invalid > kept.length };
}

const n = (value: number) => value.toLocaleString('en-US');

async function summary(total: Counts, perEndpoint: Map<string, Counts>, linesRead: number): Promise<string> {
  const { drawTable } = await import('../table.js');
  const rows = [...perEndpoint].sort((a, b) => b[1].lines - a[1].lines).map(([name, c]) => [name, n(c.lines), n(c.valid), n(c.invalid)]);
  const table = drawTable(['Endpoint', 'Lines', 'Valid', 'Invalid'], rows, { keepWhole: [1, 2, 3] });
  const verdict = total.invalid ? `✖ ${n(total.invalid)} invalid` : '✔ all valid';
  const blank = linesRead - total.lines;
  const skipped = blank > 0 ? ` (${n(blank)} blank line${blank === 1 ? '' : 's'} skipped)` : '';
  return `${table}\n${verdict}: ${n(total.lines)} lines, ${n(total.valid)} valid, ${n(total.invalid)} invalid${skipped}\n`;
}

/** Columns taken by text with tabs, tab stops every 8 columns as terminals set them. */
function tabbedWidth(text: string, textWidth: TextModule['textWidth']): number {
  let col = 0;
  for (const part of text.split('\t').slice(0, -1)) col = (Math.floor((col + textWidth(part)) / 8) + 1) * 8;
  return col + textWidth(text.slice(text.lastIndexOf('\t') + 1));
}

/** textLine for a terminal `width` wide: a problem that would run past the edge goes on below, under itself. */
function textLineFor({ textWidth, wrapText }: TextModule, width: number): LineFormat {
  return (line, endpoint, problem) => {
    const head = `line ${line}\t${endpoint}\t`;
    const lead = tabbedWidth(head, textWidth);
    if (head.length + problem.length <= width / 2 || lead + textWidth(problem) <= width) return textLine(line, endpoint, problem);
    // An endpoint too long for the line itself: folded (after / ? & =) with the problem below it.
    if (lead > width) return `${wrapText(`line ${line} ${endpoint}`, width, '    ')}\n${wrapText(`    ${problem}`, width)}\n`;
    // Too little room after the endpoint: the problem starts on the next line.
    const first = lead + 16 <= width ? ' '.repeat(lead) + problem : `\n    ${problem}`;
    const wrapped = wrapText(first, width);
    return `${head}${wrapped.replace(/^ +/, '')}\n`;
  };
}

/** What the progress line reads: the stream judged on this thread and its running counts. */
class Progress implements BatchProgress {
  private stream: NodeJS.ReadableStream | null = null;
  private counts: Counts | null = null;
  private readonly ticker: { stop(): void };

  constructor(private readonly progress: ProgressModule, private readonly size: number | null) {
    this.ticker = progress.batchProgress(() => this.done());
  }

  watch(stream: NodeJS.ReadableStream, counts: Counts): void {
    this.stream = stream;
    this.counts = counts;
  }

  private done() {
    const read = (this.stream as { bytesRead?: number } | null)?.bytesRead;
    return { bytes: typeof read === 'number' ? read : null, size: this.size, lines: this.counts?.lines ?? 0 };
  }

  clear(): void {
    this.progress.clearProgress();
  }

  stop(): void {
    this.ticker.stop();
  }
}
