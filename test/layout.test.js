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

test.run();
