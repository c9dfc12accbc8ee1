import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFast } from '../dist/cli/fastpath.js';
import { CHECK_OPTIONS, VALIDATE_OPTIONS } from '../dist/cli/options.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

// The everyday validate/check calls skip yargs; both readings take their options from src/cli/options.ts. These
// tests run each command line both ways (fast path, and yargs with MASHVISOR_PREFLIGHT_NO_FASTPATH=1) and require
// the same exit code and output.

const cli = (args, env = {}) => runCli(args, { env });

const normalise = (text) => text.replace(/\d{8}-\d{6}-\d{3}(-\d+)?/g, 'STAMP').replace(/\d+(\.\d+)? ms/g, 'N ms');

test('parseFast reads the everyday forms and leaves the rest to yargs', () => {
  assert.equal(parseFast(['validate', 'getRentalRates', '-p', 'state=CA', '--param=source=airbnb', '--json']), {
    command: 'validate', args: { endpoint: 'getRentalRates', param: ['state=CA', 'source=airbnb'], json: true },
  });
  assert.equal(parseFast(['check', 'listCities', '-p', 'state=TX', '--timeout', '500', '-H', 'x: y', '--base-url', 'http://h/v1.1']).args, {
    reportsDir: './reports', timeout: 500, endpoint: 'listCities', param: ['state=TX'], header: ['x: y'], baseUrl: 'http://h/v1.1',
  });
  for (const argv of [['validate', '--help'], ['endpoints'], ['validate', 'a', 'b'], ['check', 'x', '--format', 'md'], ['validate', 'x', '--nope'],
    ['validate', 'x', '--json', '--json'], ['check', 'x', '--timeout'], ['check', 'x', '--key', 'a', '--key', 'b'], ['validate', '-xp', 'a=b']]) {
    assert.is(parseFast(argv), null, argv.join(' '));
  }
});

test('one option table: the fast reader takes every option of options.ts by its type, alias and default, except those with choices', () => {
  for (const [command, options] of [['validate', VALIDATE_OPTIONS], ['check', CHECK_OPTIONS]]) {
    for (const o of options) {
      const argv = [command, 'x', o.alias ? `-${o.alias}` : `--${o.name}`, ...(o.type === 'boolean' ? [] : [o.type === 'number' ? '7' : 'v'])];
      const fast = parseFast(argv);
      if (o.choices) {
        assert.is(fast, null, `${o.name}: options with choices go through yargs`);
        continue;
      }
      const key = o.name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
      const expected = o.type === 'boolean' ? true : o.type === 'number' ? 7 : o.array ? ['v'] : 'v';
      assert.equal(fast.args[key], expected, `${command} ${o.name}`);
    }
  }
  assert.is(parseFast(['check', 'x']).args.timeout, CHECK_OPTIONS.find((o) => o.name === 'timeout').default);
});

const VALIDATE_CASES = [
  ['validate', 'getRentalRates', '--param', 'source=airbnb'],
  ['validate', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--json'],
  ['validate', '/client/city/properties/TX/Austin'],
  ['validate', 'nope'],
  ['validate', 'getRentalRates', '--param', 'broken'],
  ['validate'],
];

for (const args of VALIDATE_CASES) {
  test(`same behaviour with and without yargs: ${args.join(' ')}`, async () => {
    const [fast, slow] = await Promise.all([cli(args), cli(args, { MASHVISOR_PREFLIGHT_NO_FASTPATH: '1' })]);
    assert.is(fast.code, slow.code);
    assert.is(fast.stdout, slow.stdout);
    assert.is(fast.stderr, slow.stderr);
  });
}

test('check: same verdict, table and exit code both ways', async () => {
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'mp-fast-'));
  try {
    for (const extra of [[], ['-H', 'x-sandbox-scenario: maintenance'], ['--offline'], ['--offline', '--rate', '5/s', '--probe', '1', '--max-requests', '0']]) {
      const args = ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, ...extra];
      const env = { MASHVISOR_API_KEY: SANDBOX_KEY };
      const fast = await cli(args, env);
      const slow = await cli(args, { ...env, MASHVISOR_PREFLIGHT_NO_FASTPATH: '1' });
      assert.is(fast.code, slow.code, extra.join(' '));
      assert.is(normalise(fast.stdout), normalise(slow.stdout), extra.join(' '));
    }
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
