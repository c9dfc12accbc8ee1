// Markdown and terminal: a server's text makes no live link or image in the .md report or the job summary, and
// every invisible or direction-changing character (Unicode Cf, U+2028/2029) is shown escaped on the terminal and in
// Markdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeControls } from '../dist/shared/terminal.js';
import { noLinks } from '../dist/report/markdown.js';
import { runCli } from './helpers.js';

const HIDDEN = ['\u061c', '\u200b', '\u2028', '\u2029', '\ufeff', '\u00ad', '\u2060', '\u{e0041}'];
const MESSAGE = `![x](http://evil.example/p.png) [click](http://evil.example/) ok${HIDDEN.join('')}end`;

let server;
let dir;

test.before(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'error', code: 400, message: MESSAGE }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
});
test.after(() => new Promise((resolve) => server.close(resolve)));
test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-md-'));
});
test.after.each(() => rmSync(dir, { recursive: true, force: true }));

const LIVE = /!?\[[^\]\\]*\]\(http/;

function noHidden(text, where) {
  for (const c of HIDDEN) assert.not.ok(text.includes(c), `${where} holds U+${c.codePointAt(0).toString(16)} raw`);
}

test('a server message with a Markdown image and link: neither is live in the .md report nor the job summary', async () => {
  const summary = join(dir, 'summary.md');
  const reports = join(dir, 'reports');
  const r = await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'source=airbnb', '--base-url', `http://127.0.0.1:${server.address().port}/v1.1`, '--reports-dir', reports],
    { env: { MASHVISOR_API_KEY: 'a'.repeat(32), GITHUB_STEP_SUMMARY: summary } });
  assert.is(r.code, 1, r.stderr);
  const md = readFileSync(join(reports, readdirSync(reports).find((f) => f.endsWith('.md'))), 'utf8');
  const job = readFileSync(summary, 'utf8');
  for (const [where, text] of [['report', md], ['job summary', job]]) {
    assert.ok(text.includes('evil.example'), `${where} should still show the message`);
    // Outside fenced blocks (the body as received), no link or image syntax survives.
    const prose = text.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');
    assert.not.ok(LIVE.test(prose), `${where}: ${prose.match(LIVE)?.[0]}`);
    noHidden(text, where);
  }
  assert.match(md, /\\u061c\\u200b/);
  noHidden(r.stdout + r.stderr, 'terminal');
  assert.match(r.stdout, /\\u061c/);
});

test('noLinks escapes brackets and backslashes outside code spans only', () => {
  assert.is(noLinks('![x](http://e/p.png)'), '!\\[x\\](http://e/p.png)');
  assert.is(noLinks('a `[x](u)` b [y](u)'), 'a `[x](u)` b \\[y\\](u)');
  // An escaped backtick does not open a code span: what follows is escaped too.
  assert.is(noLinks('\\`[x](u)`'), '\\\\`[x](u)`');
  assert.is(noLinks('\\]'), '\\\\\\]');
});

test('escapeControls: every Cf character and U+2028/2029 escaped, astral ones as two \\u halves (valid JSON)', () => {
  const out = escapeControls(`a${HIDDEN.join('')}b`);
  noHidden(out, 'escaped text');
  assert.is(JSON.parse(`"${out}"`), `a${HIDDEN.join('')}b`);
  assert.is(escapeControls('plain ✔ text é'), 'plain ✔ text é');
});

test.run();
