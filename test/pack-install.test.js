// The package as a user gets it: `npm pack`, installed into a fresh project of its own, then used there as a
// command (npx), as an ES module, as a CommonJS module and from strict TypeScript.
//
// No network: the install is `npm ci --offline` from a lockfile this test writes for the temp project. It pins the
// tarball, plus the production entries of this clone's own package-lock.json, whose tarballs `npm ci` already put in
// the npm cache. (A plain `npm install <tarball> --offline` would need the registry's package documents to resolve
// version ranges, and `npm ci` does not cache those.) npm's logs go to the test's temp dir too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, root } from './helpers.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

const test = suite('packed and installed');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const HOST_VERSION = '9.9.9'; // the host project's own version, which --version must not print

let work;
let app;
let sandbox;
let install;

/** Runs a command to its end; npm and npx get their logs in the temp dir, the cache offline, no update check. */
function run(file, args, { cwd = app, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      env: cleanEnv({ npm_config_logs_dir: join(work, 'npm-logs'), npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const node = (args, options) => run(process.execPath, args, options);

/** The temp project: depends on the tarball alone; its lockfile holds the tarball and this clone's production tree. */
function writeProject(tarball) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const spec = `file:../${tarball}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64')}`;
  const manifest = { name: 'host-app', version: HOST_VERSION, private: true, type: 'commonjs', dependencies: { [pkg.name]: spec } };
  const packages = {
    '': { name: manifest.name, version: HOST_VERSION, dependencies: manifest.dependencies },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path && !entry.dev && !entry.devOptional && !entry.link) packages[path] = entry;
  }
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: manifest.name, version: HOST_VERSION, lockfileVersion: 3, requires: true, packages }, null, 2));
}

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mp-pack-'));
  app = join(work, 'app');
  sandbox = await startSandbox({ port: 0 });
  // --ignore-scripts: dist/ is built already (npm test builds first); a rebuild here would pull it from under the
  // test files running beside this one.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root });
  assert.is(pack.code, 0, pack.stderr);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, pack.stdout);
  writeProject(tarball);
  install = await run('npm', ['ci']);
});

test.after(async () => {
  await sandbox?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('npm ci installs the tarball into a fresh project, offline, with no warning', () => {
  assert.is(install.code, 0, `${install.stderr}\n(this test installs from the npm cache that npm ci filled: run npm ci first)`);
  assert.not.match(install.stderr, /warn/i, install.stderr);
  assert.ok(existsSync(join(app, 'node_modules', pkg.name, 'dist', 'bundle', 'cli.cjs')));
  // What ships: the command, the library (both module systems), the schemas; no sources or tests.
  const shipped = readdirSync(join(app, 'node_modules', pkg.name));
  for (const name of ['bin', 'dist', 'schemas', 'package.json', 'README.md']) assert.ok(shipped.includes(name), name);
  for (const name of ['src', 'test', 'scripts', 'node_modules']) assert.not.ok(shipped.includes(name), name);
  assert.ok(existsSync(join(app, 'node_modules', pkg.name, 'dist', 'cjs', 'index.cjs')), 'the CommonJS entry');
});

test('npx mashvisor-preflight --version prints the tool\'s version, not the host project\'s', async () => {
  const r = await run('npx', ['mashvisor-preflight', '--version']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.trim(), pkg.version);
  assert.is.not(r.stdout.trim(), HOST_VERSION);
});

test('npx mashvisor-preflight demo runs there, reports in the directory given', async () => {
  const reports = join(work, 'reports');
  const r = await run('npx', ['mashvisor-preflight', 'demo', '--reports-dir', reports]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /pass/);
  assert.ok(readdirSync(join(reports, 'demo')).some((f) => f.endsWith('.json')));
  assert.not.ok(existsSync(join(app, 'reports')), 'nothing written in the host project');
});

const CALL = (baseUrl) => `{ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: ${JSON.stringify(SANDBOX_KEY)}, baseUrl: ${JSON.stringify(baseUrl)} }`;

test('import from an ES module: the library runs a check against the simulator', async () => {
  const code = `import { runPreflight, validateRequest, hasPreflightReport } from 'mashvisor-preflight';
    const offline = await validateRequest({ endpoint: 'getRentalRates', params: { state: 'CA' } });
    const report = await runPreflight(${CALL(sandbox.directBaseUrl)});
    console.log(JSON.stringify({ valid: offline.valid, verdict: report.verdict, sent: report.requestsSent, guard: typeof hasPreflightReport }));`;
  const r = await node(['--input-type=module', '-e', code]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { valid: true, verdict: 'pass', sent: 1, guard: 'function' });
});

test('require() from CommonJS: the same library, the same answer', async () => {
  const code = `const { runPreflight, hasPreflightReport, UsageError } = require('mashvisor-preflight');
    runPreflight(${CALL(sandbox.directBaseUrl)}).then((report) => {
      console.log(JSON.stringify({ verdict: report.verdict, sent: report.requestsSent, guard: hasPreflightReport(new Error('x')), usage: typeof UsageError }));
    });`;
  const r = await node(['-e', code]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { verdict: 'pass', sent: 1, guard: false, usage: 'function' });
});

test('a strict TypeScript file using attachPreflight, wrapFetch and runPreflight compiles against the installed types', async () => {
  writeFileSync(join(app, 'app.mts'), `import axios from 'axios';
import { attachPreflight, hasPreflightReport, runPreflight, wrapFetch, type PreflightAttachment, type Report } from 'mashvisor-preflight';

const api = axios.create({ baseURL: 'https://api.mashvisor.com/v1.1' });
const detach: () => void = attachPreflight(api, {
  reportsDir: './reports',
  onReport: (report: Report, paths: PreflightAttachment['paths']) => console.log(report.verdict, paths.md),
});
try {
  await api.get('/client/city/list', { params: { state: 'TX' } });
} catch (err) {
  if (hasPreflightReport(err)) console.error(err.preflightReport.report.summary, err.preflightReport.paths.json);
}
detach();

const checkedFetch: typeof fetch = wrapFetch(fetch, { onReport: (report) => console.log(report.exitCode) });
const res: Response = await checkedFetch('https://api.mashvisor.com/v1.1/client/city/list?state=TX');
const report: Report = await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA' } }, { timeoutMs: 5000 });
console.log(res.status, report.verdict);
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false,
      // Node's types come from this clone (the host project would install its own @types/node).
      typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
    },
    files: ['app.mts'],
  }));
  const r = await node([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(app, 'tsconfig.json')]);
  assert.is(r.code, 0, r.stdout + r.stderr);
});

// The same few lines, compiled by tsc as each kind of TypeScript project compiles them, then run: an ES module
// (.mts) and a CommonJS one (.ts in this `"type": "commonjs"` host; `import` becomes require()). Each module system
// must resolve its own declarations through the package's `exports` (types that say "ES module" break require()).
const TYPED_CALL = `import { attachPreflight, hasPreflightReport, runPreflight, wrapFetch, type Report } from 'mashvisor-preflight';

async function main(): Promise<void> {
  // Port 9 on loopback: nothing listens, so the one request fails to connect.
  const report: Report = await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: ${JSON.stringify(SANDBOX_KEY)}, baseUrl: 'http://127.0.0.1:9' }, { timeoutMs: 5000 });
  const guard: boolean = hasPreflightReport(new Error('x'));
  console.log(JSON.stringify({ verdict: report.verdict, sent: report.requestsSent, guard, attach: typeof attachPreflight, wrap: typeof wrapFetch }));
}
main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
`;

/** Compiles one file under strict settings with the given module mode into out-<name>/, runs the output with node. */
async function compileAndRun(file, mode) {
  const name = `${file.replace(/\.\w+$/, '')}-${mode}`;
  writeFileSync(join(app, file), TYPED_CALL);
  const config = join(app, `tsconfig.${name}.json`);
  writeFileSync(config, JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: mode, moduleResolution: mode, strict: true, skipLibCheck: false,
      outDir: `out-${name}`, typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
    },
    files: [file],
  }));
  const tsc = await node([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config]);
  assert.is(tsc.code, 0, tsc.stdout + tsc.stderr);
  const out = join(app, `out-${name}`, file.replace(/ts$/, 'js'));
  return { source: readFileSync(out, 'utf8'), run: await node([out]) };
}

const EXPECTED_RUN = { verdict: 'network-error', sent: 1, guard: false, attach: 'function', wrap: 'function' };

test('a strict ES module TypeScript project (nodenext) type-checks against the installed types and runs', async () => {
  const { source, run: r } = await compileAndRun('esm-app.mts', 'nodenext');
  assert.match(source, /^import .* from 'mashvisor-preflight'/m);
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), EXPECTED_RUN);
});

// node16 is the mode that refuses ES module types to require() (TS1479) on every TypeScript version; nodenext does
// from TypeScript 5.8 on only for Node versions that can require() ES modules, which Node 20 before 20.19 cannot.
for (const mode of ['node16', 'nodenext']) {
  test(`a strict CommonJS TypeScript project (${mode}) type-checks against the installed types and runs`, async () => {
    const { source, run: r } = await compileAndRun('cjs-app.ts', mode);
    assert.match(source, /require\("mashvisor-preflight"\)/, 'tsc emitted CommonJS');
    assert.is(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), EXPECTED_RUN);
  });
}

test('the CommonJS declarations are the ES module ones, with .cjs specifiers', () => {
  const dist = join(app, 'node_modules', pkg.name, 'dist');
  const esm = readFileSync(join(dist, 'index.d.ts'), 'utf8');
  assert.is(readFileSync(join(dist, 'cjs', 'index.d.cts'), 'utf8'), esm.replace(/(from '\.[^']*)\.js'/g, "$1.cjs'"));
  assert.ok(existsSync(join(dist, 'cjs', 'types.d.cts')));
});

test.run();
