// history: the terminal strip (symbols, NO_COLOR, 80 columns) and the --html page as text (escaping, links,
// content security policy). The page in a real browser is test/history-html-browser.test.js.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';
import { historyStrip } from '../dist/cli/commands/history.js';
import { renderHistoryHtml, runClass } from '../dist/report/history-html.js';
import { readHistory } from '../dist/report/history.js';

let dir;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mvp-history-view-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const entry = (i, status, verdict, extra = {}) => ({
  time: new Date(Date.UTC(2026, 11, 5, 10, 0, i)).toISOString(), endpoint: '/client/rental-rates', operationId: 'getRentalRates',
  status, verdict, durationMs: 100 + i, requestsSent: 1, ...extra,
});

function writeHistory(entries) {
  writeFileSync(join(dir, 'history.jsonl'), entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

const ESC = /\u001b\[/;

test('strip: one line per endpoint, symbols by verdict, colours only when asked', async () => {
  writeHistory([entry(0, 503, 'server-error'), entry(1, null, 'network-error'), entry(2, 401, 'client-error'), entry(3, 200, 'pass'),
    entry(4, null, 'client-error', { requestsSent: 0, endpoint: '/client/property' })]);
  const history = await readHistory(dir);
  const plain = historyStrip(history, { color: false });
  assert.not.match(plain, ESC);
  assert.match(plain, /\/client\/rental-rates\s+✖~!✔$/m);
  assert.match(plain, /\/client\/property\s+·$/m);
  for (const label of ['✔ pass', '! client-error', '✖ server-error', '~ network-error', '· not sent']) assert.ok(plain.includes(label), label);
  const coloured = historyStrip(history, { color: true });
  assert.match(coloured, /\u001b\[31m✖\u001b\[0m/);
  assert.match(coloured, /\u001b\[32m✔\u001b\[0m/);
});

test('strip: within 80 columns, even with a long endpoint and many runs; the newest runs are kept', async () => {
  const long = '/client/city/properties/{state}/{city}/and/then/some/more/path/segments';
  const entries = Array.from({ length: 150 }, (_, i) => entry(i, i === 149 ? 200 : 503, i === 149 ? 'pass' : 'server-error', { endpoint: long }));
  writeHistory(entries);
  const history = await readHistory(dir);
  for (const width of [80, 200, 50]) {
    const text = historyStrip(history, { color: false, width });
    for (const line of text.split('\n')) assert.ok([...line].length <= Math.min(width, 80), `${width}: ${line}`);
    assert.match(text, /✔$/m);
  }
});

test('history in a pipe and under NO_COLOR: the strip is there, plain', async () => {
  writeHistory([entry(0, 503, 'server-error'), entry(1, 200, 'pass')]);
  for (const env of [{}, { NO_COLOR: '1' }]) {
    const r = await runCli(['history', '--reports-dir', dir], { env });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /Last runs per endpoint, oldest to newest/);
    assert.match(r.stdout, /\/client\/rental-rates\s+✖✔/);
    assert.not.match(r.stdout, ESC);
    for (const line of r.stdout.split('\n')) assert.ok([...line].length <= 80, line);
  }
});

test('--html: the page holds one mark per run with its time, status and verdict, and no script', async () => {
  writeHistory([entry(0, 503, 'server-error', { headline: 'Response code: HTTP 503' }), entry(1, 200, 'pass'), entry(2, null, 'network-error')]);
  const history = await readHistory(dir);
  const html = renderHistoryHtml(history);
  assert.is((html.match(/class="run"/g) ?? []).length, 3);
  assert.ok(html.includes('title="2026-12-05 10:00:00 UTC · 503 · server-error · 100 ms\nResponse code: HTTP 503"'));
  assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"`));
  assert.not.match(html, /<script|<img|<link|https?:\/\//i);
  assert.equal([200, 301, 404, 503, null].map((status) => runClass({ status, requestsSent: 1 })), ['c2', 'c3', 'c4', 'c5', 'cn']);
  assert.is(runClass({ status: null, requestsSent: 0 }), 'cx');
});

test('--html: values from an edited history.jsonl stay text', async () => {
  const payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
  writeHistory([entry(0, 503, 'server-error', { endpoint: payload, operationId: payload, headline: payload })]);
  const html = renderHistoryHtml(await readHistory(dir));
  assert.not.ok(html.includes('<script>'));
  assert.not.ok(html.includes('<img'));
  assert.ok(html.includes('&lt;script&gt;'));
});

test('history --html FILE: written privately, with links to the report files that exist', async () => {
  const reports = join(dir, 'reports');
  mkdirSync(reports);
  writeFileSync(join(reports, 'history.jsonl'), [entry(0, 503, 'server-error'), entry(1, 200, 'pass')].map((e) => JSON.stringify(e)).join('\n') + '\n');
  // the first run has its reports; the second (a middle attempt of a watch, say) has none
  for (const ext of ['json', 'md']) writeFileSync(join(reports, `20261205-100000-000-getRentalRates.${ext}`), '{}');
  const page = join(dir, 'out', 'page with space.html');
  mkdirSync(join(dir, 'out'));
  const r = await runCli(['history', '--reports-dir', reports, '--html', page]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /History page: .*page with space\.html \(2 runs/);
  const html = readFileSync(page, 'utf8');
  assert.ok(html.includes('href="../reports/20261205-100000-000-getRentalRates.json"'));
  assert.ok(html.includes('href="../reports/20261205-100000-000-getRentalRates.md"'));
  assert.is((html.match(/<a href/g) ?? []).length, 2);
  assert.is(statSync(page).mode & 0o777, 0o600);
  const bad = await runCli(['history', '--reports-dir', reports, '--html', join(dir, 'missing', 'x.html')]);
  assert.is(bad.code, 2);
  assert.is(bad.stderr.trim().split('\n').length, 1);
});

test.run();
