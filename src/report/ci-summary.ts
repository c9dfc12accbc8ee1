// GitHub Actions outputs: a short Markdown job summary (appended to the file GITHUB_STEP_SUMMARY names) and a
// one-line `::error` annotation for a failed check. The text comes from the report, which is already redacted;
// the caller passes it through the CLI's output scrubber as well before it is written.
import { closeSync, writeSync } from 'node:fs';
import { appendBytes, openForAppend } from '../shared/files.js';
import { escapeControls } from '../shared/terminal.js';
import type { Report, ReportFormat } from '../types.js';
import { cell } from './markdown.js';
import { CHECK_SYMBOLS, VERDICT_TITLES, statusLine } from './json.js';

const MAX_CELL = 300;

/** A table cell from any text: no control characters, no HTML, bounded; pipes and newlines as markdown.ts does. */
export function summaryCell(text: unknown): string {
  const s = text === null || text === undefined ? '' : String(text);
  // eslint-disable-next-line no-control-regex
  const plain = s.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return cell(plain.length > MAX_CELL ? `${plain.slice(0, MAX_CELL - 1)}…` : plain);
}

/** Inline code that no text can break out of (backticks inside are replaced). */
function inlineCode(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `\`${text.replace(/`/g, "'").replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\``;
}

const ICON: Record<Report['verdict'], string> = { pass: '✔', 'client-error': '✖', 'server-error': '✖', 'network-error': '✖' };

/** The job summary of one check: verdict, endpoint, status, the checklist, the report files. */
export function renderJobSummary(report: Report, paths: Partial<Record<ReportFormat, string>>): string {
  const r = report.request;
  const lines = [
    `### ${ICON[report.verdict]} Mashvisor preflight: ${VERDICT_TITLES[report.verdict]} (exit ${report.exitCode})`,
    '',
    `${inlineCode(`${r.method} ${r.endpoint}`)} (${inlineCode(r.operationId)}) → **${summaryCell(statusLine(report))}**, ${report.requestsSent} request${report.requestsSent === 1 ? '' : 's'} sent`,
    '',
    ...(report.watch ? [`Timeline (UTC): ${summaryCell(report.watch.summary)}`, ''] : []),
    '| Check | Result | Details |',
    '| --- | --- | --- |',
    ...report.checks.map((c) => `| ${summaryCell(c.title)} | ${CHECK_SYMBOLS[c.status]} ${c.status} | ${summaryCell(c.message)} |`),
    '',
  ];
  const files = Object.values(paths).filter((p): p is string => typeof p === 'string');
  if (files.length) lines.push(`Reports: ${files.map(inlineCode).join(', ')}`, '');
  return escapeControls(`${lines.join('\n')}\n`);
}

/** A batch validation's summary: the counts, and the first invalid lines. */
export function renderBatchSummary(total: { lines: number; valid: number; invalid: number }, invalid: { line: number; endpoint: string; problem: string }[]): string {
  const head = total.invalid ? `### ✖ Mashvisor preflight: ${total.invalid} invalid request${total.invalid === 1 ? '' : 's'}` : '### ✔ Mashvisor preflight: all requests valid';
  const lines = [head, '', `${total.lines} lines: ${total.valid} valid, ${total.invalid} invalid.`, ''];
  const shown = invalid.slice(0, 20);
  if (shown.length) {
    lines.push('| Line | Endpoint | Problem |', '| --- | --- | --- |', ...shown.map((i) => `| ${i.line} | ${summaryCell(i.endpoint)} | ${summaryCell(i.problem)} |`), '');
    if (total.invalid > shown.length) lines.push(`…and ${total.invalid - shown.length} more.`, '');
  }
  return escapeControls(`${lines.join('\n')}\n`);
}

/** GitHub's escaping of a workflow command's message: %, CR and LF. */
export function escapeAnnotationData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values (title=...) also escape ':' and ','. */
export function escapeAnnotationProperty(text: string): string {
  return escapeAnnotationData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error` line for a failed check, or null for a pass. */
export function annotationLine(report: Report): string | null {
  if (report.verdict === 'pass') return null;
  const title = `Mashvisor preflight: ${VERDICT_TITLES[report.verdict]}`;
  // eslint-disable-next-line no-control-regex
  const message = report.summary.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ');
  return `::error title=${escapeAnnotationProperty(title)}::${escapeAnnotationData(message)}`;
}

/**
 * Appends to the summary file without following a symbolic link there (a link planted in its place must not
 * redirect the write); creates it private when missing, as the runner would.
 */
export function appendSummaryFile(path: string, text: string): void {
  // A FIFO or device there would block the run forever (after the billed request): refused, as is a symbolic link.
  const { fd, readable } = openForAppend(path);
  try {
    let rest = appendBytes(fd, readable, text);
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
  } finally {
    closeSync(fd);
  }
}
