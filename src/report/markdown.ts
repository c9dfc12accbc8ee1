// A paste-ready support ticket: what failed and why first, then the three things the errors page asks for
// (request payload, endpoint, error response), then everything else a support engineer may need.
import { formatBytes } from '../shared/units.js';
import type { Report } from '../types.js';
import { escapeControls } from '../shared/terminal.js';
import {
  CHECK_SYMBOLS,
  VERDICT_TITLES,
  displayBody,
  exchangeTimings,
  endpointRows,
  environmentRows,
  formatMs,
  keyLine,
  rateLimitRows,
  requestPayload,
  statusLine,
  timingPhases,
} from './json.js';

/** Enough for any error envelope; a ticket does not need megabytes of listings. */
const MAX_BODY_CHARS = 10_000;

/**
 * Text from a server or an input file on one line of prose (the summary, the status, a failure message): line
 * breaks become spaces, so it cannot start a heading, a list or a table row of its own, and '<' is an entity, so
 * it cannot open HTML (<script>, <img onerror>, a comment that hides the rest of the ticket).
 */
export function inline(text: unknown): string {
  const s = text === null || text === undefined ? '' : String(text);
  return noLinks(s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/</g, '&lt;'));
}

/** A code span as CommonMark reads it: a run of backticks, then text, then a run of the same length. */
const CODE_SPAN = /(`+)[\s\S]*?[^`]\1(?!`)/g;

/**
 * Brackets and backslashes escaped outside code spans, so no text a server or an input file sent can become a link
 * or an image (`![x](http://evil/p.png)` would load when the ticket is viewed). Code spans show text as written and
 * make no links, so they are left alone (an escape there would show as a backslash).
 */
export function noLinks(text: string): string {
  if (!/[[\]\\]/.test(text)) return text;
  let out = '';
  let at = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    out += text.slice(at, m.index).replace(/[[\]\\]/g, '\\$&') + m[0];
    at = m.index! + m[0].length;
  }
  return out + text.slice(at).replace(/[[\]\\]/g, '\\$&');
}

/**
 * A table cell: pipes escaped (GFM honours '\|' even inside code spans), line breaks as <br> so the row stays
 * one line, '<' as an entity so a server's text cannot open HTML (our own <br> is added after). Backslashes are
 * left alone: inside code spans an escape would show as two backslashes.
 */
export function cell(text: unknown): string {
  const s = text === null || text === undefined ? '' : String(text);
  return noLinks(s.replace(/</g, '&lt;')).replace(/\|/g, '\\|').replace(/\r\n|[\r\n\u2028\u2029]/g, '<br>').trim() || ' ';
}

/** A fence longer than any backtick run inside, so the content can never close the block early. */
export function fenced(content: string, lang = ''): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${content.replace(/\n$/, '')}\n${fence}`;
}

function code(raw: string): string {
  const text = raw.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function table(head: string[], rows: string[][]): string {
  const lines = [`| ${head.map(cell).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function checklist(report: Report): string {
  const rows = report.checks.map((c) => {
    const details = [c.message, c.advice].filter((s) => s && s.trim()).join('\n→ ');
    return [c.title, `${CHECK_SYMBOLS[c.status]} ${c.status}`, details];
  });
  return table(['Check', 'Result', 'Details / advice'], rows);
}

function validationSection(report: Report): string[] {
  const { errors, warnings } = report.validation;
  if (errors.length === 0 && warnings.length === 0) return [];
  const rows = [...errors, ...warnings].map((p) => [
    p.severity === 'error' ? '✖ error' : '⚠ warning',
    `${p.param} (${p.in})`,
    p.message,
    p.fix,
  ]);
  return ['## Offline validation', '', table(['Severity', 'Parameter', 'Problem', 'Fix'], rows), ''];
}

function responseSection(report: Report): string[] {
  const r = report.response;
  const title = report.verdict === 'pass' ? '## Response received' : '## Error response received';
  if (!r && report.requestsSent === 0 && !report.error) {
    return ['## Response', '', 'No request was sent: the checks before the call stopped it (see the checklist). Nothing was billed.'];
  }
  if (!r) {
    const e = report.error;
    const lines = [title, '', 'No HTTP response was received.'];
    if (e) lines.push('', `- Failure: **${e.kind}** (${code(e.code)}) — ${inline(e.message)}`);
    const t = exchangeTimings(report);
    if (t) lines.push(`- Gave up after: ${formatMs(t.total)}`);
    return lines;
  }
  const lines = [title, '', `- Status: **${inline(statusLine(report))}** (HTTP/${inline(r.httpVersion.replace(/^HTTP\//i, ''))})`];
  if (r.documented) lines.push(`- Documented meaning: ${r.documented.code} — ${r.documented.text}`);
  else lines.push('- Documented meaning: this status is not on the API\'s errors page');
  lines.push(`- Content-Type: ${r.contentType ? code(r.contentType) : 'none'}`);
  lines.push(`- Body size: ${formatBytes(r.bodyBytes)}${r.truncated ? ' (truncated when captured)' : ''}`);
  const body = displayBody(report, MAX_BODY_CHARS);
  if (body) {
    lines.push('', body.text === '' ? '_The body was empty._' : fenced(body.text, body.kind === 'text' ? 'text' : body.kind));
    if (body.note) lines.push('', `_${body.note}_`);
  }
  const headers = Object.entries(r.headers);
  if (headers.length) {
    lines.push('', '<details><summary>Response headers</summary>', '', fenced(headers.map(([k, v]) => `${k}: ${v}`).join('\n'), 'http'), '', '</details>');
  }
  return lines;
}

function timingsSection(report: Report): string[] {
  const t = exchangeTimings(report);
  if (!t) return [];
  const rows = timingPhases(t).map((p) => [p.label, formatMs(p.ms)]);
  rows.push(['**Total**', `**${formatMs(t.total)}**`]);
  return ['## Timings', '', table(['Phase', 'Time'], rows), ''];
}

/** A watched check's timeline, near the top: how long the outage lasted is what support asks first. */
function watchSection(report: Report): string[] {
  const w = report.watch;
  if (!w) return [];
  const rows = w.attempts.map((a, i) => [String(i + 1), a.time, a.status === null ? `no answer${a.error ? ` (${a.error})` : ''}` : String(a.status), a.verdict]);
  const lines = ['## Watch timeline', '', `${inline(w.summary)} (times in UTC)`, '', table(['#', 'Time (UTC)', 'Status', 'Verdict'], rows), ''];
  if (w.firstFailureReport) lines.push(`The first failure has its own full report: ${code(w.firstFailureReport)}.`, '');
  return lines;
}

export function renderMarkdown(report: Report): string {
  const q = report.request;
  const out: string[] = [];
  out.push(`# Mashvisor API preflight — ${VERDICT_TITLES[report.verdict]}`);
  out.push('');
  out.push(`**Verdict: \`${report.verdict}\`** (exit code ${report.exitCode}) — ${inline(report.summary)}`);
  out.push('');
  out.push(
    `${code(`${q.method} ${q.endpoint}`)} · ${code(q.operationId)} · ${inline(statusLine(report))} · ${q.mode} · ` +
      `${report.requestsSent} request${report.requestsSent === 1 ? '' : 's'} sent · ${report.createdAt}`,
  );
  out.push('');
  out.push(...watchSection(report));
  out.push('## Pre-support checklist', '', checklist(report), '');
  out.push(...validationSection(report));
  out.push('## Endpoint', '', table(['Field', 'Value'], endpointRows(report).map(([k, v]) => [k, code(v)])), '');
  out.push('## Request payload', '', fenced(JSON.stringify(requestPayload(report), null, 2), 'json'), '');
  const reqHeaders = Object.entries(q.headers);
  if (reqHeaders.length) {
    out.push('Request headers (credentials masked):', '', fenced(reqHeaders.map(([k, v]) => `${k}: ${v}`).join('\n'), 'http'), '');
  }
  out.push(...responseSection(report), '');
  out.push(...timingsSection(report));
  if (report.rateLimit) {
    const rows = rateLimitRows(report);
    out.push('## Rate limit', '', table(rows.map(([k]) => k), [rows.map(([, v]) => v)]), '');
  }
  out.push('## Reproduce', '', `Set the key in your shell first (\`export MASHVISOR_API_KEY=...\`); it is not in this report.`, '');
  out.push(fenced(report.reproduction.curl, 'sh'), '');
  out.push('## API key', '', keyLine(report), '');
  out.push('## Environment', '', table(['Field', 'Value'], environmentRows(report)), '');
  out.push(`_Generated by ${report.tool.name} ${report.tool.version} at ${report.createdAt}. Secrets are redacted._`);
  // A report is read with cat and less as often as in a viewer: no byte of it may command the terminal.
  return escapeControls(out.join('\n') + '\n');
}
