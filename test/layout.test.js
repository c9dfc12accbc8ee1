// The layout of src/ is the pipeline: these rules keep it readable. Each import of every src/**/*.ts file (static,
// re-export, type-only and dynamic import()) is an edge; the rules say which folders may not lean on which.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

// `from '...'` covers import and export lists (type-only included); `import('...')` and a bare `import '...'`
// cover the rest. Comments are dropped first so an example in a comment is no edge.
const SPECIFIERS = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm];

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** src-relative path ('checks/auth.ts') → the src-relative paths it imports. */
function importGraph() {
  const graph = new Map();
  for (const file of tsFiles(SRC)) {
    const from = relative(SRC, file).split('\\').join('/');
    const text = stripComments(readFileSync(file, 'utf8'));
    const targets = new Set();
    for (const pattern of SPECIFIERS) {
      for (const m of text.matchAll(pattern)) {
        const spec = m[1];
        if (!spec.startsWith('.')) continue;
        targets.add(posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts'));
      }
    }
    graph.set(from, [...targets]);
  }
  return graph;
}

const graph = importGraph();
const folder = (path) => (path.includes('/') ? path.split('/')[0] : '.');

/** Every edge from a file under `from` into a file under one of `banned`, as "a.ts -> b.ts". */
function edgesInto(from, banned, exceptInside = false) {
  const bad = [];
  for (const [file, targets] of graph) {
    if (folder(file) !== from) continue;
    for (const t of targets) {
      const into = folder(t);
      if (exceptInside ? into !== from : banned.includes(into)) bad.push(`${file} -> ${t}`);
    }
  }
  return bad;
}

/** One cycle as a list of files, or null. Depth-first with colours; small graph, so recursion is fine. */
function findCycle() {
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    state.set(file, 'open');
    stack.push(file);
    for (const t of graph.get(file) ?? []) {
      if (state.get(t) === 'open') return [...stack.slice(stack.indexOf(t)), t];
      if (!state.has(t) && graph.has(t)) {
        const found = visit(t);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    if (!state.has(file)) {
      const found = visit(file);
      if (found) return found;
    }
  }
  return null;
}


const read = (file) => stripComments(readFileSync(join(SRC, file), 'utf8'));
const resolveFrom = (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');

/** The files `file` imports at load time with a value (not `import type`, not `import()`), src-relative. */
function staticValueImports(file) {
  const out = [];
  for (const m of read(file).matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm)) {
    if (!m[2] && m[3].startsWith('.')) out.push(resolveFrom(file, m[3]));
  }
  return out;
}

/** Every file under one of `from` (folders, '.' for the top) that imports a file under one of `banned`. */
function edgesBetween(from, banned) {
  const bad = [];
  for (const [file, targets] of graph) {
    if (!from.includes(folder(file))) continue;
    for (const t of targets) if (banned.includes(folder(t))) bad.push(`${file} -> ${t}`);
  }
  return bad;
}

const test = suite('layout of src/');

test('the graph is read: every relative import names a file that exists', () => {
  assert.ok(graph.size > 30, `only ${graph.size} files found under src/`);
  const missing = [];
  for (const [file, targets] of graph) for (const t of targets) if (!graph.has(t)) missing.push(`${file} -> ${t}`);
  assert.equal(missing, []);
  // The reader must see the edges it exists to police.
  assert.ok(graph.get('preflight.ts').includes('checks/auth.ts'));
  assert.ok(graph.get('cli/yargs.ts').includes('cli/commands/check.ts'), 'dynamic import() is an edge');
});

test('no import cycles', () => {
  const cycle = findCycle();
  assert.is(cycle, null, cycle ? `cycle: ${cycle.join(' -> ')}` : '');
});

test('checks/ import nothing from report/, http/ or cli/', () => {
  assert.equal(edgesInto('checks', ['report', 'http', 'cli']), []);
});

test('report/ (the writers) import nothing from checks/ or http/', () => {
  assert.equal(edgesInto('report', ['checks', 'http']), []);
});

test('sandbox/ imports nothing outside sandbox/', () => {
  assert.equal(edgesInto('sandbox', [], true), []);
});

test('catalog/, inputs/ and request/ import nothing from cli/', () => {
  assert.equal([...edgesInto('catalog', ['cli']), ...edgesInto('inputs', ['cli']), ...edgesInto('request', ['cli'])], []);
});

test('the batch engine and its worker import no command', () => {
  assert.equal(edgesInto('batch', ['cli']), []);
});

test('the batch engine writes nothing itself: the table and stdout belong to cli/commands/batch.ts', () => {
  for (const file of [...graph.keys()].filter((f) => folder(f) === 'batch')) {
    const text = stripComments(readFileSync(join(SRC, file), 'utf8'));
    assert.not.ok(/process\.stdout|cli-table3/.test(text), `${file} writes to the terminal`);
  }
});

test('at most 5 .ts files at the top of src/', () => {
  const top = [...graph.keys()].filter((f) => !f.includes('/'));
  assert.ok(top.length <= 5, `top-level files: ${top.join(', ')}`);
});

// The rules docs/development.md states, one test each (the ones above included). The data goes one way:
// input → request → checks → report → writers → terminal; an earlier stage never imports a later one.

test('shared/ helpers import nothing above them: only shared/ and the shared types', () => {
  const bad = edgesInto('shared', [], true).filter((edge) => !edge.endsWith('-> types.ts'));
  assert.equal(bad, []);
});

test('inputs/ import no request, checks, http, report, library or cli code', () => {
  assert.equal(edgesBetween(['inputs'], ['request', 'checks', 'http', 'report', 'library', 'cli', 'batch']), []);
});

test('request/ (the builder) imports no checks, http, report, library or cli code', () => {
  assert.equal(edgesBetween(['request'], ['checks', 'http', 'report', 'library', 'cli', 'batch']), []);
});

test('catalog/ (offline knowledge) imports no later stage', () => {
  assert.equal(edgesBetween(['catalog'], ['inputs', 'request', 'checks', 'http', 'report', 'library', 'cli', 'batch']), []);
});

test('http/ (the exchange) imports only shared/ and the shared types', () => {
  assert.equal(edgesBetween(['http'], ['inputs', 'request', 'catalog', 'checks', 'report', 'library', 'cli', 'batch', 'sandbox']), []);
});

test('report/ imports no cli code: a saver gets the output boundary handed in', () => {
  assert.equal(edgesBetween(['report'], ['cli', 'library']), []);
});

test('the pipeline and the library import no cli code', () => {
  assert.equal(edgesBetween(['.', 'library'], ['cli']), []);
});

test('replay and demo use the pipeline, not a command: only watch (check --watch) imports check.ts', () => {
  const importers = [...graph].filter(([, targets]) => targets.includes('cli/commands/check.ts')).map(([file]) => file).sort();
  assert.equal(importers, ['cli/commands/watch.ts', 'cli/main.ts', 'cli/yargs.ts']);
});

test('every byte to the terminal leaves through cli/output.ts', () => {
  const bad = [...graph.keys()].filter((f) => f !== 'cli/output.ts' && /process\.(stdout|stderr)\.write|console\.(log|error|warn|info)\(/.test(read(f)));
  assert.equal(bad, []);
});

test('heavy code loads lazily: commands, the HTTP client and the table only through import()', () => {
  const lazyOnly = (target) => [...graph.keys()].filter((f) => f !== target && staticValueImports(f).includes(target));
  for (const entry of ['cli/main.ts', 'cli/yargs.ts']) {
    assert.equal(staticValueImports(entry).filter((t) => t.startsWith('cli/commands/')), [], `${entry} loads a command at start-up`);
  }
  assert.equal(lazyOnly('http/exchange.ts').filter((f) => folder(f) !== 'http'), [], 'http/exchange.ts imported with a value');
  assert.equal(lazyOnly('cli/table.ts'), [], 'cli/table.ts imported statically');
  // The reader must see what it polices: preflight.ts imports the exchange's types statically, its code lazily.
  assert.ok(graph.get('preflight.ts').includes('http/exchange.ts'));
  assert.not.ok(staticValueImports('preflight.ts').includes('http/exchange.ts'));
  assert.ok(staticValueImports('preflight.ts').includes('checks/auth.ts'));
});

test.run();
