// The verdict corpus (test/fixtures/answers/gateway-and-api.json): recorded answers of the RapidAPI gateway and of
// the API, judged offline from a HAR. Each case names the verdict, the cause (what the user must do) and words the
// advice must hold. Nothing is sent: every proxy variable points at a counter of connections.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runCli } from './helpers.js';

const corpus = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'answers', 'gateway-and-api.json'), 'utf8'));

/** One HAR entry per case, as a browser would record it. */
export function corpusHar(cases, key) {
  const entries = cases.map((c, i) => {
    const url = new URL(c.url);
    const rapid = url.hostname.endsWith('.p.rapidapi.com');
    const sent = rapid ? { 'x-rapidapi-key': key, 'x-rapidapi-host': url.hostname, ...c.headersSent } : { 'x-api-key': key, ...c.headersSent };
    return {
      startedDateTime: new Date(Date.UTC(2026, 10, 30, 10, 0, i)).toISOString(), time: 100, comment: c.name,
      request: {
        method: 'GET', url: c.url, httpVersion: 'HTTP/1.1', cookies: [], headersSize: -1, bodySize: 0,
        headers: [{ name: 'accept', value: 'application/json' }, ...Object.entries(sent).map(([name, value]) => ({ name, value }))],
        queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      },
      response: {
        status: c.status, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], redirectURL: '', headersSize: -1, bodySize: c.body.length,
        headers: Object.entries(c.headers).map(([name, value]) => ({ name, value })),
        content: { size: c.body.length, mimeType: c.headers['content-type'] ?? '', text: c.body },
      },
      cache: {}, timings: { send: 0, wait: 90, receive: 10 },
    };
  });
  return { log: { version: '1.2', creator: { name: 'verdict-corpus', version: '1' }, entries } };
}

let connections = 0;
let proxy;
let dir;
let rows;

const test = suite('verdict corpus');
test.before(async () => {
  proxy = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(join(tmpdir(), 'mvp-verdict-corpus-'));
  const har = join(dir, 'corpus.har');
  writeFileSync(har, JSON.stringify(corpusHar(corpus.cases, corpus.key)));
  const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
  const r = await runCli(['check', '--from-har', har, '--offline', '--json', '--reports-dir', join(dir, 'reports')],
    { env: { MASHVISOR_API_KEY: '', HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, COLUMNS: '80' } });
  assert.ok(r.stdout.trim().startsWith('['), r.stderr);
  assert.not.ok(r.stdout.includes(corpus.key) || r.stderr.includes(corpus.key), 'the key is in no output');
  rows = JSON.parse(r.stdout);
});
test.after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => proxy.close(resolve));
});

test('every case is judged, and nothing is sent', () => {
  assert.is(rows.length, corpus.cases.length);
  assert.is(connections, 0);
});

corpus.cases.forEach((c, i) => {
  test(c.name, () => {
    const row = rows[i];
    const response = row.checks.find((x) => x.id === 'response');
    const auth = row.checks.find((x) => x.id === 'auth');
    const headline = row.checks.find((x) => x.status === 'fail') ?? response;
    const advice = row.checks.filter((x) => x.status === 'fail').map((x) => x.advice).join(' | ');
    const shown = `${row.verdict} / ${JSON.stringify(response.details.cause)} / ${headline.message} / ${advice}`;
    assert.is(row.verdict, c.expect.verdict, shown);
    assert.is(response.details.cause, c.expect.cause, shown);
    assert.is(response.details.from, c.expect.from, shown);
    assert.match(advice, new RegExp(c.expect.advice), shown);
    if (c.expect.adviceNot) assert.not.match(`${advice} ${response.message}`, new RegExp(c.expect.adviceNot), shown);
    if (c.expect.auth) assert.is(auth.status, c.expect.auth, auth.message);
    if (c.expect.authNot) assert.not.ok(auth.message.includes(c.expect.authNot), auth.message);
    // Every failing row says why, in one line a user can act on.
    for (const failed of row.checks.filter((x) => x.status === 'fail')) assert.ok(failed.message && failed.advice, `${failed.id} says why`);
  });
});

test.run();
