// One secrets flow: the key the shell holds is known to every command (report --html re-rendering a saved report
// masks it as diff does), there is one rule for "the bare credential", and the scrubber also catches the echoes a
// server makes of a key: upper-cased, hex, and a long slice of it percent-encoded or base64'd.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, root } from './helpers.js';
import { bareCredential } from '../dist/shared/secrets.js';
import { Scrubber } from '../dist/shared/scrub.js';

const KEY = 'envkey-canary-0a1b2c3d4e5f6a7b8c9d0e1f';
let dir;
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-secrets-flow-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

function filesUnder(d) {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [[path, readFileSync(path, 'utf8')]];
  });
}

/** Every form of the key this file looks for. */
function forms(key) {
  const slice = key.slice(4, 28);
  return {
    raw: key, upper: key.toUpperCase(), hex: Buffer.from(key).toString('hex'), HEX: Buffer.from(key).toString('hex').toUpperCase(),
    percentSlice: [...slice].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''),
    base64Slice: Buffer.from(`id:${slice}`).toString('base64').slice(4),
  };
}

function assertNoForm(text, where) {
  for (const [name, form] of Object.entries(forms(KEY))) assert.not.ok(text.includes(form), `${where}: the key's ${name} form`);
}

test('report FILE --html (and the Markdown it prints) masks the key the shell holds, as diff does', async () => {
  const saved = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'reports', 'client-error-401.json'), 'utf8'));
  // A report edited by hand, or from an older tool, that holds the key in the answer's text.
  saved.response.bodyText = `{"message":"key ${KEY} is not valid"}`;
  const file = join(dir, 'edited.json');
  writeFileSync(file, JSON.stringify(saved));
  const out = join(dir, 'out');
  const html = await runCli(['report', file, '--html', '--har', '--out-dir', out], { env: { MASHVISOR_API_KEY: KEY } });
  assert.is(html.code, 0, html.stderr);
  const written = filesUnder(out);
  assert.ok(written.some(([p]) => p.endsWith('.html')), 'an HTML file was written');
  for (const [path, text] of written) assertNoForm(text, path);
  const md = await runCli(['report', file], { env: { MASHVISOR_API_KEY: KEY } });
  assert.is(md.code, 0, md.stderr);
  assertNoForm(md.stdout + md.stderr, 'report stdout');
});

test('a server echoing the key upper-cased, as hex, or a long slice percent-encoded or base64\'d: no form in any output', async () => {
  const f = forms(KEY);
  const server = createServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json', 'x-echo': f.upper, 'x-hex': f.HEX });
    res.end(JSON.stringify({ status: 'error', message: `key ${f.upper} rejected`, hex: f.hex, trace: `q=${f.percentSlice}&b=${f.base64Slice}` }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}/v1.1`;
    const reports = join(dir, 'reports');
    for (const extra of [[], ['--json']]) {
      const r = await runCli(['check', 'listCities', '-p', 'state=TX', '--base-url', base, '--reports-dir', reports, '--bundle', ...extra], { env: { MASHVISOR_API_KEY: KEY } });
      assert.is(r.code, 1, r.stdout + r.stderr);
      assertNoForm(r.stdout, 'stdout');
      assertNoForm(r.stderr, 'stderr');
    }
    for (const [path, text] of filesUnder(reports)) assertNoForm(text, path);
  } finally {
    server.close();
  }
});

test('the scrubber: each encoded form of a long run, in text a server wrote', () => {
  const scrubber = new Scrubber([KEY]);
  for (const [name, form] of Object.entries(forms(KEY))) {
    const text = `before ${form} after`;
    assert.not.ok(scrubber.scrub(text).includes(form), name);
    assert.match(scrubber.scrub(text), /^before .*REDACTED.* after$/, name);
  }
  // Ordinary text is left alone.
  assert.is(scrubber.scrub('state=TX&city=Austin 0a1b2c'), 'state=TX&city=Austin 0a1b2c');
});

test('one rule for the bare credential', () => {
  for (const [value, bare] of [[' "Bearer abc123" ', 'abc123'], ['Basic dXNlcjpw', 'dXNlcjpw'], ["'token xyz'", 'xyz'], ['plain', 'plain']]) {
    assert.is(bareCredential(value), bare, value);
  }
});

test.run();
