// history --html in a real headless Chromium, from real runs: a watched check through the simulator's `recovering`
// outage (3 requests) and a watched check that meets a 401 (1 request) give a page with 4 marks, in the history's
// order, each titled with its time, status and verdict; the page fetches nothing, runs nothing, logs no error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from './helpers.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let browser;
let sandbox;
let work;

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mvp-history-html-'));
  sandbox = await startSandbox({ port: 0 });
});

test.after(async () => {
  await browser?.close();
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

test('Chromium is there (this test needs it)', () => {
  assert.ok(existsSync(executablePath), `Chromium not found at ${executablePath}; install it (apt-get install chromium) or set CHROMIUM_PATH`);
});

test('history --html of a recovered watch and a 401: 4 marks that match history.jsonl, in Chromium', async () => {
  const reports = join(work, 'reports');
  const watch = (scenario) => runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl,
    '--reports-dir', reports, '-H', `x-sandbox-scenario: ${scenario}`, '--watch'], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is((await watch('recovering')).code, 0);
  assert.is((await watch('unauthorized')).code, 1);
  assert.is(sandbox.requests, 4);

  const page = join(work, 'history.html');
  const r = await runCli(['history', '--reports-dir', reports, '--html', page]);
  assert.is(r.code, 0, r.stderr);
  const history = readFileSync(join(reports, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(history.length, 4);

  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const tab = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  const requests = [];
  const problems = [];
  tab.on('request', (req) => requests.push(req.url()));
  tab.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
  });
  tab.on('pageerror', (err) => problems.push(err.message));
  const url = pathToFileURL(page).href;
  await tab.goto(url, { waitUntil: 'load' });

  const dom = await tab.evaluate(() => ({
    marks: [...document.querySelectorAll('.run')].map((el) => ({
      status: el.getAttribute('data-status'), verdict: el.getAttribute('data-verdict'), time: el.getAttribute('data-time'),
      title: el.getAttribute('title'), text: el.textContent, width: el.getBoundingClientRect().width, height: el.querySelector('.mark').getBoundingClientRect().height,
      colour: getComputedStyle(el.querySelector('.mark')).backgroundColor,
    })),
    endpoints: [...document.querySelectorAll('[data-endpoint]')].map((el) => el.getAttribute('data-endpoint')),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
    scripts: document.querySelectorAll('script').length,
    loaders: document.querySelectorAll('img, link, iframe, object, embed').length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
  }));

  assert.is(dom.marks.length, 4);
  assert.equal(dom.marks.map((m) => m.status), history.map((h) => String(h.status)));
  assert.equal(dom.marks.map((m) => m.status), ['503', '503', '200', '401']);
  assert.equal(dom.marks.map((m) => m.verdict), history.map((h) => h.verdict));
  assert.equal(dom.marks.map((m) => m.time), history.map((h) => h.time));
  history.forEach((h, i) => {
    const title = dom.marks[i].title;
    assert.ok(title.includes(`${h.time.slice(0, 10)} ${h.time.slice(11, 19)} UTC`), title);
    assert.ok(title.includes(` ${h.status} `) && title.includes(h.verdict), title);
    assert.ok(dom.marks[i].width > 0 && dom.marks[i].height > 0, 'the mark is drawn');
  });
  // coloured by class: the two 503s alike, the 200 and the 401 each different
  const [a, b, ok, denied] = dom.marks.map((m) => m.colour);
  assert.is(a, b);
  assert.is(new Set([a, ok, denied]).size, 3);
  assert.equal(dom.endpoints, ['/client/rental-rates']);
  assert.match(dom.csp, /default-src 'none'/);
  assert.is(dom.scripts, 0);
  assert.is(dom.loaders, 0);
  // links to the reports that were written: first failure, recovery, and the 401 (JSON and Markdown each)
  assert.is(dom.links.length, 6);
  for (const link of dom.links) assert.ok(existsSync(fileURLToPath(link)), link);
  assert.equal(requests, [url], `the page fetched ${requests.join(', ')}`);
  assert.equal(problems, []);
  await tab.screenshot({ path: join(work, 'history.png'), fullPage: true });
});

test.run();
