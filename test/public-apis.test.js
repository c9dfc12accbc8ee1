// Speed comes from the build and from doing less, never from Node's internals or from editing a dependency.
// These tests read the shipped code (src/, bin/, scripts/) and the built bundle's source map.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './helpers.js';

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const OWN_CODE = ['src', 'bin', 'scripts'].flatMap((dir) => filesUnder(join(root, dir))).filter((f) => /\.(ts|js|mjs|cjs)$/.test(f));

// Private members of Node's module loader, V8 flags switched at run time, and Node's internal bindings.
const FORBIDDEN = ['Module._', '_nodeModulePaths', 'setFlagsFromString', 'expose-gc', 'expose_gc', 'process.binding('];

test('our code uses no private Node API and switches no V8 flag at run time', () => {
  assert.ok(OWN_CODE.length > 50, 'the sources were found');
  for (const file of OWN_CODE) {
    const text = readFileSync(file, 'utf8');
    for (const word of FORBIDDEN) assert.not.ok(text.includes(word), `${relative(root, file)} uses ${word}`);
  }
});

test('the build gives esbuild no plugin: no dependency file is replaced or edited', () => {
  const build = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8');
  for (const word of ['plugins:', 'onLoad', 'onResolve']) assert.not.ok(build.includes(word), word);
});

test('the bundle holds the published files of string-width and strip-ansi, and no stand-in', () => {
  const map = JSON.parse(readFileSync(join(root, 'dist', 'bundle', 'cli.cjs.map'), 'utf8'));
  const sources = map.sources.map((s) => s.replace(/\\/g, '/'));
  for (const file of ['string-width/index.js', 'strip-ansi/index.js']) {
    assert.ok(sources.some((s) => s.endsWith(`node_modules/${file}`)), file);
  }
  // esbuild names a module made up by a plugin "<namespace>:<path>"; every source here is a file.
  assert.equal(sources.filter((s) => /^[a-z-]+:/.test(s)), []);
});

test('axios and yargs are not bundled: the CLI requires the installed packages, the same ones the library uses', () => {
  const map = JSON.parse(readFileSync(join(root, 'dist', 'bundle', 'cli.cjs.map'), 'utf8'));
  const sources = map.sources.map((s) => s.replace(/\\/g, '/'));
  for (const pkg of ['axios', 'yargs', 'form-data']) assert.not.ok(sources.some((s) => s.includes(`node_modules/${pkg}/`)), pkg);
  const bundle = readFileSync(join(root, 'dist', 'bundle', 'cli.cjs'), 'utf8');
  for (const pkg of ['axios', 'yargs']) assert.ok(bundle.includes(`require("${pkg}")`), pkg);
});

test.run();
