import { printError, printRawLine, scrub } from '../output.js';
import { annotationLine, appendSummaryFile, renderBatchSummary, renderJobSummary } from '../../report/ci-summary.js';
import type { Report, ReportFormat } from '../../types.js';

// GitHub Actions glue: GITHUB_STEP_SUMMARY gets the Markdown summary, GITHUB_ACTIONS=true a failed check's
// annotation. The runner reads workflow commands on stderr as on stdout; stderr keeps stdout one document for
// --json and --format md. Both pass the same scrubber as every printed line.

function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    appendSummaryFile(file, scrub(markdown));
  } catch (err) {
    // The check itself is done and its reports written: a summary that cannot be written is only a note.
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'it is a symbolic link' : code === 'ENOTREG' || code === 'ENXIO' ? 'it is not a regular file' : code ?? (err as Error).message;
    printError(`mashvisor-preflight: note: job summary not written to GITHUB_STEP_SUMMARY (${why})`);
  }
}

export async function reportToCi(report: Report, paths: Partial<Record<ReportFormat, string>>): Promise<void> {
  appendSummary(renderJobSummary(report, paths));
  if (process.env.GITHUB_ACTIONS === 'true') {
    const line = annotationLine(report);
    if (line) printRawLine(line);
  }
}

export function batchToCi(total: { lines: number; valid: number; invalid: number }, invalid: { line: number; endpoint: string; problem: string }[]): void {
  appendSummary(renderBatchSummary(total, invalid));
  if (process.env.GITHUB_ACTIONS === 'true' && total.invalid > 0) {
    printRawLine(`::error title=Mashvisor preflight::${total.invalid} of ${total.lines} requests invalid`);
  }
}
