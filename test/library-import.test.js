// Importing the library must not load an HTTP client, yargs or the Postman SDK: they load inside the functions
// that use them. A child process records every module it resolves: ES modules through a resolve hook registered
// with module.register (public since Node 20.6), CommonJS ones from require.cache.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, root } from './helpers.js';

const HOOK = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  appendFileSync(log, found.url + '\\n');
  return found;
}`;

/** Runs `body` (an ES module's text, after the hook is registered) in a child; returns what it printed and resolved. */
function runRecorded(body) {
  const dir = mkdtempSync(join(tmpdir(), 'mp-import-'));
  try {
    const log = join(dir, 'resolved.txt');
    writeFileSync(log, '');
    writeFileSync(join(dir, 'hook.mjs'), HOOK);
    writeFileSync(join(dir, 'main.mjs'), `import { register, createRequire } from 'node:module';
register('./hook.mjs', { parentURL: import.meta.url, data: { log: ${JSON.stringify(log)} } });
const { default: run } = await import('./body.mjs');
const out = await run();
const required = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify({ out, required }));`);
    writeFileSync(join(dir, 'body.mjs'), body);
    const child = spawnSync(process.execPath, [join(dir, 'main.mjs')], { env: cleanEnv({ NODE_V8_COVERAGE: '' }), encoding: 'utf8' });
    assert.is(child.status, 0, child.stderr);
    const { out, required } = JSON.parse(child.stdout);
    return { out, loaded: [...readFileSync(log, 'utf8').split('\n').filter(Boolean), ...required] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEAVY = ['/node_modules/axios/', '/node_modules/yargs/', '/node_modules/postman-collection/', '/node_modules/cli-table3/'];
const heavyIn = (loaded) => HEAVY.filter((dir) => loaded.some((url) => url.includes(dir)));

// The tsc output the tests import, and the bundle `import 'mashvisor-preflight'` gets (package.json's exports).
const ENTRIES = ['dist/index.js', JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports['.'].import.replace(/^\.\//, '')];
for (const entry of ENTRIES) {
  const LIBRARY = JSON.stringify(pathToFileURL(join(root, entry)).href);

test(`${entry}: import of the library loads no axios, yargs, Postman SDK or table code`, () => {
  const { loaded } = runRecorded(`export default async () => { await import(${LIBRARY}); return null; };`);
  assert.ok(loaded.some((url) => url.endsWith(`/${entry}`)), 'the hook saw the import');
  assert.equal(heavyIn(loaded), []);
});

test(`${entry}: runPreflight loads axios when it sends (the assertion above can fail) and names its version in the report`, () => {
  const axiosVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'axios', 'package.json'), 'utf8')).version;
  const { out, loaded } = runRecorded(`export default async () => {
  const { runPreflight } = await import(${LIBRARY});
  // Port 9 on loopback refuses the connection: nothing leaves the machine, but the client loads to try.
  const report = await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: 'sbx_live_7f3c9a2e51d84b06',
    baseUrl: 'http://127.0.0.1:9/v1.1' }, { timeoutMs: 5000 });
  return { axios: report.environment.axios, verdict: report.verdict };
};`);
  assert.is(out.verdict, 'network-error');
  assert.is(out.axios, axiosVersion);
  assert.equal(heavyIn(loaded), ['/node_modules/axios/']);
});
}

test.run();
