// `history --html`: the response codes and latency of past runs as a picture, per endpoint, for the ticket. Like
// the report page: one self-contained file, inline CSS only, no script at all, nothing fetched, the same content
// security policy. Every value from history.jsonl (written by us, but a file anyone could edit) is escaped.
import { htmlEscape, pageHead } from './html.js';
import { statusKey, type History, type HistoryEntry } from './history.js';
import { formatDuration } from '../shared/units.js';

/** A link from the page to one file of a run's report, already relative to the page and URL-encoded. */
export interface RunLink {
  format: string;
  href: string;
}

export interface HistoryPageOptions {
  /** Per entry (same index as history.entries): the report files to link to. */
  links?: RunLink[][];
  /** Shown in the header: where the history was read. */
  source?: string;
}

/** Runs per endpoint above which marks get narrow and lose their status text. */
const WIDE_UP_TO = 40;

const STYLE = `
:root{--ink:#1d2330;--muted:#5b6475;--line:#e3e7ee;--bg:#f5f7fa;--card:#fff;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
--c2:#1a7f37;--c3:#2f6fde;--c4:#d97706;--c5:#c62828;--cn:#6d28d9;--cx:#9aa3b2}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
.page{max-width:1120px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:21px;margin:0 0 4px}
h2{font-size:15px;margin:0;font-family:var(--mono);word-break:break-all}
h3{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;margin:14px 0 6px;font-weight:600}
.sub{color:var(--muted);margin:0 0 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin-bottom:18px}
.card-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px;flex-wrap:wrap}
.counts{color:var(--muted);font-size:12.5px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12.5px;color:var(--muted);margin:0 0 18px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px}
.chart{display:flex;align-items:flex-end;gap:3px;overflow-x:auto;padding-bottom:4px}
.run{display:flex;flex-direction:column;align-items:stretch;justify-content:flex-end;flex:0 0 auto;width:30px;height:116px}
.narrow .run{width:7px;height:96px}
.lane{flex:1 1 0;display:flex;flex-direction:column;justify-content:flex-end;min-height:0}
.lat{display:block;margin:0 4px 4px;min-height:2px;border-radius:2px 2px 0 0;opacity:.45}
.narrow .lat{margin:0 0 3px}
.mark{display:block;height:20px;border-radius:4px;color:#fff;font:700 10.5px/20px var(--mono);text-align:center;overflow:hidden}
.narrow .mark{height:14px;border-radius:2px;font-size:0}
.c2{background:var(--c2)}.c3{background:var(--c3)}.c4{background:var(--c4)}.c5{background:var(--c5)}.cn{background:var(--cn)}.cx{background:var(--cx)}
.card>h3:first-child{margin-top:0}
.plot{display:inline-block;max-width:100%;min-width:280px;vertical-align:top}
.axis{display:flex;gap:16px;justify-content:space-between;font-size:11.5px;color:var(--muted);margin-top:2px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid var(--line)}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em;background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{border-bottom:0}
code,.mono{font-family:var(--mono);font-size:12.5px}
.dot{display:inline-block;width:10px;height:10px;border-radius:3px;margin-right:6px;vertical-align:-1px}
a{color:#2f5bd3}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
`;

const LEGEND: Array<[string, string]> = [
  ['c2', '2xx'], ['c3', '3xx'], ['c4', '4xx'], ['c5', '5xx'], ['cn', 'no response'], ['cx', 'not sent'],
];

/** The colour class of a run: its status class, or why it has none. */
export function runClass(e: Pick<HistoryEntry, 'status' | 'requestsSent'>): string {
  if (e.status === null) return e.requestsSent === 0 ? 'cx' : 'cn';
  const c = Math.floor(e.status / 100);
  return c >= 2 && c <= 5 ? `c${c}` : 'cn';
}

/** "2026-12-05T17:35:37.328Z" → "2026-12-05 17:35:37 UTC". */
function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function markText(e: HistoryEntry): string {
  const key = statusKey(e.status, e.requestsSent);
  return key === 'no-response' ? '—' : key === 'not-sent' ? '·' : key;
}

/** The hover text of one run: when, what came back, what it means, how long it took. */
function runTitle(e: HistoryEntry): string {
  const lines = [`${when(e.time)} · ${statusKey(e.status, e.requestsSent)} · ${e.verdict} · ${formatDuration(e.durationMs)}`];
  if (e.headline) lines.push(e.headline);
  return lines.join('\n');
}

function endpointCard(endpoint: string, runs: Array<{ e: HistoryEntry; i: number }>, counts: Record<string, number>): string {
  const slowest = Math.max(1, ...runs.map(({ e }) => e.durationMs));
  const marks = runs.map(({ e, i }) => {
    const height = Math.max(2, Math.round((e.durationMs / slowest) * 100));
    const cls = runClass(e);
    return `<div class="run" data-run="${i}" data-status="${htmlEscape(statusKey(e.status, e.requestsSent))}" data-verdict="${htmlEscape(e.verdict)}" ` +
      `data-time="${htmlEscape(e.time)}" data-duration="${htmlEscape(e.durationMs)}" title="${htmlEscape(runTitle(e))}">` +
      `<span class="lane"><i class="lat ${cls}" style="height:${height}%"></i></span><b class="mark ${cls}">${htmlEscape(markText(e))}</b></div>`;
  }).join('');
  const ops = [...new Set(runs.map(({ e }) => e.operationId))].join(', ');
  const countText = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ×${n}`).join(' · ');
  const first = runs[0]!.e;
  const last = runs.at(-1)!.e;
  return `<section class="card endpoint" data-endpoint="${htmlEscape(endpoint)}">
<div class="card-head"><h2>${htmlEscape(endpoint)}</h2><span class="counts">${htmlEscape(ops)} · ${runs.length} run${runs.length === 1 ? '' : 's'} · ${htmlEscape(countText)}</span></div>
<h3>Response codes and latency, one column per run (slowest ${htmlEscape(formatDuration(slowest))})</h3>
<div class="plot"><div class="chart${runs.length > WIDE_UP_TO ? ' narrow' : ''}">${marks}</div>
<div class="axis"><span>${htmlEscape(when(first.time))}</span><span>${htmlEscape(when(last.time))}</span></div></div>
</section>`;
}

function countsTable(history: History): string {
  const statuses = Object.keys(history.byStatus).sort();
  const head = ['Endpoint', 'Runs', ...statuses].map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${htmlEscape(h)}</th>`).join('');
  const rows = Object.entries(history.byEndpoint).sort(([a], [b]) => a.localeCompare(b)).map(([endpoint, stats]) =>
    `<tr><td><code>${htmlEscape(endpoint)}</code></td><td class="num">${stats.runs}</td>${statuses.map((s) => `<td class="num">${stats.byStatus[s] ?? 0}</td>`).join('')}</tr>`);
  return `<section class="card" id="counts"><h3>Runs per endpoint and status</h3><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function runsTable(history: History, links: RunLink[][]): string {
  const rows = history.entries.map((e, i) => ({ e, i })).reverse().map(({ e, i }) => {
    const files = (links[i] ?? []).map((l) => `<a href="${htmlEscape(l.href)}">${htmlEscape(l.format)}</a>`).join(' · ') || '—';
    return `<tr data-entry="${i}"><td>${htmlEscape(when(e.time))}</td><td><code>${htmlEscape(e.operationId)}</code></td>` +
      `<td><span class="dot ${runClass(e)}"></span>${htmlEscape(statusKey(e.status, e.requestsSent))}</td><td>${htmlEscape(e.verdict)}</td>` +
      `<td class="num">${htmlEscape(formatDuration(e.durationMs))}</td><td>${files}</td></tr>`;
  });
  return `<section class="card" id="runs"><h3>Runs, newest first</h3><table><thead><tr><th>Time</th><th>Operation</th><th>Status</th><th>Verdict</th><th class="num">Duration</th><th>Report</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

export function renderHistoryHtml(history: History, options: HistoryPageOptions = {}): string {
  const byEndpoint = new Map<string, Array<{ e: HistoryEntry; i: number }>>();
  history.entries.forEach((e, i) => {
    const list = byEndpoint.get(e.endpoint) ?? [];
    list.push({ e, i });
    byEndpoint.set(e.endpoint, list);
  });
  const cards = [...byEndpoint.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, runs]) => endpointCard(endpoint, runs, history.byEndpoint[endpoint]?.byStatus ?? {}));
  const n = history.entries.length;
  const span = n ? ` from ${when(history.entries[0]!.time)} to ${when(history.entries.at(-1)!.time)}` : '';
  const legend = LEGEND.map(([cls, label]) => `<span><i class="${cls}"></i>${label}</span>`).join('') + '<span>bar height: latency</span>';
  const body = n === 0 ? '<section class="card"><p>No runs recorded yet.</p></section>'
    : `${cards.join('\n')}\n${countsTable(history)}\n${runsTable(history, options.links ?? [])}`;
  const skipped = history.skipped ? ` · ${history.skipped} unreadable line${history.skipped === 1 ? '' : 's'} skipped` : '';
  return `${pageHead(`Mashvisor API — response history (${n} run${n === 1 ? '' : 's'})`, STYLE)}
<body><div class="page">
<h1>Mashvisor API — response history</h1>
<p class="sub">${n} run${n === 1 ? '' : 's'}${htmlEscape(span)} · ${byEndpoint.size} endpoint${byEndpoint.size === 1 ? '' : 's'}${options.source ? ` · ${htmlEscape(options.source)}` : ''}${htmlEscape(skipped)}. Hover a column for its time, status and verdict.</p>
<div class="legend">${legend}</div>
${body}
<footer>Generated by mashvisor-preflight from history.jsonl · no script, nothing fetched</footer>
</div></body>
</html>
`;
}
