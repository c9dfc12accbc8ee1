// A finished report on the terminal: the doctor-style table of checks and the verdict line. Shared by check,
// its --watch and replay.
import { paint, useColor } from './output.js';
import { notHttpText, verdictText } from '../shared/verdict.js';
import { CHECK_SYMBOLS, headline, headlineCheck } from '../report/json.js';
import type { Report } from '../types.js';

const TONE = { pass: 'green', warn: 'yellow', fail: 'red', skip: 'grey' } as const;

/** The doctor-style table: Check | Result | Details / advice. */
export async function renderChecks(report: Report): Promise<string> {
  const { drawTable } = await import('./table.js');
  const color = useColor();
  const rows = report.checks.map((c) => {
    const details = c.advice ? `${c.message}\n→ ${c.advice}` : c.message;
    return [c.title, paint(TONE[c.status], `${CHECK_SYMBOLS[c.status]} ${c.status}`, color), details];
  });
  return drawTable(['Check', 'Result', 'Details / advice'], rows, { keepWhole: [1] });
}

/** The verdict, then (exit code, requests) on the same line when it fits in `width`, else on the next one. */
export function verdictLine(report: Report, width = Infinity): string {
  const tone = report.verdict === 'pass' ? 'green' : report.verdict === 'client-error' ? 'yellow' : 'red';
  // A pass without a request only says the checks before the call found nothing.
  const text = report.verdict === 'pass' && report.requestsSent === 0 ? 'pass — nothing wrong before the call, but no request was sent' : verdictText(report.verdict, report.response?.status, report.error);
  const n = report.requestsSent;
  // A request that got no answer at all (DNS, refused, timeout) may never have reached the server: "sent" alone
  // would read as if it had been answered.
  const sent = n > 0 && !report.response && !notHttpText(report.error) ? `${n} request${n === 1 ? '' : 's'} tried, 0 answered` : `${n} request${n === 1 ? '' : 's'} sent`;
  const verdict = `Verdict: ${text}`;
  const counts = `(exit ${report.exitCode}, ${sent})`;
  const joint = verdict.length + 1 + counts.length <= width ? ' ' : '\n  ';
  const line = `${paint(tone, verdict)}${joint}${counts}`;
  // The row to read first, named by the same rule as the reports' summary; a clean pass needs none.
  const top = headlineCheck(report.checks, report.response?.status);
  if (!top || top.status === 'pass' || top.status === 'skip') return line;
  // One line that fits the terminal: the full text is in the table just above.
  const first = `First: ${headline(report)}`;
  const room = Math.min(width, 80);
  return `${line}\n${first.length > room ? `${first.slice(0, room - 1)}…` : first}`;
}
