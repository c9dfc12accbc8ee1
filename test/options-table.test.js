// One option table: every command takes its options from src/cli/options.ts, and each default is written once
// (src/shared/defaults.ts). yargs, the fast reader and --help all show the same values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.js';
import { parseFast } from '../dist/cli/fastpath.js';
import * as options from '../dist/cli/options.js';
import { DEFAULT_REPORTS_DIR, DEFAULT_TIMEOUT_MS } from '../dist/shared/defaults.js';
import { DEFAULT_TIMEOUT_MS as LIBRARY_TIMEOUT } from '../dist/preflight.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const read = (path) => readFileSync(join(SRC, path), 'utf8');

function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('yargs declares no option of its own: every command reads options.ts', () => {
  const yargs = read('cli/yargs.ts');
  assert.not.match(yargs, /\.option\(\s*'/, 'an option declared inline in yargs.ts');
  for (const command of ['validate', 'check', 'replay', 'diff', 'endpoints', 'explain', 'sandbox', 'demo', 'history', 'report', 'sanitize']) {
    assert.ok(Array.isArray(options[`${command.toUpperCase()}_OPTIONS`]), `${command} has a list in options.ts`);
  }
});

test('the report directory and the timeout defaults are written once', () => {
  const literal = /['"]\.\/reports['"]|\b30_?000\b/;
  const holders = tsFiles(SRC).filter((f) => literal.test(readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')))
    .map((f) => f.slice(SRC.length + 1).split('\\').join('/'));
  // watch.ts's 30 s is the wait between tries under --watch, another default.
  assert.equal(holders.filter((f) => f !== 'cli/watch.ts'), ['shared/defaults.ts']);
  assert.is(LIBRARY_TIMEOUT, DEFAULT_TIMEOUT_MS);
});

test('replay shares check\'s entries, and so its defaults', () => {
  const byName = (list, name) => list.find((o) => o.name === name);
  for (const name of ['reports-dir', 'timeout']) {
    assert.is(byName(options.REPLAY_OPTIONS, name).default, byName(options.CHECK_OPTIONS, name).default, name);
  }
  for (const list of [options.CHECK_OPTIONS, options.DEMO_OPTIONS, options.HISTORY_OPTIONS]) {
    assert.is(byName(list, 'reports-dir').default, DEFAULT_REPORTS_DIR);
  }
  const fast = parseFast(['check', 'listCities']);
  assert.equal({ reportsDir: fast.args.reportsDir, timeout: fast.args.timeout }, { reportsDir: DEFAULT_REPORTS_DIR, timeout: DEFAULT_TIMEOUT_MS });
});

test('--help shows the defaults from the table', async () => {
  for (const command of ['check', 'replay']) {
    const r = await runCli([command, '--help']);
    assert.is(r.code, 0);
    assert.match(r.stdout, `[default: ${DEFAULT_TIMEOUT_MS}]`);
    assert.match(r.stdout, `[default: "${DEFAULT_REPORTS_DIR}"]`);
  }
});

test.run();
