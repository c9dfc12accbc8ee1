// Saving a finished report: its files (report/files.ts) and its history line (report/history.ts), with the
// Markdown kept for the terminal when the directory cannot be written. Every command that saves (check, replay,
// demo) comes here; the caller hands in its output boundary's scrubber and its way of saying a warning.
import { headline } from './json.js';
import type { Report, ReportFormat } from '../types.js';

export type SavedPaths = Partial<Record<ReportFormat, string>>;

export interface Saved {
  paths: SavedPaths;
  /** The Markdown report, for stdout, when the files could not be written; null when they were. */
  fallback: string | null;
  /** Why the files could not be written (one line, e.g. "cannot write reports to X: permission denied"); null when they were. */
  unsaved: string | null;
}

export interface SaveTarget {
  reportsDir: string;
  junit?: string;
  har?: boolean;
  html?: boolean;
  bundle?: boolean;
}

export interface SaveIo {
  /** The last pass over every byte written (the CLI's output boundary). */
  scrub: (text: string) => string;
  /** One line on stderr. */
  warn: (line: string) => void;
}

/** JSON and Markdown always; HAR, HTML and JUnit when asked (all three with --bundle). */
export function formatsFor(args: Pick<SaveTarget, 'har' | 'html' | 'junit' | 'bundle'>): ReportFormat[] {
  const formats: ReportFormat[] = ['json', 'md'];
  if (args.har || args.bundle) formats.push('har');
  if (args.html || args.bundle) formats.push('html');
  if (args.junit || args.bundle) formats.push('junit');
  return formats;
}

/** Writes the report files and the history line; when the directory cannot be written, nothing is lost: the Markdown comes back as the fallback. */
export async function saveReport(report: Report, target: SaveTarget, durationMs: number, io: SaveIo): Promise<Saved> {
  const { writeReportFiles } = await import('./files.js');
  const { appendHistory } = await import('./history.js');
  try {
    const paths = await writeReportFiles(report, target.reportsDir, formatsFor(target), { scrub: io.scrub, ...(target.junit ? { junitPath: target.junit } : {}) });
    try {
      await appendHistory(target.reportsDir, {
        time: report.createdAt, endpoint: report.request.endpoint, operationId: report.request.operationId,
        status: report.response?.status ?? null, verdict: report.verdict, durationMs, requestsSent: report.requestsSent,
        headline: headline(report),
      }, io.scrub);
    } catch (err) {
      // The reports are written: a history that cannot be appended to is said in one line, and nothing more.
      const message = err instanceof Error && err.name === 'HistoryWriteError' ? err.message : `history not recorded: ${(err as Error).message}`;
      io.warn(`mashvisor-preflight: ${message.split('\n')[0]}`);
    }
    return { paths, fallback: null, unsaved: null };
  } catch (err) {
    const { renderMarkdown } = await import('./markdown.js');
    const unsaved = (err as Error).message.split('\n')[0]!;
    io.warn(`mashvisor-preflight: ${unsaved} — the Markdown report follows on stdout`);
    return { paths: {}, fallback: renderMarkdown(report), unsaved };
  }
}
