#!/usr/bin/env node
'use strict';
// The command. CommonJS (bin/package.json says so): a CommonJS start skips Node's ES module loader.
// It runs the bundled CLI, dist/bundle/cli.cjs, and uses only public Node APIs to skip compiling it:
// - Where Node has module.enableCompileCache() (22.1 and later), Node keeps the compiled code itself.
// - Elsewhere (Node 20) the bundle is compiled with vm.Script and the V8 code cache the build made for it
//   (dist/bundle/cli.cjs.<kind>.v8cache), and given a require() from module.createRequire().
// There is one cache per kind of run, because V8 reads a whole cache up front and `validate` needs a small part
// of what `check` does. A cache is only a speed-up: when it is missing, stale, or made by another Node/V8, the
// bundle is compiled as usual.
const { accessSync, readFileSync, writeFileSync, renameSync } = require('node:fs');
const { dirname, join } = require('node:path');
const nodeModule = require('node:module');
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

// The same wrapper Node puts around a CommonJS file: the bundle sees exports, require, module, __filename, __dirname.
const wrap = (source) => `(function (exports, require, module, __filename, __dirname) {${source}\n})`;

/** Compiles the bundle with the build's code cache and runs it as a CommonJS module; the script is kept for writeCodeCache. */
function loadWithCodeCache(kind) {
  // The build keeps the bundle ASCII (scripts/build.mjs checks it), so latin1 reads the same text without UTF-8
  // decoding, which is a measurable share of a start-up.
  const source = readFileSync(BUNDLE, 'latin1');
  const stamp = stampOf(source);
  const script = new vm.Script(wrap(source), { filename: BUNDLE, cachedData: readCache(kind, stamp) });
  const mod = { exports: {}, filename: BUNDLE, id: BUNDLE, loaded: false };
  script.runInThisContext().call(mod.exports, mod.exports, nodeModule.createRequire(BUNDLE), mod, BUNDLE, dirname(BUNDLE));
  mod.loaded = true;
  return { cli: mod.exports, script, stamp, kind };
}

/**
 * Loads the CLI bundle and returns its exports. `kind` is the command (it picks the code cache); `useBuildCache`
 * forces the build-time cache even where Node has its own (the build's training run needs the script).
 */
function loadCli(kind, { useBuildCache = false } = {}) {
  if (!useBuildCache && typeof nodeModule.enableCompileCache === 'function' && !process.env.NODE_V8_COVERAGE) {
    accessSync(BUNDLE); // a missing bundle fails as ENOENT on both paths
    nodeModule.enableCompileCache();
    return { cli: require(BUNDLE), script: null, stamp: null, kind };
  }
  return loadWithCodeCache(kind);
}

/** Writes the code cache of everything compiled so far (used by the build after a training run). */
function writeCodeCache({ script, stamp, kind }) {
  if (!script || !stamp) throw new Error(`${BUNDLE} has no build id`);
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
