import { dirname } from 'node:path';
import { UsageError } from '../../shared/errors.js';
import { refuseUnreplaceable } from '../../shared/files.js';
import { print, printError, registerSecrets, scrubFile } from '../output.js';
import { isPlainObject, parseJsonText, readInputText } from '../../request/params.js';
import type { Report, ReportFormat } from '../../types.js';

/**
 * A saved report is read whole and rendered in several formats, each a copy: within 100 MiB up to 4 MiB and 400,000
 * JSON values (a report the tool writes keeps at most 1 MiB of a body, once as text and once parsed). A 7.7 MB report
 * peaked at 600 MiB.
 */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;
const MAX_REPORT_VALUES = 400_000;

/** JSON values in the text (commas and openings outside strings), stopping past `max`. */
function valuesOver(text: string, max: number): boolean {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if ((c === 44 || c === 91 || c === 123) && ++count > max) return true;
  }
  return false;
}

/** A saved JSON report, checked against schemas/report.schema.json so every writer gets what it expects. */
export async function loadReport(file: string): Promise<Report> {
  const text = await readInputText(file, 'report', MAX_REPORT_BYTES);
  if (valuesOver(text, MAX_REPORT_VALUES)) throw new UsageError(`report ${file} holds more than ${MAX_REPORT_VALUES.toLocaleString('en-US')} JSON values, over the limit for a saved report`);
  const value = parseJsonText(text, file);
  // Whatever credential the saved request holds is known to the output boundary before any byte of it is rendered.
  if (isPlainObject(value) && isPlainObject(value.request)) {
    const { savedRequestSecrets } = await import('../../request/build.js');
    registerSecrets(savedRequestSecrets(value.request));
  }
  if (!isPlainObject(value) || value.schemaVersion !== 1 || !Array.isArray(value.checks)) {
    throw new UsageError(`${file} is not a mashvisor-preflight JSON report (schemaVersion 1)`);
  }
  const { validateReport } = await import('../../report/schema.js');
  const problem = await validateReport(value);
  if (problem) throw new UsageError(`${file} does not match the report schema: ${problem}`);
  return value as unknown as Report;
}

export async function run(args: { file: string; format?: string; html?: boolean; har?: boolean; junit?: string; outDir?: string }): Promise<number> {
  refuseUnreplaceable(args.junit, '--junit');
  const report = await loadReport(args.file);
  const formats: ReportFormat[] = [];
  if (args.html) formats.push('html');
  if (args.har) formats.push('har');
  if (args.junit) formats.push('junit');
  // Nothing asked for: the Markdown report, which is what a person opening a saved report wants to read.
  const format = args.format ?? (formats.length ? undefined : 'md');
  if (format) {
    const { renderFormat } = await import('../../report/files.js');
    print(renderFormat(report, format as ReportFormat));
  }
  if (!formats.length) return 0;
  const { writeReportFiles } = await import('../../report/files.js');
  // The run's one scrubber (the shell's key included): a saved report edited by hand may hold it.
  const paths = await writeReportFiles(report, args.outDir ?? dirname(args.file), formats, { scrub: scrubFile, ...(args.junit ? { junitPath: args.junit } : {}) });
  // With --format the report itself is on stdout; the paths go to stderr so stdout stays one document.
  const { wrapText } = await import('../text.js');
  const lines = wrapText(['Written:', ...Object.values(paths).map((p) => `  ${p}`)].join('\n'), undefined, '    ');
  if (format) printError(lines);
  else print(lines);
  return 0;
}
