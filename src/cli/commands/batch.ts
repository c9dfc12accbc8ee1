// validate --batch FILE: the batch engine (batch/engine.ts) judges the lines; this command shows what it found,
// the invalid lines as they come (laid out for the terminal), a progress line on a terminal while it reads, then a
// table per endpoint (or one JSON document).
import { isTerminal } from '../../shared/lazy-builtins.js';
import { textLine, validateBatch, type BatchProgress, type BatchResult, type Counts, type LineFormat } from '../../batch/engine.js';
import { registerSecrets, write } from '../output.js';

type TextModule = typeof import('../text.js');
type ProgressModule = typeof import('../progress.js');

export async function run(args: { batch: string; json?: boolean }): Promise<number> {
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
  const result = await validateBatch(args.batch, {
    json, write: out, format: text ? textLineFor(text, text.terminalWidth()) : textLine,
    progress: (size) => (progressModule ? (progress = new Progress(progressModule, size)) : undefined),
  });
  if (json) out(`${JSON.stringify(jsonDocument(result), null, 2)}\n`);
  else out(await summary(result.total, result.endpoints));
  if (process.env.GITHUB_STEP_SUMMARY || process.env.GITHUB_ACTIONS === 'true') {
    const { batchToCi } = await import('./ci.js');
    batchToCi(result.total, result.kept);
  }
  return result.total.invalid > 0 ? 1 : 0;
}

function jsonDocument({ total, endpoints, kept }: BatchResult): object {
  return { ...total, endpoints: Object.fromEntries(endpoints), invalidLines: kept, invalidLinesTruncated: total.invalid > kept.length };
}

async function summary(total: Counts, perEndpoint: Map<string, Counts>): Promise<string> {
  const { drawTable } = await import('../table.js');
  const rows = [...perEndpoint].sort((a, b) => b[1].lines - a[1].lines).map(([name, c]) => [name, c.lines, c.valid, c.invalid]);
  const table = drawTable(['Endpoint', 'Lines', 'Valid', 'Invalid'], rows, { keepWhole: [1, 2, 3] });
  const verdict = total.invalid ? `✖ ${total.invalid} invalid` : '✔ all valid';
  return `${table}\n${verdict}: ${total.lines} lines, ${total.valid} valid, ${total.invalid} invalid\n`;
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
