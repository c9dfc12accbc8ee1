// One self-contained HTML page: inline CSS only, no script, nothing fetched. It can be opened from an
// attachment, a CI artefact or a mail client and looks the same everywhere. Every value from the
// request or response is escaped: a response body may well contain markup or <script>.
import { escapeControls } from '../shared/terminal.js';
import { formatBytes } from '../shared/units.js';
import type { Report, Verdict } from '../types.js';
import {
  CHECK_SYMBOLS,
  VERDICT_TITLES,
  displayBody,
  endpointRows,
  environmentRows,
  exchangeTimings,
  formatMs,
  keyLine,
  rateLimitRows,
  requestPayload,
  statusLine,
  timingPhases,
} from './json.js';

const MAX_BODY_CHARS = 100_000;

export function htmlEscape(value: unknown): string {
  // Control characters a server sent (ESC, BEL, C1, bidirectional overrides) are shown as \x1b-style text, as on the terminal.
  const s = escapeControls(value === null || value === undefined ? '' : String(value).replace(/\r\n/g, '\n'));
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const VERDICT_ICONS: Record<Verdict, string> = {
  pass: '✔',
  'client-error': '✖',
  'server-error': '✖',
  'network-error': '⚠',
};

const STYLE = `
:root{--ink:#1d2330;--muted:#5b6475;--line:#e3e7ee;--bg:#f5f7fa;--card:#fff;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
--pass:#1a7f37;--pass-bg:#e8f6ec;--warn:#9a6700;--warn-bg:#fff6dd;--fail:#c62828;--fail-bg:#fdecec;--skip:#6b7280;--skip-bg:#f1f3f6;
--dns:#0e9f9a;--connect:#e8a317;--tls:#8e5bd6;--first-byte:#2f6fde;--download:#2fa84f}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
.page{max-width:1120px;margin:0 auto;padding:24px 20px 40px}
h1,h2,h3{margin:0;font-weight:600}
h2{font-size:15px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin-bottom:12px}
h3{font-size:13px;color:var(--muted);margin:14px 0 6px}
code,pre,.mono{font-family:var(--mono);font-size:12.5px}
.banner{border-radius:10px;padding:20px 24px;color:#fff;margin-bottom:18px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.banner.v-pass{background:linear-gradient(135deg,#1a7f37,#2a9d55)}
.banner.v-client-error{background:linear-gradient(135deg,#b45309,#d97706)}
.banner.v-server-error{background:linear-gradient(135deg,#b91c1c,#dc2626)}
.banner.v-network-error{background:linear-gradient(135deg,#4c1d95,#6d28d9)}
.banner-top{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}
.verdict{display:inline-block;font-weight:700;font-size:13px;letter-spacing:.06em;text-transform:uppercase;background:rgba(255,255,255,.2);border:1px solid rgba(255,255,255,.35);border-radius:999px;padding:3px 12px}
.stamp{font-size:12px;opacity:.9}
.banner h1{font-size:20px;line-height:1.35;margin:12px 0 14px}
.facts{display:flex;flex-wrap:wrap;gap:8px 26px;font-size:13px}
.facts div{display:flex;flex-direction:column}
.facts .k{font-size:11px;text-transform:uppercase;letter-spacing:.05em;opacity:.8}
.facts .v{font-weight:600}
.facts code{font-size:13px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:18px;min-width:0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.grid>.card{margin-bottom:0}
.grid{margin-bottom:18px}
@media (max-width:860px){.grid{grid-template-columns:1fr}}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:8px 10px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em;background:#fafbfc}
tr:last-child td{border-bottom:0}
.checks td:first-child{font-weight:600;width:26%}
.checks td:nth-child(2){width:96px;white-space:nowrap}
.checks p{margin:0}
.checks .advice{color:var(--muted);margin-top:4px}
.checks .advice::before{content:"→ ";color:var(--muted)}
.badge{display:inline-block;border-radius:6px;padding:1px 8px;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.s-pass{color:var(--pass);background:var(--pass-bg)}
.s-warn{color:var(--warn);background:var(--warn-bg)}
.s-fail{color:var(--fail);background:var(--fail-bg)}
.s-skip{color:var(--skip);background:var(--skip-bg)}
tr[data-status=fail] td:first-child{box-shadow:inset 3px 0 0 var(--fail)}
tr[data-status=warn] td:first-child{box-shadow:inset 3px 0 0 #e0a800}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
.kv dt{color:var(--muted)}
.kv dd{margin:0;word-break:break-word}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:0;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-word}
pre.curl{background:#111827;color:#e5e7eb;border-color:#111827}
.note{color:var(--muted);font-size:12.5px;margin:6px 0 0}
.status{font-size:18px;font-weight:700}
.status.c2{color:var(--pass)}.status.c4{color:#b45309}.status.c5{color:var(--fail)}.status.c0{color:#6d28d9}
.waterfall .bar{display:flex;height:30px;border-radius:6px;overflow:hidden;background:#eef1f5;border:1px solid var(--line)}
.seg{height:100%;min-width:3px;border-right:1px solid rgba(255,255,255,.7)}
.seg:last-child{border-right:0}
.p-dns{background:var(--dns)}.p-connect{background:var(--connect)}.p-tls{background:var(--tls)}
.p-first-byte{background:var(--first-byte)}.p-download{background:var(--download)}
.p-other{background:repeating-linear-gradient(45deg,#c9ced8,#c9ced8 6px,#dde1e8 6px,#dde1e8 12px)}
.p-no-response{background:repeating-linear-gradient(45deg,#e57373,#e57373 6px,#f3b1b1 6px,#f3b1b1 12px)}
.axis{display:flex;justify-content:space-between;font-size:11.5px;color:var(--muted);margin-top:4px}
.phases{display:grid;grid-template-columns:repeat(5,1fr);gap:10px;margin-top:14px}
.phase{border:1px solid var(--line);border-radius:8px;padding:8px 10px;border-top:4px solid var(--c,#ccc)}
.phase .name{font-size:12px;color:var(--muted)}
.phase .ms{font-size:17px;font-weight:700;font-family:var(--mono)}
.phase .at{font-size:11.5px;color:var(--muted)}
.phase.unknown .ms{color:#9aa3b2}
.gauge{height:10px;background:#eef1f5;border-radius:5px;overflow:hidden;margin:4px 0 12px}
.gauge span{display:block;height:100%;background:var(--pass)}
.gauge.low span{background:#e0a800}.gauge.empty{background:var(--fail-bg);box-shadow:inset 0 0 0 1px #f3b1b1}
.gauge-label{font-size:12.5px;font-weight:600}
ul.problems{margin:0;padding-left:18px}
ul.problems li{margin:4px 0}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
`;

function kv(rows: Array<[string, string]>, codeValues = false): string {
  const items = rows
    .map(([k, v]) => `<dt>${htmlEscape(k)}</dt><dd>${codeValues ? `<code>${htmlEscape(v)}</code>` : htmlEscape(v)}</dd>`)
    .join('');
  return `<dl class="kv">${items}</dl>`;
}

function pre(text: string, cls = ''): string {
  return `<pre${cls ? ` class="${cls}"` : ''}>${htmlEscape(text)}</pre>`;
}

function banner(report: Report): string {
  const q = report.request;
  const t = exchangeTimings(report);
  const facts: Array<[string, string]> = [
    ['Endpoint', `${q.method} ${q.endpoint}`],
    ['operationId', q.operationId],
    ['Status', statusLine(report)],
    ['Total time', formatMs(t?.total ?? null)],
    ['Mode', q.mode],
    ['Requests sent', String(report.requestsSent)],
  ];
  return `<header class="banner v-${htmlEscape(report.verdict)}" data-verdict="${htmlEscape(report.verdict)}">
<div class="banner-top"><span class="verdict">${VERDICT_ICONS[report.verdict]} ${htmlEscape(VERDICT_TITLES[report.verdict])}</span>
<span class="stamp">${htmlEscape(report.tool.name)} ${htmlEscape(report.tool.version)} · ${htmlEscape(report.createdAt)} · exit code ${report.exitCode}</span></div>
<h1 class="summary">${htmlEscape(report.summary)}</h1>
<div class="facts">${facts
    .map(([k, v]) => `<div><span class="k">${htmlEscape(k)}</span><span class="v">${k === 'Endpoint' || k === 'operationId' ? `<code>${htmlEscape(v)}</code>` : htmlEscape(v)}</span></div>`)
    .join('')}</div>
</header>`;
}

function checklist(report: Report): string {
  const rows = report.checks
    .map((c) => {
      const advice = c.advice && c.advice.trim() ? `<p class="advice">${htmlEscape(c.advice)}</p>` : '';
      return `<tr data-check="${htmlEscape(c.id)}" data-status="${htmlEscape(c.status)}"><td>${htmlEscape(c.title)}</td>` +
        `<td><span class="badge s-${htmlEscape(c.status)}">${CHECK_SYMBOLS[c.status]} ${htmlEscape(c.status)}</span></td>` +
        `<td><p>${htmlEscape(c.message)}</p>${advice}</td></tr>`;
    })
    .join('\n');
  return `<section class="card" id="checklist"><h2>Pre-support checklist</h2>
<table class="checks"><thead><tr><th>Check</th><th>Result</th><th>Details / advice</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

/** A watched check's timeline, right after the banner as in the Markdown report: the report's own summary and attempts. */
function watchPanel(report: Report): string {
  const w = report.watch;
  if (!w) return '';
  const rows = w.attempts
    .map((a, i) => {
      const status = a.status === null ? `no answer${a.error ? ` (${a.error})` : ''}` : String(a.status);
      const cls = a.verdict === 'pass' ? 's-pass' : 's-fail';
      return `<tr data-attempt="${i + 1}"><td>${i + 1}</td><td><code>${htmlEscape(a.time)}</code></td><td>${htmlEscape(status)}</td>` +
        `<td><span class="badge ${cls}">${htmlEscape(a.verdict)}</span></td></tr>`;
    })
    .join('\n');
  const first = w.firstFailureReport ? `<p class="note">The first failure has its own full report: <code>${htmlEscape(w.firstFailureReport)}</code>.</p>` : '';
  return `<section class="card" id="watch" data-outcome="${htmlEscape(w.outcome)}"><h2>Watch timeline</h2>
<p>${htmlEscape(w.summary)} (times in UTC)</p>
<table><thead><tr><th>#</th><th>Time (UTC)</th><th>Status</th><th>Verdict</th></tr></thead>
<tbody>
${rows}
</tbody></table>${first}</section>`;
}

function validation(report: Report): string {
  const problems = [...report.validation.errors, ...report.validation.warnings];
  if (problems.length === 0) return '';
  const items = problems
    .map((p) => {
      const cls = p.severity === 'error' ? 's-fail' : 's-warn';
      return `<li><span class="badge ${cls}">${htmlEscape(p.severity)}</span> <code>${htmlEscape(p.param)}</code> (${htmlEscape(p.in)}): ${htmlEscape(p.message)} <span class="note">Fix: ${htmlEscape(p.fix)}</span></li>`;
    })
    .join('\n');
  return `<section class="card" id="validation"><h2>Offline validation</h2><ul class="problems">${items}</ul></section>`;
}

function pct(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100000) / 1000}%`;
}

/** A single bar cut into the phases of the exchange, like httpstat's diagram, plus one box per phase. */
function waterfall(report: Report): string {
  const t = exchangeTimings(report);
  if (!t) {
    const why = report.requestsSent === 0 ? 'No request was sent, so there is nothing to time.' : 'No timings were recorded.';
    return `<section class="card" id="timing"><h2>Timing</h2><p class="note">${why}</p></section>`;
  }
  const phases = timingPhases(t);
  const known = phases.filter((p) => p.ms !== null && p.ms >= 0);
  const measured = known.reduce((sum, p) => sum + (p.ms as number), 0);
  const whole = Math.max(t.total, measured, 0.001);
  const rest = whole - measured;
  const segs = known.map(
    (p) =>
      `<div class="seg p-${p.name}" data-phase="${p.name}" style="width:${pct(p.ms as number, whole)}" title="${htmlEscape(`${p.label}: ${formatMs(p.ms)}`)}"></div>`,
  );
  // Time not explained by any measured phase: on a failure it is the wait that never got an answer.
  if (rest / whole > 0.005) {
    const name = report.response ? 'other' : 'no-response';
    const label = report.response ? 'Not attributed to a phase' : `Waiting, no response (${report.error?.kind ?? 'failed'})`;
    segs.push(`<div class="seg p-${name}" data-phase="${name}" style="width:${pct(rest, whole)}" title="${htmlEscape(`${label}: ${formatMs(rest)}`)}"></div>`);
  }
  let at = 0;
  const boxes = phases
    .map((p) => {
      if (p.ms === null) {
        return `<div class="phase unknown" style="--c:#d5dae2"><div class="name">${htmlEscape(p.label)}</div><div class="ms">–</div><div class="at">not measured</div></div>`;
      }
      at += p.ms;
      return `<div class="phase" style="--c:var(--${p.name})"><div class="name">${htmlEscape(p.label)}</div><div class="ms">${htmlEscape(formatMs(p.ms))}</div><div class="at">done at ${htmlEscape(formatMs(at))}</div></div>`;
    })
    .join('');
  const failNote = report.response
    ? ''
    : `<p class="note">No response arrived${report.error ? `: ${htmlEscape(report.error.kind)} (${htmlEscape(report.error.code)})` : ''}; the striped part is time spent waiting.</p>`;
  return `<section class="card" id="timing"><h2>Timing</h2>
<div class="waterfall" aria-label="Timing waterfall"><div class="bar">${segs.join('')}</div>
<div class="axis"><span>0 ms</span><span>total ${htmlEscape(formatMs(t.total))}</span></div></div>
<div class="phases">${boxes}</div>${failNote}</section>`;
}

function headersText(headers: Record<string, string>): string {
  const lines = Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  return lines.length ? lines.join('\n') : '(none)';
}

function requestPanel(report: Report): string {
  const q = report.request;
  return `<section class="card" id="request"><h2>Request</h2>
${kv(endpointRows(report))}
<h3>Payload (path, query${q.body !== null && q.body !== undefined ? ', body' : ''})</h3>
${pre(JSON.stringify(requestPayload(report), null, 2))}
<h3>Headers (credentials masked)</h3>
${pre(headersText(q.headers))}
</section>`;
}

function responsePanel(report: Report): string {
  const r = report.response;
  if (!r && report.requestsSent === 0 && !report.error) {
    return `<section class="card" id="response"><h2>Response</h2>
<div class="status c0">Not sent</div>
<p class="note">The checks before the call stopped the request (see the checklist), so nothing was sent or billed.</p>
</section>`;
  }
  if (!r) {
    const e = report.error;
    return `<section class="card" id="response"><h2>Response</h2>
<div class="status c0">No response</div>
${e ? kv([['Failure', e.kind], ['Code', e.code], ['Message', e.message]]) : '<p class="note">The request failed before any response.</p>'}
</section>`;
  }
  const body = displayBody(report, MAX_BODY_CHARS);
  const cls = `c${String(r.status).charAt(0)}`;
  const documented = r.documented ? `${r.documented.code} — ${r.documented.text}` : 'not on the API’s errors page';
  return `<section class="card" id="response"><h2>${report.verdict === 'pass' ? 'Response' : 'Error response received'}</h2>
<div class="status ${cls}">${htmlEscape(statusLine(report))}</div>
${kv([
  ['Documented meaning', documented],
  ['HTTP version', r.httpVersion],
  ['Content-Type', r.contentType ?? 'none'],
  ['Body size', `${formatBytes(r.bodyBytes)}${r.truncated ? ' (truncated when captured)' : ''}`],
])}
<h3>Body${body?.kind === 'json' ? ' (JSON, formatted)' : body?.kind === 'html' ? ' (HTML source, not rendered)' : ''}</h3>
${body && body.text !== '' ? pre(body.text) : '<p class="note">The body was empty.</p>'}
${body?.note ? `<p class="note">${htmlEscape(body.note)}</p>` : ''}
<h3>Headers</h3>
${pre(headersText(r.headers))}
</section>`;
}

function rateLimitPanel(report: Report): string {
  const rl = report.rateLimit;
  if (!rl) {
    const why = report.response
      ? 'The response carried no rate-limit headers and was not a 429. The direct API documents none; RapidAPI adds them.'
      : report.requestsSent === 0
        ? 'No request was sent, so there is no rate-limit information.'
        : 'No response arrived, so there is no rate-limit information.';
    return `<section class="card" id="rate-limit"><h2>Rate limit</h2><p class="note">${htmlEscape(why)}</p></section>`;
  }
  let gauge = '';
  if (rl.percentLeft !== null) {
    const p = Math.max(0, Math.min(100, rl.percentLeft));
    const cls = p <= 0 ? ' empty' : p < 20 ? ' low' : '';
    gauge =
      `<div class="gauge-label">${htmlEscape(`${Math.round(p * 10) / 10} % left`)}</div>` +
      `<div class="gauge${cls}" data-percent-left="${p}"><span style="width:${p}%"></span></div>`;
  }
  return `<section class="card" id="rate-limit"><h2>Rate limit</h2>${gauge}${kv(rateLimitRows(report))}</section>`;
}

function environmentPanel(report: Report): string {
  return `<section class="card" id="environment"><h2>Environment</h2>${kv(environmentRows(report))}</section>`;
}

function reproducePanel(report: Report): string {
  return `<section class="card" id="reproduce"><h2>Reproduce</h2>
${pre(report.reproduction.curl, 'curl')}
<p class="note">Set the key in your shell first: <code>export MASHVISOR_API_KEY=…</code></p>
<h3>API key</h3><p>${htmlEscape(keyLine(report))}</p></section>`;
}

/**
 * The head every page of the tool shares: no script, nothing fetched (the content security policy allows inline
 * style and data: images only), no referrer. `title` is HTML already.
 */
export function pageHead(title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${style}</style>
</head>`;
}

export function renderHtml(report: Report): string {
  const title = `${VERDICT_TITLES[report.verdict]} — ${report.request.method} ${report.request.endpoint} — mashvisor-preflight`;
  return `${pageHead(htmlEscape(title), STYLE)}
<body>
<main class="page">
${banner(report)}
${watchPanel(report)}
${checklist(report)}
${validation(report)}
${waterfall(report)}
<div class="grid">
${requestPanel(report)}
${responsePanel(report)}
</div>
<div class="grid">
${rateLimitPanel(report)}
${environmentPanel(report)}
</div>
${reproducePanel(report)}
<footer>Generated by ${htmlEscape(report.tool.name)} ${htmlEscape(report.tool.version)} · report schema v${report.schemaVersion} · credentials redacted</footer>
</main>
</body>
</html>
`;
}
