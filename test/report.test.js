// Writers (JSON, Markdown, HAR, HTML, JUnit), curl, environment, the report schema, file writing and history.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { har as validateHar } from 'har-validator';
import { parse as shellParse } from 'shell-quote';
import { renderJson } from '../dist/report/json.js';
import { renderMarkdown } from '../dist/report/markdown.js';
import { renderHar } from '../dist/report/har.js';
import { renderHtml } from '../dist/report/html.js';
import { renderJunit } from '../dist/report/junit.js';
import { reproductionCurl } from '../dist/report/curl.js';
import { collectEnvironment } from '../dist/report/environment.js';
import { ReportWriteError, writeReport, writeReportFiles, fileStamp } from '../dist/report/files.js';
import { appendHistory, readHistory } from '../dist/report/history.js';
import { renderHistoryTable } from '../dist/cli/commands/history.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const Ajv = require('ajv').default;
const addFormats = require('ajv-formats').default;

const fixtureDir = join(here, 'fixtures', 'reports');
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), report: JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) }));
const byName = Object.fromEntries(fixtures.map((f) => [f.name, f.report]));

const tempDirs = [];
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'mvp-report-'));
  tempDirs.push(d);
  return d;
}
test.after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** Writers must be pure: a frozen Report is never modified (strict-mode writes to it would throw). */
function deepFreeze(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
const clone = (v) => JSON.parse(JSON.stringify(v));

// ---------------------------------------------------------------- fixtures cover what they must

test('fixtures cover every case the writers must handle', () => {
  const names = fixtures.map((f) => f.name);
  for (const n of [
    'pass-200',
    'client-error-401',
    'client-error-404-state-missing',
    'rate-limit-429',
    'server-error-503-maintenance',
    'network-error-timeout',
    'rapidapi-mode',
    'post-with-body',
  ]) {
    assert.ok(names.includes(n), `missing fixture ${n}`);
  }
  assert.is(byName['network-error-timeout'].response, null);
  assert.is(byName['rapidapi-mode'].request.mode, 'rapidapi');
  assert.is(byName['post-with-body'].request.method, 'POST');
  assert.is(byName['server-error-503-maintenance'].response.status, 503);
  assert.ok(byName['rate-limit-429'].rateLimit.retryAfterSeconds > 0);
});

// ---------------------------------------------------------------- schema

function schemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(here, '..', 'schemas', 'report.schema.json'), 'utf8')));
}

test('schema: every fixture validates; drift is rejected', () => {
  const validate = schemaValidator();
  for (const { name, report } of fixtures) {
    assert.ok(validate(report), `${name}: ${JSON.stringify(validate.errors, null, 2)}`);
    // the JSON writer's output is the same object
    assert.ok(validate(JSON.parse(renderJson(report))), name);
  }
  const base = byName['pass-200'];
  const bad = [
    { ...clone(base), extra: 1 },
    { ...clone(base), verdict: 'maybe' },
    { ...clone(base), checks: [{ ...base.checks[0], id: 'other' }] },
    { ...clone(base), request: { ...base.request, mode: 'proxy' } },
    { ...clone(base), rateLimit: { ...clone(byName['rapidapi-mode'].rateLimit), scope: 'monthly' } },
    (() => {
      const r = clone(base);
      delete r.summary;
      return r;
    })(),
    { ...clone(base), key: { ...base.key, fingerprint: 'CANARY-KEY-1234567890abcdef' } },
  ];
  for (const r of bad) assert.not.ok(validate(r), 'an invalid report passed the schema');
});

// ---------------------------------------------------------------- JSON

test('renderJson: pretty, trailing newline, round-trips, pure', () => {
  for (const { name, report } of fixtures) {
    const frozen = deepFreeze(clone(report));
    const out = renderJson(frozen);
    assert.ok(out.endsWith('}\n'), name);
    assert.ok(out.includes('\n  "verdict": '), name);
    assert.equal(JSON.parse(out), report, name);
    assert.is(renderJson(frozen), out, `${name}: same input, same output`);
  }
});

// ---------------------------------------------------------------- Markdown

/** Splits a GFM table row into cells, honouring '\|'. */
function cells(row) {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/);
}

function tablesOf(md) {
  const tables = [];
  let current = null;
  let inFence = false;
  for (const line of md.split('\n')) {
    if (/^(`{3,})/.test(line)) inFence = !inFence;
    if (!inFence && line.startsWith('|')) {
      current ??= [];
      current.push(line);
    } else if (current) {
      tables.push(current);
      current = null;
    }
  }
  if (current) tables.push(current);
  return tables;
}

test('renderMarkdown: key facts, verdict first, well-formed tables', () => {
  for (const { name, report } of fixtures) {
    const md = renderMarkdown(deepFreeze(clone(report)));
    const firstLines = md.split('\n').slice(0, 4).join('\n');
    assert.ok(firstLines.includes(report.verdict), `${name}: verdict at the top`);
    assert.ok(firstLines.includes(report.summary), `${name}: summary at the top`);
    assert.ok(md.includes(report.request.operationId), name);
    assert.ok(md.includes(report.request.endpoint), name);
    assert.ok(md.includes('```sh\ncurl '), `${name}: curl in a sh block`);
    assert.ok(md.includes('$MASHVISOR_API_KEY'), name);
    assert.ok(md.includes(report.key.fingerprint), `${name}: fingerprint`);
    assert.ok(md.includes(report.key.last4), `${name}: last4`);
    if (report.response) {
      assert.ok(md.includes(`**${report.response.status} ${report.response.statusText}**`), `${name}: status`);
      if (report.response.documented) assert.ok(md.includes(report.response.documented.text), `${name}: documented meaning`);
    } else {
      assert.ok(md.includes(report.error.kind) && md.includes(report.error.code), `${name}: network error`);
    }
    const tables = tablesOf(md);
    assert.ok(tables.length >= 3, `${name}: checklist, endpoint, environment tables`);
    for (const t of tables) {
      const width = cells(t[0]).length;
      assert.ok(/^\|( --- \|)+$/.test(t[1]), `${name}: separator row ${t[1]}`);
      for (const row of t) assert.is(cells(row).length, width, `${name}: row "${row}" has the wrong number of cells`);
    }
    const checklist = tables.find((t) => t[0].includes('Check') && t[0].includes('Result'));
    assert.ok(checklist, `${name}: checklist table`);
    assert.is(checklist.length - 2, report.checks.length, `${name}: one row per check`);
    for (const c of report.checks) {
      const symbol = { pass: '✔', warn: '⚠', fail: '✖', skip: '–' }[c.status];
      assert.ok(checklist.some((row) => row.includes(`${symbol} ${c.status}`) && row.includes(c.title)), `${name}: ${c.id}`);
    }
  }
});

test('renderMarkdown: pipes escaped, HTML body fenced, JSON body pretty, timing table, rate limit', () => {
  const md503 = renderMarkdown(byName['server-error-503-maintenance']);
  assert.ok(md503.includes('collection:City investment \\| Miami'), 'pipe escaped in a table cell');
  assert.ok(md503.includes('```html\n<!DOCTYPE html>'), 'html body in a fenced block');
  const md401 = renderMarkdown(byName['client-error-401']);
  assert.ok(md401.includes('```json\n{\n  "status": "error",\n  "code": 401,'), 'json body pretty printed');
  assert.ok(md401.includes('| TLS handshake | 61 ms |'));
  const md429 = renderMarkdown(byName['rate-limit-429']);
  assert.ok(md429.includes('## Rate limit'));
  assert.ok(md429.includes('| 60 | 0 | 0 % | 42 s | 42 s | rate | ratelimit |'), md429);
  const mdTimeout = renderMarkdown(byName['network-error-timeout']);
  assert.ok(mdTimeout.includes('No HTTP response was received.'));
  assert.ok(mdTimeout.includes('| Server processing (first byte) | – |'));
});

test('renderMarkdown: a body containing backticks cannot close its fence; truncation is noted', () => {
  const r = clone(byName['server-error-503-maintenance']);
  r.response.bodyText = 'before\n```\nnot markdown\n````\nafter';
  r.response.truncated = true;
  r.response.bodyBytes = 5_000_000;
  const md = renderMarkdown(r);
  assert.ok(md.includes('`````html\nbefore'), 'fence longer than any run inside');
  assert.match(md, /Truncated: the body was 4\.8 MiB/);
  const big = clone(byName['pass-200']);
  big.response.body = { rows: Array.from({ length: 3000 }, (_, i) => ({ i, v: 'x'.repeat(20) })) };
  const mdBig = renderMarkdown(big);
  assert.match(mdBig, /showing the first 10000 of \d+ characters/);
  assert.ok(mdBig.length < 20_000);
});

// ---------------------------------------------------------------- HAR

test('renderHar: passes har-validator for every fixture, with the facts in place', async () => {
  for (const { name, report } of fixtures) {
    const har = renderHar(deepFreeze(clone(report)));
    try {
      await validateHar(har);
    } catch (err) {
      assert.unreachable(`${name}: ${JSON.stringify(err.errors ?? err.message)}`);
    }
    assert.is(har.log.version, '1.2');
    assert.equal(har.log.creator, { name: report.tool.name, version: report.tool.version });
    assert.is(har.log.entries.length, 1);
    const e = har.log.entries[0];
    assert.is(e.request.method, report.request.method);
    assert.is(e.request.url, report.request.url);
    assert.is(e.startedDateTime, report.createdAt);
    for (const k of ['dns', 'connect', 'ssl', 'send', 'wait', 'receive']) assert.type(e.timings[k], 'number', `${name}.${k}`);
    if (report.response) {
      assert.is(e.response.status, report.response.status);
      assert.is(e.response.content.text, report.response.bodyText);
      assert.is(e.response.content.size, report.response.bodyBytes);
      assert.is(e.response.httpVersion, 'HTTP/1.1');
      assert.is(e.timings.wait, report.response.timings.firstByte);
      assert.is(e.timings.ssl, report.response.timings.tls);
    } else {
      assert.is(e.response.status, 0);
      assert.ok(e.response._error.includes(report.error.code), name);
      assert.is(e.timings.wait, -1, 'unknown phases are -1');
      assert.is(e.timings.receive, -1);
    }
    const q = report.request.query;
    assert.is(e.request.queryString.length, Object.values(q).flat().length);
    if (report.request.method === 'POST') {
      assert.equal(JSON.parse(e.request.postData.text), report.request.body);
      assert.is(e.request.postData.mimeType, 'application/json');
    } else {
      assert.is(e.request.postData, undefined);
    }
  }
  // and the validator does reject a broken HAR, so the loop above means something
  const broken = renderHar(byName['pass-200']);
  delete broken.log.entries[0].response.content;
  let rejected = false;
  await validateHar(broken).catch(() => (rejected = true));
  assert.ok(rejected);
});

// ---------------------------------------------------------------- HTML (structure; the browser test checks the DOM)

test('renderHtml: self-contained, escaped, verdict and rows marked', () => {
  for (const { name, report } of fixtures) {
    const html = renderHtml(deepFreeze(clone(report)));
    assert.ok(html.startsWith('<!doctype html>'), name);
    assert.not.match(html, /<script/i, `${name}: no script element`);
    assert.not.match(html, /<[^>]*\s(?:src|href|action|srcset|poster|background)\s*=/i, `${name}: nothing to fetch or follow`);
    assert.not.match(html, /url\(|@import/i, `${name}: no CSS fetches`);
    assert.ok(html.includes(`data-verdict="${report.verdict}"`), name);
    assert.ok(html.includes(`class="banner v-${report.verdict}"`), name);
    assert.is((html.match(/<tr data-check=/g) ?? []).length, report.checks.length, name);
    for (const c of report.checks) assert.ok(html.includes(`data-check="${c.id}" data-status="${c.status}"`), name);
    assert.ok(html.includes('$MASHVISOR_API_KEY'), name);
    assert.ok(html.includes(report.request.operationId), name);
    assert.ok(/data-phase="(dns|connect|tls|first-byte|download)"/.test(html), `${name}: waterfall segments`);
  }
  const html503 = renderHtml(byName['server-error-503-maintenance']);
  assert.ok(html503.includes('&lt;script&gt;document.location='), 'the HTML body is shown as text');
  assert.ok(html503.includes('&lt;link rel=&quot;stylesheet&quot;'));
});

test('a report whose request was never sent (invalid parameters) renders in every format', async () => {
  const r = clone(byName['client-error-404-state-missing']);
  Object.assign(r, { response: null, error: null, requestsSent: 0 });
  r.checks[3] = { ...r.checks[3], status: 'skip', message: 'no request was sent: the parameters are invalid' };
  deepFreeze(r);
  assert.ok(schemaValidator()(r));
  assert.match(renderMarkdown(r), /No request was sent: the checks before the call stopped it/);
  const html = renderHtml(r);
  assert.ok(html.includes('Not sent'));
  assert.not.match(html, /data-phase=/, 'no waterfall without an exchange');
  const har = renderHar(r);
  await validateHar(har);
  assert.is(har.log.entries[0].response._error, 'not sent');
  assert.is(har.log.entries[0].time, 0);
  assertWellFormedXml(renderJunit(r), 'not sent');
});

// ---------------------------------------------------------------- JUnit

/** A tiny XML tokenizer: tags must nest and close; text may hold only escaped markup characters. */
function assertWellFormedXml(xml, name) {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'), name);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const stack = [];
  let last = 0;
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  let m;
  while ((m = tag.exec(body))) {
    const text = body.slice(last, m.index);
    assert.not.match(text, /[<>]/, `${name}: stray markup in text: ${text}`);
    assert.not.match(text, /&(?!(amp|lt|gt|quot|apos|#\d+);)/, `${name}: bare & in text`);
    for (const a of m[3].matchAll(/="([^"]*)"/g)) assert.not.match(a[1], /&(?!(amp|lt|gt|quot|apos|#\d+);)/, `${name}: bare & in attribute`);
    last = tag.lastIndex;
    if (m[1]) assert.is(stack.pop(), m[2], `${name}: </${m[2]}> closes the wrong element`);
    else if (!m[4]) stack.push(m[2]);
  }
  assert.is(body.slice(last).trim(), '', `${name}: trailing content`);
  assert.equal(stack, [], `${name}: unclosed elements`);
}

test('renderJunit: counts, one testcase per check, failures and skips, well-formed', () => {
  for (const { name, report } of fixtures) {
    const xml = renderJunit(deepFreeze(clone(report)));
    assertWellFormedXml(xml, name);
    const fails = report.checks.filter((c) => c.status === 'fail').length;
    const skips = report.checks.filter((c) => c.status === 'skip').length;
    assert.ok(
      xml.includes(`<testsuite name="mashvisor-preflight" tests="${report.checks.length}" failures="${fails}" errors="0" skipped="${skips}"`),
      name,
    );
    assert.is((xml.match(/<testcase /g) ?? []).length, report.checks.length, name);
    assert.is((xml.match(/<failure /g) ?? []).length, fails, name);
    assert.is((xml.match(/<skipped /g) ?? []).length, skips, name);
    for (const c of report.checks) {
      assert.ok(xml.includes(`classname="mashvisor-preflight.${report.request.operationId}" name="${c.id}"`), `${name}: ${c.id}`);
    }
    const warns = report.checks.filter((c) => c.status === 'warn').length;
    assert.is((xml.match(/<system-out>WARNING: /g) ?? []).length, warns, `${name}: warnings in system-out`);
    assert.ok(xml.includes(`<property name="verdict" value="${report.verdict}"/>`), name);
    assert.ok(xml.includes('$MASHVISOR_API_KEY'), name);
  }
  // hostile text stays well-formed
  const r = clone(byName['client-error-401']);
  r.checks[1].message = 'a < b && "c" > \'d\' ]]> \u0001\u0007 end';
  r.summary = '<![CDATA[ x ]]>';
  const xml = renderJunit(r);
  assertWellFormedXml(xml, 'hostile');
  // Control characters are shown as \x01-style text, as on the terminal: visible, and legal XML.
  assert.ok(xml.includes('a &lt; b &amp;&amp; &quot;c&quot; &gt; &apos;d&apos; ]]&gt; \\x01\\x07 end'), xml);
});

// ---------------------------------------------------------------- curl

function curlArgs(curl, key = 'K3Y') {
  return shellParse(curl.replace(/\\\n/g, ' '), { MASHVISOR_API_KEY: key });
}

test('reproductionCurl: fixtures carry exactly what the function produces; the shell reads it back', () => {
  for (const { name, report } of fixtures) {
    const q = report.request;
    const curl = reproductionCurl({ method: q.method, url: q.url, headers: q.headers, body: q.body ?? undefined, mode: q.mode });
    assert.is(report.reproduction.curl, curl, name);
    const args = curlArgs(curl);
    assert.is(args[0], 'curl');
    assert.ok(args.includes(q.url), `${name}: URL is one argument`);
    const headers = args.filter((_, i) => args[i - 1] === '-H');
    const keyHeader = q.mode === 'rapidapi' ? 'x-rapidapi-key: K3Y' : 'x-api-key: K3Y';
    assert.ok(headers.includes(keyHeader), `${name}: ${headers}`);
    if (q.mode === 'rapidapi') assert.ok(headers.includes('x-rapidapi-host: mashvisor-api.p.rapidapi.com'));
    for (const h of headers) assert.not.match(h, /^(host|content-length|connection|accept-encoding|user-agent):/i, `${name}: noise header ${h}`);
    assert.not.ok(curl.includes('[REDACTED]'), `${name}: no masked header copied`);
    if (q.method === 'POST') {
      const data = args[args.indexOf('--data-raw') + 1];
      assert.equal(JSON.parse(data), q.body, `${name}: body survives shell quoting`);
    } else {
      assert.not.ok(args.includes('--data-raw'));
      assert.not.ok(args.includes('-X'));
    }
  }
});

test('reproductionCurl: POST without body, globbing characters, quotes in headers, string body', () => {
  const noBody = reproductionCurl({ method: 'POST', url: 'https://h.test/x', headers: {}, mode: 'direct' });
  assert.ok(noBody.startsWith("curl -i -X POST 'https://h.test/x'"));
  const glob = reproductionCurl({ method: 'GET', url: 'https://h.test/x?api_key=[REDACTED]', headers: {}, mode: 'direct' });
  assert.ok(glob.startsWith('curl -i -g '), 'brackets would be read as a curl glob');
  const quoted = reproductionCurl({
    method: 'POST',
    url: 'https://h.test/x',
    headers: { 'X-Note': "it's", Host: 'h.test', 'Content-Type': 'text/plain', Authorization: 'Bearer [REDACTED]' },
    body: "a'b",
    mode: 'direct',
  });
  const args = curlArgs(quoted);
  assert.ok(args.includes("X-Note: it's"));
  assert.ok(args.includes('Content-Type: text/plain'));
  assert.not.ok(args.some((a) => /^(Host|Authorization):/i.test(a)));
  assert.is(args[args.indexOf('--data-raw') + 1], "a'b");
  assert.not.ok(args.includes('-X'), 'curl infers POST from --data-raw');
});

// ---------------------------------------------------------------- environment

test('collectEnvironment: proxy variable names only, never values', () => {
  const env = collectEnvironment('9.9.9', '1.2.3', {
    env: { HTTPS_PROXY: 'http://alice:secretpw@proxy:3128', no_proxy: '', all_proxy: 'socks5://p:1', Http_Proxy: 'x', PATH: '/bin' },
    now: new Date('2025-01-02T03:04:05.678Z'),
  });
  assert.equal(env.proxyVariables, ['HTTPS_PROXY', 'Http_Proxy', 'all_proxy']);
  assert.not.ok(JSON.stringify(env).includes('secretpw'));
  assert.is(env.timeUtc, '2025-01-02T03:04:05.678Z');
  assert.is(env.node, process.version);
  assert.is(env.axios, '1.2.3');
  assert.ok(env.tool.includes('9.9.9'));
  assert.is(env.arch, process.arch);
  assert.match(env.os, new RegExp(`^${process.platform} `));
  assert.type(env.timezone, 'string');
  assert.ok(env.timezone.length > 0);
});

// ---------------------------------------------------------------- files

const ALL = ['json', 'md', 'har', 'html', 'junit'];

test('writeReportFiles: creates the directory, names by stamp and operationId, mode 0600', async () => {
  const root = tempDir();
  const dir = join(root, 'a', 'b', 'reports');
  const report = byName['pass-200'];
  const paths = await writeReportFiles(report, dir, ALL);
  assert.is(fileStamp(report.createdAt), '20251126-091502-417');
  const stem = join(dir, '20251126-091502-417-getRentalRates');
  assert.equal(paths, {
    json: `${stem}.json`,
    md: `${stem}.md`,
    har: `${stem}.har`,
    html: `${stem}.html`,
    junit: `${stem}.junit.xml`,
  });
  for (const p of Object.values(paths)) assert.is(statSync(p).mode & 0o777, 0o600, p);
  assert.is(statSync(dir).mode & 0o777, 0o700);
  assert.equal(JSON.parse(readFileSync(paths.json, 'utf8')), report);
  assert.equal(JSON.parse(readFileSync(paths.har, 'utf8')), renderHar(report));
  assert.is(readFileSync(paths.md, 'utf8'), renderMarkdown(report));
  assert.equal(readdirSync(dir).sort(), Object.values(paths).map((p) => p.slice(dir.length + 1)).sort(), 'no temp files left');
  assert.is(writeReport, writeReportFiles);
});

test('writeReportFiles: never overwrites; concurrent runs in the same millisecond get distinct names', async () => {
  const dir = tempDir();
  const report = byName['client-error-401'];
  const stem = `${fileStamp(report.createdAt)}-getPropertyInvestment`;
  writeFileSync(join(dir, `${stem}.md`), 'keep me');
  const runs = await Promise.all(Array.from({ length: 6 }, () => writeReportFiles(report, dir, ['json', 'md'])));
  assert.is(readFileSync(join(dir, `${stem}.md`), 'utf8'), 'keep me', 'an existing file is never replaced');
  const jsonNames = runs.map((p) => p.json);
  assert.is(new Set(jsonNames).size, 6, 'six runs, six names');
  for (const p of runs) {
    assert.is(p.json.replace(/\.json$/, ''), p.md.replace(/\.md$/, ''), 'one run keeps one name for all formats');
    assert.match(p.json, new RegExp(`${stem}-\\d+\\.json$`), 'the taken name pushed the whole set to a suffix');
    assert.equal(JSON.parse(readFileSync(p.json, 'utf8')), report, 'complete content');
  }
  const files = readdirSync(dir);
  assert.is(files.length, 13);
  assert.not.ok(files.some((f) => f.startsWith('.') || f.endsWith('.tmp')), `temp files left: ${files}`);
});

test('writeReportFiles: baseName and junitPath (replaced in place for CI)', async () => {
  const dir = tempDir();
  const junitPath = join(dir, 'ci', 'preflight.xml');
  const first = await writeReportFiles(byName['pass-200'], join(dir, 'r'), ['json', 'junit'], { junitPath, baseName: 'my run' });
  assert.is(first.json, join(dir, 'r', 'my_run.json'));
  assert.is(first.junit, junitPath);
  assert.ok(readFileSync(junitPath, 'utf8').includes('getRentalRates'));
  assert.is(statSync(junitPath).mode & 0o777, 0o600);
  await writeReportFiles(byName['client-error-401'], join(dir, 'r'), ['junit'], { junitPath });
  assert.ok(readFileSync(junitPath, 'utf8').includes('getPropertyInvestment'), 'a re-run updates the CI file');
  assert.equal(readdirSync(join(dir, 'ci')), ['preflight.xml']);
  assert.equal(readdirSync(join(dir, 'r')), ['my_run.json']);
});

test('writeReportFiles: an unwritable directory is a ReportWriteError naming it', async () => {
  const dir = tempDir();
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  for (const target of [join(file, 'reports'), file, '/dev/null/x']) {
    let caught;
    try {
      await writeReportFiles(byName['pass-200'], target, ['json']);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ReportWriteError, `${target}: ${caught}`);
    assert.ok(caught.message.includes(target), caught.message);
    assert.match(caught.message, /cannot write reports to .*: \S/);
  }
  if (process.getuid && process.getuid() !== 0) {
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o500 });
    let caught;
    await writeReportFiles(byName['pass-200'], ro, ['json']).catch((e) => (caught = e));
    assert.ok(caught instanceof ReportWriteError);
    chmodSync(ro, 0o700);
  }
});

// ---------------------------------------------------------------- history

const entry = (i, over = {}) => ({
  time: new Date(Date.UTC(2025, 10, 26, 9, 0, i)).toISOString(),
  endpoint: '/client/rental-rates',
  operationId: 'getRentalRates',
  status: 200,
  verdict: 'pass',
  durationMs: 100 + i,
  requestsSent: 1,
  ...over,
});

test('history: append, read, counts, limit, corrupt lines skipped, mode 0600', async () => {
  const dir = join(tempDir(), 'reports');
  assert.equal(await readHistory(dir), { entries: [], byStatus: {}, byEndpoint: {}, skipped: 0 });
  await appendHistory(dir, entry(1));
  await appendHistory(dir, entry(2, { status: 401, verdict: 'client-error' }));
  await appendHistory(dir, entry(3, { status: null, verdict: 'network-error', endpoint: '/client/city/list', operationId: 'listCities' }));
  appendFileSync(join(dir, 'history.jsonl'), '{"broken": \n{"time":"x"}\n');
  await appendHistory(dir, entry(4));
  assert.is(statSync(join(dir, 'history.jsonl')).mode & 0o777, 0o600);
  const h = await readHistory(dir);
  assert.is(h.entries.length, 4);
  assert.is(h.skipped, 2);
  assert.equal(h.byStatus, { 200: 2, 401: 1, 'no-response': 1 });
  assert.equal(h.byEndpoint['/client/rental-rates'], { runs: 3, byStatus: { 200: 2, 401: 1 } });
  assert.equal(h.byEndpoint['/client/city/list'], { runs: 1, byStatus: { 'no-response': 1 } });
  const last2 = await readHistory(dir, 2);
  assert.equal(last2.entries.map((e) => e.durationMs), [103, 104]);
  assert.equal(last2.byStatus, { 200: 1, 'no-response': 1 });

  const table = await renderHistoryTable(h);
  assert.ok(table.includes('getRentalRates') && table.includes('listCities'));
  assert.ok(table.includes('no-response'));
  assert.ok(table.includes('2 unreadable lines skipped'));
  assert.not.match(table, /\u001b\[/, 'no colour codes');
  assert.match(await renderHistoryTable({ entries: [], byStatus: {}, byEndpoint: {}, skipped: 0 }), /No runs recorded yet/);
});

test('history: each run keeps its headline; a run that did not pass shows it under its verdict', async () => {
  const dir = join(tempDir(), 'reports');
  await appendHistory(dir, entry(1, { headline: 'Response code: HTTP 200: success' }));
  await appendHistory(dir, entry(2, { status: 401, verdict: 'client-error', headline: 'API key: 401: the key is wrong or inactive' }));
  await appendHistory(dir, entry(3, { headline: 42 }));
  const h = await readHistory(dir);
  assert.equal(h.entries.map((e) => e.headline), ['Response code: HTTP 200: success', 'API key: 401: the key is wrong or inactive', undefined]);
  const table = await renderHistoryTable(h, 200);
  assert.match(table, 'API key: 401: the key is wrong or');
  assert.not.match(table, 'HTTP 200: success', 'a pass needs no headline');
  // Lines written before headlines existed still read.
  appendFileSync(join(dir, 'history.jsonl'), JSON.stringify(entry(4)) + '\n');
  assert.is((await readHistory(dir)).entries.length, 4);
});

test('history: 3 processes x 20 concurrent appends never interleave', async () => {
  const dir = tempDir();
  const moduleUrl = new URL('../dist/report/history.js', import.meta.url).href;
  // All children start appending at the same moment, so their writes really overlap.
  const startAt = Date.now() + 400;
  const child = (id) =>
    new Promise((resolve, reject) => {
      const script = `
        const { appendHistory } = await import(${JSON.stringify(moduleUrl)});
        const long = '/client/' + 'x'.repeat(1500);
        while (Date.now() < ${startAt}) await new Promise((r) => setTimeout(r, 2));
        await Promise.all(Array.from({ length: 20 }, (_, i) => appendHistory(${JSON.stringify(dir)}, {
          time: new Date().toISOString(), endpoint: long + '/${id}/' + i, operationId: 'op${id}', status: 200 + i,
          verdict: 'pass', durationMs: i, requestsSent: 1 })));`;
      const p = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child ${id} exited ${code}: ${err}`))));
    });
  await Promise.all([child(1), child(2), child(3)]);
  const lines = readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n');
  assert.is(lines.pop(), '', 'ends with a newline');
  // A writer that sees another's line halfway written starts on a fresh line: at worst a blank line, never a mix.
  const written = lines.filter((line) => line !== '');
  assert.is(written.length, 60);
  for (const line of written) JSON.parse(line); // throws on any interleaving
  const h = await readHistory(dir);
  assert.is(h.entries.length, 60);
  assert.is(h.skipped, 0);
  assert.is(new Set(h.entries.map((e) => e.endpoint)).size, 60);
});

test.run();
