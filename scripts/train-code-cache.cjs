'use strict';
// Build step, once per kind of run (`node train-code-cache.cjs validate|check`): runs that kind's everyday commands
// in this one process, then saves V8's code cache of the CLI bundle (see bin/mashvisor-preflight.js; Node 20 uses it,
// Node 22.1+ keeps its own compile cache instead). The cache then
// holds those commands' functions already compiled, so a user's cold `validate` or `check` skips both parsing the
// bundle and compiling what it runs. Output is discarded; a failure here only means no cache, never a failed build.
const http = require('node:http');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadCli, writeCodeCache, cacheFile } = require('../bin/mashvisor-preflight.js');

// A stand-in answer: training needs the success path compiled, not the simulator's behaviour.
function startServer() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99' });
    res.end('{"status":"success","content":{"median":1}}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const RUNS = {
  validate: () => [
    ['validate', 'getRentalRates', '--param', 'state=CA', '--param', 'source=airbnb'],
    ['validate', 'getRentalRates', '--param', 'source=airbnb'],
  ],
  check: (base, reports) => [
    ['check', 'getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb', '--base-url', base, '--reports-dir', reports],
    ['check', 'getRentalRates', '-p', 'state=CA', '--base-url', base, '--reports-dir', reports, '--json'],
  ],
};

async function main(kind) {
  rmSync(cacheFile(kind), { force: true });
  const loaded = loadCli(kind, { useBuildCache: true });
  const { runCli } = loaded.cli;
  const server = await startServer();
  const reports = mkdtempSync(join(tmpdir(), 'mp-train-'));
  const base = `http://127.0.0.1:${server.address().port}/v1.1`;
  process.env.MASHVISOR_API_KEY = 'train_0000_0000';
  try {
    for (const argv of RUNS[kind](base, reports)) await runCli(argv);
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(reports, { recursive: true, force: true });
  }
  process.exitCode = 0;
  writeCodeCache(loaded);
}

main(process.argv[2]).catch((err) => {
  process.stderr.write(`build: no code cache (${err.message})\n`);
  process.exitCode = 0;
});
