// How the CLI starts: the bundle with its build-time V8 code caches, output written straight to the descriptor,
// and the bundle's faster stand-ins for string-width and strip-ansi. The speed itself is `npm run bench`'s
// business; these tests check that each shortcut gives exactly what the slow way gives.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, cleanEnv, root } from './helpers.js';
import { FAST_TEXT } from '../scripts/build.mjs';

const require = createRequire(import.meta.url);

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
  const code = `const l = require(${JSON.stringify(join(dir, 'bin', 'mashvisor-preflight.js'))}).loadCli(${JSON.stringify(kind)});
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

const loads = suite('what a run loads');

/** The Node built-ins a CLI run required, recorded by a preloaded hook (bundled modules show through them). */
function builtinsLoadedBy(args, extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mp-loads-'));
  try {
    const hook = join(dir, 'hook.cjs');
    const out = join(dir, 'loaded.json');
    writeFileSync(hook, `const Module = require('node:module'); const seen = new Set(); const load = Module._load;
Module._load = function (request, ...rest) { seen.add(String(request).replace(/^node:/, '')); return load.call(this, request, ...rest); };
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify([...seen])));`);
    const run = spawnSync(process.execPath, ['--require', hook, bin, ...args], { env: envWithCache({ NO_COLOR: '1', ...extraEnv }), encoding: 'utf8' });
    return { status: run.status, loaded: JSON.parse(readFileSync(out, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

loads('validate loads no HTTP client, no crypto and no promise-based fs, valid or not, table or --json', () => {
  for (const args of [['-p', 'state=CA', '-p', 'source=airbnb'], ['-p', 'source=airbnb'], ['-p', 'source=airbnb', '--json']]) {
    const run = builtinsLoadedBy(['validate', 'getRentalRates', ...args]);
    assert.ok(run.loaded.includes('fs'), 'the hook saw the run');
    for (const name of ['http', 'https', 'crypto', 'fs/promises']) assert.not.ok(run.loaded.includes(name), `${args.join(' ')}: ${name}`);
  }
});

loads('check --offline loads no HTTP client; a real check does (the assertion above can fail)', () => {
  const args = ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--json', '--reports-dir', tmpdir(), '--timeout', '2000'];
  const offline = builtinsLoadedBy([...args, '--offline'], { MASHVISOR_API_KEY: 'sbx_live_7f3c9a2e51d84b06' });
  assert.is(offline.status, 0);
  assert.not.ok(offline.loaded.includes('http'));
  // Port 9 on loopback refuses the connection: no traffic leaves the machine, but the client is loaded to try.
  const online = builtinsLoadedBy([...args, '--base-url', 'http://127.0.0.1:9/v1.1'], { MASHVISOR_API_KEY: 'sbx_live_7f3c9a2e51d84b06' });
  assert.is(online.status, 4);
  assert.ok(online.loaded.includes('http'));
  assert.not.ok(online.loaded.includes('https'), 'an http:// URL needs no TLS');
});

loads.run();

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

const text = suite('fast text measuring');

/** Loads one of the bundle's stand-ins the way the bundle does, around the real module. */
function standIn(name) {
  const real = require.resolve(name, { paths: [join(root, 'node_modules', 'cli-table3')] });
  const module = { exports: {} };
  new Function('require', 'module', 'exports', FAST_TEXT[name](real))(require, module, module.exports);
  return { fast: module.exports, real: require(real) };
}

const SAMPLES = [
  '', 'plain text', 'Details / advice', '✔ pass', '– skip', '→ add state=CA', 'sbx_…4b06', '日本語のテキスト', 'e\u0301',
  '👍 ok', '👨‍👩‍👧 family', '\u001b[31mred\u001b[0m', '\u009b31mcsi', 'tab\there', 'bell\u0007', 'del\u007f', 'x'.repeat(300),
];

text('string-width and strip-ansi stand-ins answer exactly as the real modules, twice (the second from memory)', () => {
  const width = standIn('string-width');
  const strip = standIn('strip-ansi');
  for (let round = 0; round < 2; round++) {
    for (const s of SAMPLES) {
      assert.is(width.fast(s), width.real(s), `width of ${JSON.stringify(s)}`);
      assert.is(strip.fast(s), strip.real(s), `strip of ${JSON.stringify(s)}`);
    }
  }
  assert.is(width.fast(undefined), width.real(undefined));
  assert.is(strip.fast(42), strip.real(42));
});

text('the width stand-in agrees with string-width on random text around its narrow characters, joiners included', () => {
  const width = standIn('string-width');
  // A fixed-seed generator: the same strings every run, so a failure can be replayed.
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pools = [
    () => 0x20 + Math.floor(next() * 95),
    () => 0xa0 + Math.floor(next() * (0x2c00 - 0xa0)),
    () => [0x200d, 0x20e3, 0xfe0f, 0xfe0e, 0x0301, 0x1f44d, 0x1f468, 0x2764, 0x2714, 0x0023, 0x0031][Math.floor(next() * 11)],
  ];
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const n = 1 + Math.floor(next() * 12);
    for (let j = 0; j < n; j++) s += String.fromCodePoint(pools[Math.floor(next() * (i % 3 === 0 ? 3 : 2))]());
    assert.is(width.fast(s), width.real(s), JSON.stringify(s));
  }
});

text.run();
