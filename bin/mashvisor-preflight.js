#!/usr/bin/env node
'use strict';
// The command. CommonJS (bin/package.json says so): a CommonJS start skips Node's ES module loader (~10 ms).
// Loads the bundled CLI (dist/bundle/cli.cjs) with a V8 code cache the build made for it (dist/bundle/cli.cjs.<kind>.v8cache).
// Compiling the 400 kB bundle is the largest single cost of a cold start (~25 ms on a 2-core machine); with a
// cache V8 skips it, and the functions a typical run needs come precompiled too. There is one cache per kind of
// run, because V8 reads a whole cache up front: `validate` needs a third of what `check` does, and reading the
// larger cache would cost it ~10 ms. The cache is only a speed-up: when it is missing, stale, or made by another
// Node/V8, the bundle is compiled as usual.
const { readFileSync, writeFileSync, renameSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
/** The cache trained for `validate` runs, or the one trained for `check` (also used by every other command). */
const cacheFile = (kind) => `${BUNDLE}.${kind === 'validate' ? 'validate' : 'check'}.v8cache`;

// V8 only checks a cache against the source's length, so a rebuilt bundle of the same length would reuse stale code.
// The build ends the bundle with a hash of its content (a comment), and a cache starts with the hash of the bundle
// it was made from. Unlike a file date, the hash survives copying and packing.
const BUILD_ID = /\/\/# mashvisor-preflight-build=([0-9a-f]+)\n/;

function stampOf(source) {
  const id = BUILD_ID.exec(source.slice(-200));
  return id ? `${id[1]}\n` : null;
}

function readCache(kind, stamp) {
  // Coverage tools instrument functions as V8 compiles them; precompiled ones would be invisible to them.
  if (process.env.NODE_V8_COVERAGE || !stamp) return undefined;
  try {
    const data = readFileSync(cacheFile(kind));
    return data.subarray(0, stamp.length).toString('latin1') === stamp ? data.subarray(stamp.length) : undefined;
  } catch {
    return undefined;
  }
}

/** Evaluates the bundle as a CommonJS module and returns its exports; the rest is kept for writeCodeCache. */
function loadCli(kind) {
  const source = readFileSync(BUNDLE, 'utf8');
  const stamp = stampOf(source);
  const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData: readCache(kind, stamp) });
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  mod.paths = Module._nodeModulePaths(join(__dirname, '..', 'dist', 'bundle'));
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, join(__dirname, '..', 'dist', 'bundle'));
  mod.loaded = true;
  return { cli: mod.exports, script, stamp, kind };
}

/** Writes the code cache of everything compiled so far (used by the build after a training run). */
function writeCodeCache({ script, stamp, kind }) {
  if (!stamp) throw new Error(`${BUNDLE} has no build id`);
  const file = cacheFile(kind);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(stamp, 'latin1'), script.createCachedData()]));
  renameSync(tmp, file);
}

module.exports = { loadCli, writeCodeCache, cacheFile };

if (require.main === module) {
  const argv = process.argv.slice(2);
  let cli;
  try {
    cli = loadCli(argv[0]).cli;
  } catch (err) {
    process.stderr.write(`mashvisor-preflight: cannot load ${BUNDLE} (${err.code ?? err.message}); run npm install or npm run build\n`);
    process.exit(2);
  }
  cli.runCli(argv);
}
