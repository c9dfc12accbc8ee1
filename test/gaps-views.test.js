// Two views that read a report the wrong way or not at all: `diff` given newest first compares in time order, and
// the HTML report of a `check --watch` carries the timeline the Markdown and JSON reports carry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, runCli, useSandbox } from './helpers.js';
import { SANDBOX_KEY } from '../dist/sandbox/server.js';

const FIXTURES = join(root, 'test', 'fixtures', 'reports');
const PASS = join(FIXTURES, 'pass-200.json'); // 2025-11-26 09:15, exit 0
const OUTAGE = join(FIXTURES, 'server-error-503-maintenance.json'); // 2025-11-26 12:00, exit 3

test('fixtures: the pass is the older run, the 503 the newer', () => {
  const at = (f) => Date.parse(JSON.parse(readFileSync(f, 'utf8')).createdAt);
  assert.ok(at(PASS) < at(OUTAGE));
});

test('diff NEW OLD: compared oldest → newest, said in one line of at most 80 columns, exit code of the newer', async () => {
  const backwards = await runCli(['diff', OUTAGE, PASS]);
  const forwards = await runCli(['diff', PASS, OUTAGE]);
  assert.is(backwards.code, 3, backwards.stderr);
  assert.is(forwards.code, 3, forwards.stderr);
  assert.match(backwards.stdout, /\nwas 200 at 09:15, now 503 maintenance at 12:00 \(UTC\)\n/);
  assert.is(backwards.stdout, forwards.stdout);
  const note = backwards.stderr.trimEnd().split('\n');
  assert.is(note.length, 1, backwards.stderr);
  assert.match(note[0], /newest first|newer report given first/);
  assert.match(note[0], /oldest → newest/);
  assert.ok([...note[0]].length <= 80, `wider than 80 columns: ${note[0]}`);
  assert.is(forwards.stderr, '');
});

test('diff --json NEW OLD: the same comparison as in time order, and it names the file taken as old', async () => {
  const backwards = JSON.parse((await runCli(['diff', OUTAGE, PASS, '--json'])).stdout);
  const forwards = JSON.parse((await runCli(['diff', PASS, OUTAGE, '--json'])).stdout);
  assert.is(backwards.before.status, 200);
  assert.is(backwards.after.status, 503);
  assert.equal(backwards.files, { before: PASS, after: OUTAGE });
  assert.is(backwards.swapped, true);
  assert.equal(forwards.files, { before: PASS, after: OUTAGE });
  assert.is(forwards.swapped, false);
  const { files, swapped, ...rest } = backwards;
  const { files: f2, swapped: s2, ...restForwards } = forwards;
  assert.equal(rest, restForwards);
});

test('report --html of a hand-edited watched report: every timeline field is text, not markup', async () => {
  const { renderHtml } = await import('../dist/report/html.js');
  const report = JSON.parse(readFileSync(OUTAGE, 'utf8'));
  const mark = '<img src=x onerror=alert(1)>';
  report.watch = {
    attempts: [{ time: `2025-11-26T12:00:31Z${mark}`, status: null, verdict: 'network-error', error: `ECONNRESET${mark}` }],
    outcome: 'budget', summary: `ECONNRESET at 12:00:31 ${mark}`, firstFailureReport: `first${mark}.json`,
  };
  const html = renderHtml(report);
  assert.ok(html.includes('id="watch"'));
  assert.not.ok(html.includes(mark));
  assert.is(html.split('&lt;img src=x onerror=alert(1)&gt;').length - 1, 4);
});

// --- the HTML report of a watched check, against the simulator ---

let sandbox;
let dir;
useSandbox(test, 'mvp-gaps-views-', (s, d) => {
  sandbox = s;
  dir = d;
});

// Markup in a header the user sent: it is shown in the request panel, and must stay text there.
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const ALLOWED_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'div', 'span', 'h1', 'h2',
  'h3', 'section', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'p', 'code', 'pre', 'dl', 'dt', 'dd', 'ul', 'li', 'footer']);

test('check --watch --html through the recovering outage: the HTML report holds the timeline, all of it escaped', async () => {
  const args = ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl,
    '--reports-dir', dir, '-H', 'x-sandbox-scenario: recovering', '-H', `x-note: ${HOSTILE}`, '--watch', '--html'];
  const r = await runCli(args, { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stderr);
  assert.is(sandbox.requests, 3);
  const reports = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.is(reports.length, 2);
  const final = JSON.parse(readFileSync(join(dir, reports[1]), 'utf8'));
  assert.equal(final.watch.attempts.map((a) => a.status), [503, 503, 200]);
  const html = readFileSync(join(dir, reports[1].replace(/\.json$/, '.html')), 'utf8');

  const section = /<section class="card" id="watch"[^>]*>[\s\S]*?<\/section>/.exec(html)?.[0];
  assert.ok(section, 'no watch timeline section');
  assert.ok(html.indexOf('id="watch"') < html.indexOf('id="checklist"'), 'the timeline comes before the checklist');
  // The summary is the report's own sentence, not one the writer made up again.
  assert.ok(section.includes(final.watch.summary), `summary missing: ${final.watch.summary}`);
  const rows = [...section.matchAll(/<tr data-attempt="(\d+)">([\s\S]*?)<\/tr>/g)];
  assert.is(rows.length, 3);
  final.watch.attempts.forEach((a, i) => {
    assert.is(rows[i][1], String(i + 1));
    for (const text of [a.time, String(a.status), a.verdict]) assert.ok(rows[i][2].includes(text), `attempt ${i + 1}: ${text}`);
  });
  assert.ok(section.includes(reports[0]), 'the first failure\'s report is named');

  // Nothing unescaped: only the page's own tags, no script, no event handler, the header's markup shown as text.
  for (const [, name] of html.matchAll(/<\/?([!a-z0-9]+)/gi)) assert.ok(ALLOWED_TAGS.has(name.toLowerCase()), `unexpected tag <${name}>`);
  for (const [tag] of html.matchAll(/<[a-z!][^<>]*>/gi)) assert.not.match(tag, /\son[a-z]+\s*=/i, `event handler in ${tag}`);
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;'), 'the header markup, escaped');
  assert.ok(html.includes("default-src 'none'"), 'the CSP');
  assert.not.ok(html.includes(SANDBOX_KEY));
});

test.run();
