// How the CLI starts: the bundle with its build-time V8 code caches (public APIs only: vm.Script cachedData and
// module.createRequire), and output written straight to the descriptor. The speed itself is `npm run bench`'s
// business (no test here asserts what a run loads); these tests check that each shortcut gives exactly what the
// slow way gives.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, cleanEnv, root } from './helpers.js';

// Coverage (c8) sets NODE_V8_COVERAGE, which makes the CLI skip its caches; these runs need them on. Node copies
// that variable into a child's environment when the child's has none, so it is set empty rather than removed.
function envWithCache(extra = {}) {
  return { ...cleanEnv(extra), NODE_V8_COVERAGE: '' };
}

const cache = suite('code cache');

/** The build id the bundle ends with: a hash of its content. */
function buildIdOf(bundle) {
  return /\/\/# mashvisor-preflight-build=([0-9a-f]{16})\n\/\/# sourceMappingURL=cli\.cjs\.map\n$/.exec(readFileSync(bundle, 'utf8'))?.[1];
}

cache('the build leaves one cache per kind of run, each stamped with the hash of the bundle it was made from', () => {
  const bundle = join(root, 'dist', 'bundle', 'cli.cjs');
  const source = readFileSync(bundle, 'utf8');
  const id = buildIdOf(bundle);
  assert.ok(id, 'the bundle ends with its build id, the source map comment still last');
  const unstamped = source.replace(`//# mashvisor-preflight-build=${id}\n`, '');
  assert.is(createHash('sha256').update(unstamped).digest('hex').slice(0, 16), id);
  for (const kind of ['validate', 'check']) {
    const file = join(root, 'dist', 'bundle', `cli.cjs.${kind}.v8cache`);
    assert.ok(existsSync(file), file);
    assert.is(readFileSync(file).subarray(0, 17).toString('latin1'), `${id}\n`);
  }
});

/** A copy of the installed layout (bin/, dist/, node_modules) in a temp dir, so its caches can be spoilt freely. */
function copyLayout() {
  const dir = mkdtempSync(join(tmpdir(), 'mp-cache-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist'));
  copyFileSync(bin, join(dir, 'bin', 'mashvisor-preflight.js'));
  copyFileSync(join(root, 'bin', 'package.json'), join(dir, 'bin', 'package.json'));
  // A plain copy, new file dates and all: the caches must still fit (they are stamped with a content hash).
  mkdirSync(join(dir, 'dist', 'bundle'));
  for (const f of ['bundle/cli.cjs', 'catalog.json', 'bundle/cli.cjs.validate.v8cache', 'bundle/cli.cjs.check.v8cache']) {
    copyFileSync(join(root, 'dist', f), join(dir, 'dist', f));
  }
  symlinkSync(join(root, 'dist', 'validators'), join(dir, 'dist', 'validators'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(root, 'package.json'), join(dir, 'package.json'));
  return dir;
}

/** What V8 said about the cache it was given: false (used), true (rejected) or undefined (none given). */
function cacheVerdict(dir, kind) {
  const code = `const l = require(${JSON.stringify(join(dir, 'bin', 'mashvisor-preflight.js'))}).loadCli(${JSON.stringify(kind)}, { useBuildCache: true });
process.stdout.write(String(l.script.cachedDataRejected));`;
  const run = spawnSync(process.execPath, ['-e', code], { env: envWithCache(), encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  return run.stdout;
}

function validateIn(dir) {
  return spawnSync(process.execPath, [join(dir, 'bin', 'mashvisor-preflight.js'), 'validate', 'getRentalRates', '--param', 'source=airbnb'], {
    env: envWithCache({ NO_COLOR: '1' }), encoding: 'utf8',
  });
}

cache('a matching cache is used; one made for another bundle is not even offered to V8; a corrupt one is refused', () => {
  const dir = copyLayout();
  try {
    assert.is(cacheVerdict(dir, 'validate'), 'false');
    assert.is(cacheVerdict(dir, 'check'), 'false');
    const expected = validateIn(dir);
    assert.is(expected.status, 1);
    assert.match(expected.stdout, /state/);

    const cacheFile = join(dir, 'dist', 'bundle', 'cli.cjs.validate.v8cache');
    const good = readFileSync(cacheFile);
    const stamp = good.subarray(0, good.indexOf(10) + 1);
    // Same stamp, garbage payload: V8 refuses it and the bundle is compiled as usual.
    writeFileSync(cacheFile, Buffer.concat([stamp, Buffer.alloc(good.length - stamp.length, 7)]));
    assert.is(cacheVerdict(dir, 'validate'), 'true');
    let run = validateIn(dir);
    assert.is(run.status, expected.status);
    assert.is(run.stdout, expected.stdout);

    // Another build of the same length (here: another build id) must not reuse a cache V8 checks only by length.
    writeFileSync(cacheFile, good);
    const bundle = join(dir, 'dist', 'bundle', 'cli.cjs');
    const id = buildIdOf(bundle);
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace(`build=${id}`, `build=${'0'.repeat(16)}`));
    assert.is(cacheVerdict(dir, 'validate'), 'undefined');
    run = validateIn(dir);
    assert.is(run.stdout, expected.stdout);

    // No caches at all: still the same answer.
    rmSync(cacheFile);
    rmSync(join(dir, 'dist', 'bundle', 'cli.cjs.check.v8cache'));
    assert.is(cacheVerdict(dir, 'check'), 'undefined');
    assert.is(validateIn(dir).stdout, expected.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cache('where Node has module.enableCompileCache (22.1+), the bundle is required as it is, and answers the same', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-compile-cache-'));
  try {
    // Node 20 has no enableCompileCache; a preload gives it one that only records the call.
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, `require('node:module').enableCompileCache = () => process.stderr.write('compile cache on\\n');`);
    const args = [bin, 'validate', 'getRentalRates', '--param', 'source=airbnb'];
    const env = envWithCache({ NO_COLOR: '1' });
    const plain = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    const withNodeCache = spawnSync(process.execPath, ['--require', preload, ...args], { env, encoding: 'utf8' });
    assert.is(withNodeCache.stderr, 'compile cache on\n');
    assert.is(withNodeCache.status, plain.status);
    assert.is(withNodeCache.stdout, plain.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cache('without a built bundle the command says what to do, in one line, exit 2', () => {
  const dir = copyLayout();
  try {
    rmSync(join(dir, 'dist', 'bundle', 'cli.cjs'));
    const run = validateIn(dir);
    assert.is(run.status, 2);
    assert.is(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /^mashvisor-preflight: cannot load .*cli\.cjs \(ENOENT\); run npm install or npm run build\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

cache.run();

const output = suite('output');

output('a reader that goes away (| head) ends the run quietly, without an error of our own', async () => {
  const child = spawn(process.execPath, [bin, 'endpoints'], { env: cleanEnv({ NO_COLOR: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.is.not(code, 2);
  assert.not.match(stderr, /unexpected error|EPIPE/);
});

output.run();
