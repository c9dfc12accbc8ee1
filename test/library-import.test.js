// The library as an app gets it: the tsc output the tests import, and the bundle `import 'mashvisor-preflight'`
// resolves to (package.json's exports). What an import costs is the bench's library-import row, not a test: no test
// here asserts which modules load.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv, root } from './helpers.js';

/** Runs an ES module's text in a child and returns what it printed as JSON. */
function runModule(body) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', body], { env: cleanEnv(), encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

const ENTRIES = ['dist/index.js', JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports['.'].import.default.replace(/^\.\//, '')];
for (const entry of ENTRIES) {
  const LIBRARY = JSON.stringify(pathToFileURL(join(root, entry)).href);

  test(`${entry}: runPreflight validates, sends, and names the axios it sent with`, () => {
    const axiosVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'axios', 'package.json'), 'utf8')).version;
    const out = runModule(`
const { runPreflight } = await import(${LIBRARY});
// Port 9 on loopback refuses the connection: nothing leaves the machine, but the client loads to try.
const report = await runPreflight({ endpoint: 'getRentalRates', params: { state: 'CA', source: 'airbnb' }, key: 'sbx_live_7f3c9a2e51d84b06',
  baseUrl: 'http://127.0.0.1:9/v1.1' }, { timeoutMs: 5000 });
const invalid = await runPreflight({ endpoint: 'getRentalRates', params: { source: 'airbnb' }, key: 'sbx_live_7f3c9a2e51d84b06',
  baseUrl: 'http://127.0.0.1:9/v1.1' }, { timeoutMs: 5000 });
process.stdout.write(JSON.stringify({ axios: report.environment.axios, verdict: report.verdict, invalid: invalid.verdict, sent: invalid.requestsSent }));`);
    assert.is(out.verdict, 'network-error');
    assert.is(out.axios, axiosVersion);
    // The compiled validators are reached through the bundle's own lazy chunks: an invalid request is caught
    // offline and not sent.
    assert.is(out.invalid, 'client-error');
    assert.is(out.sent, 0);
  });
}

test.run();
