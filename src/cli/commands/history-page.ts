// `history --html FILE`: finds each run's report files, renders the page, writes it through the output boundary.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../../shared/errors.js';
import { describeFsError } from '../../request/params.js';
import type { History, HistoryEntry } from '../../report/history.js';
import type { Report } from '../../types.js';
import type { RunLink } from '../../report/history-html.js';

// The formats a page links to, in the order shown; JUnit goes to a path of the user's choosing, so it is not here.
const LINKED: Array<[string, string]> = [['json', 'JSON'], ['md', 'Markdown'], ['html', 'HTML'], ['har', 'HAR']];

/** A path relative to the page, as a URL: each segment encoded, so a name cannot add a query or a scheme. */
function hrefFrom(pageDir: string, file: string): string {
  return relative(pageDir, file).split(sep).map(encodeURIComponent).join('/');
}

/**
 * Each run's report files: a report is named after its time and operation (report/files.ts), so the name is
 * found from the history line alone. Runs without files (the middle attempts of a watch) get no links.
 */
export async function runLinks(history: History, reportsDir: string, page: string): Promise<RunLink[][]> {
  const { baseNameFor } = await import('../../report/files.js');
  let names: Set<string>;
  try {
    names = new Set(readdirSync(reportsDir));
  } catch {
    return history.entries.map(() => []);
  }
  const pageDir = dirname(resolve(page));
  return history.entries.map((e: HistoryEntry) => {
    const base = baseNameFor({ createdAt: e.time, request: { operationId: e.operationId } } as Report);
    return LINKED.filter(([ext]) => names.has(`${base}.${ext}`))
      .map(([ext, format]) => ({ format, href: hrefFrom(pageDir, resolve(join(reportsDir, `${base}.${ext}`))) }));
  });
}

/** Writes the page (private, like the reports) and returns its path. */
export async function writeHistoryPage(history: History, reportsDir: string, file: string, scrub: (text: string) => string): Promise<string> {
  const { renderHistoryHtml } = await import('../../report/history-html.js');
  const html = renderHistoryHtml(history, { links: await runLinks(history, reportsDir, file), source: `${reportsDir}/history.jsonl` });
  try {
    writeFileSync(file, scrub(html), { mode: 0o600 });
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${describeFsError(err)}`);
  }
  return file;
}
