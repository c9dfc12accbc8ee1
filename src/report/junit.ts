// JUnit XML so a CI job that runs the preflight shows each checklist item as a test.
import { escapeControls } from '../shared/terminal.js';
import type { Report } from '../types.js';
import { statusLine } from './json.js';

const SUITE = 'mashvisor-preflight';

/** Characters XML 1.0 cannot hold at all (even escaped) are dropped; the rest is escaped for text and attributes. */
export function xmlEscape(value: unknown): string {
  // Control characters a server sent are shown as \x1b-style text, as on the terminal; C1 ones XML would keep raw.
  const s = escapeControls(value === null || value === undefined ? '' : String(value).replace(/\r\n/g, '\n'));
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values: line breaks written as references so parsers do not normalise them to spaces. */
function attr(value: unknown): string {
  return xmlEscape(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '0' : (ms / 1000).toFixed(3);
}

export function renderJunit(report: Report): string {
  const checks = report.checks;
  const failures = checks.filter((c) => c.status === 'fail').length;
  const skipped = checks.filter((c) => c.status === 'skip').length;
  const total = report.response?.timings.total ?? report.timings?.total ?? 0;
  const classname = `${SUITE}.${report.request.operationId}`;

  const properties: Array<[string, unknown]> = [
    ['verdict', report.verdict],
    ['exitCode', report.exitCode],
    ['operationId', report.request.operationId],
    ['endpoint', `${report.request.method} ${report.request.endpoint}`],
    ['mode', report.request.mode],
    ['status', statusLine(report)],
    ['requestsSent', report.requestsSent],
    ['keyFingerprint', report.key.fingerprint ?? 'none'],
  ];

  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="${SUITE}" tests="${checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total)}">`,
  );
  lines.push(
    `  <testsuite name="${SUITE}" tests="${checks.length}" failures="${failures}" errors="0" skipped="${skipped}"` +
      ` time="${seconds(total)}" timestamp="${attr(report.createdAt)}">`,
  );
  lines.push('    <properties>');
  for (const [name, value] of properties) lines.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
  lines.push('    </properties>');

  for (const c of checks) {
    const open = `    <testcase classname="${attr(classname)}" name="${attr(c.id)}" time="0">`;
    const detail = [c.title, c.message, c.advice ? `Advice: ${c.advice}` : ''].filter(Boolean).join('\n');
    if (c.status === 'fail') {
      lines.push(open, `      <failure message="${attr(c.message)}" type="${attr(c.id)}">${xmlEscape(detail)}</failure>`, '    </testcase>');
    } else if (c.status === 'skip') {
      lines.push(open, `      <skipped message="${attr(c.message)}"/>`, '    </testcase>');
    } else if (c.status === 'warn') {
      lines.push(open, `      <system-out>${xmlEscape(`WARNING: ${detail}`)}</system-out>`, '    </testcase>');
    } else {
      lines.push(`    <testcase classname="${attr(classname)}" name="${attr(c.id)}" time="0"/>`);
    }
  }

  const out = [`Verdict: ${report.verdict} (exit code ${report.exitCode})`, report.summary, '', 'Reproduce:', report.reproduction.curl];
  lines.push(`    <system-out>${xmlEscape(out.join('\n'))}</system-out>`);
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
