// `check` against servers that misbehave at the network level, each a small node:http server started here on
// loopback: refused, silent, reset mid-body, HTML 503, broken JSON, a body that never ends, a cross-host redirect,
// compressed bodies, and a server that echoes the key back. The CLI runs as a child process; no timing assertions.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers.js';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, deflateSync, deflateRawSync } from 'node:zlib';
import { performExchange, phases, classifyNetworkError, MAX_BODY_BYTES } from '../dist/http/exchange.js';
import { READ_BODY_BYTES, readStopped } from '../dist/shared/body-limits.js';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';

const KEY = 'live-key-0123456789abcdef';
const CANARY = 'CANARY-KEY-1234567890abcdef';
const OK_BODY = { status: 'success', content: { rental_rates: { studio_value: 1480, one_room_value: 1710 } } };
const ENDPOINT = ['getRentalRates', '-p', 'state=CA', '-p', 'source=airbnb'];

// A self-signed certificate for 127.0.0.1 (valid 2000-2199), made for these tests only: it protects nothing.
const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgP+RfF8B8lgj+ILws
5RbUyWeXjUh05zB1G9mSucunOGihRANCAATIIAoVPl0lysrpEzXAb38C6PNVpv8c
TEYvq++Z4GurjJZPeVzDPbChUE80tF+MCgIUdOfqCzCdPhn6nzNV5W7X
-----END PRIVATE KEY-----
`;
const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBTzCB9qADAgECAhQi1DU+X1zQyAYbBjyXcrCizK5XsjAKBggqhkjOPQQDAjAU
MRIwEAYDVQQDDAkxMjcuMC4wLjEwIBcNMDAwMTAxMDAwMDAwWhgPMjE5OTEyMzEw
MDAwMDBaMBQxEjAQBgNVBAMMCTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABMggChU+XSXKyukTNcBvfwLo81Wm/xxMRi+r75nga6uMlk95XMM9sKFQ
TzS0X4wKAhR05+oLMJ0+GfqfM1XlbtejJDAiMA8GA1UdEQQIMAaHBH8AAAEwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBCDtFO3xBaWHR6iMfw0djv
4rYOLAnFz/40BJ5+c7q5SAIhAOPxoCsBnU70WK7ZgvTTW58PymR0ZAVwK4ZY7pyK
0qqv
-----END CERTIFICATE-----
`;


/** A node:http server on loopback that records every request it gets. */
async function startServer(handler, host = '127.0.0.1') {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    req.on('error', () => {});
    res.on('error', () => {});
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = server.address();
  return {
    port,
    url: `http://${host}:${port}`,
    base: `http://${host}:${port}/v1.1`,
    requests,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function tempDir() {
  return mkdtemp(join(tmpdir(), 'mvp-check-net-'));
}

async function readReport(dir) {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  assert.is(names.length, 1, `one JSON report in ${dir}, found ${names.join(', ')}`);
  return JSON.parse(await readFile(join(dir, names[0]), 'utf8'));
}

/** Every file under dir, recursively, as text. */
async function allFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath ?? entry.path, entry.name);
      out.push({ path, text: await readFile(path, 'utf8') });
    }
  }
  return out;
}

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const dirs = [];
async function reportsDir() {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}
async function removeDirs() {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

// ---------------------------------------------------------------------------------------------------------------

const failures = suite('network failures → exit 4');
failures.after(removeDirs);

failures('a refused port: network-error, exit 4, ECONNREFUSED in the report', async () => {
  const port = await freePort();
  const dir = await reportsDir();
  const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', `http://127.0.0.1:${port}/v1.1`, '--reports-dir', dir]);
  assert.is(r.code, 4, r.stderr);
  const report = await readReport(dir);
  assert.is(report.verdict, 'network-error');
  assert.is(report.exitCode, 4);
  assert.is(report.error.kind, 'refused');
  assert.is(report.error.code, 'ECONNREFUSED');
  assert.is(report.response, null);
  assert.is(report.requestsSent, 1);
  assert.match(r.stdout, 'ECONNREFUSED');
  assert.match(r.stdout, 'network-error');
});

failures('a server that never answers: --timeout 500 ends it, exit 4, timeout', async () => {
  const server = await startServer(() => {});
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir, '--timeout', '500'], { guardMs: 15_000 });
    assert.not.ok(r.killed, 'the process ended by itself');
    assert.is(r.code, 4, r.stderr);
    const report = await readReport(dir);
    assert.is(report.error.kind, 'timeout');
    assert.is(report.error.code, 'ETIMEDOUT');
    assert.is(server.requests.length, 1);
    const response = report.checks.find((c) => c.id === 'response');
    assert.match(response.advice, '--timeout');
  } finally {
    await server.close();
  }
});

failures('a connection reset mid-body: exit 4, reset, the status that did arrive is kept', async () => {
  const full = JSON.stringify(OK_BODY);
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
    res.write(full.slice(0, 20), () => setTimeout(() => req.socket.resetAndDestroy(), 30));
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir]);
    assert.is(r.code, 4, r.stderr);
    const report = await readReport(dir);
    assert.is(report.verdict, 'network-error');
    assert.is(report.error.kind, 'reset');
    assert.is(report.error.code, 'ECONNRESET');
    assert.is(report.response.status, 200);
    assert.is(report.response.bodyBytes, 20);
    assert.match(report.checks.find((c) => c.id === 'response').message, 'the connection broke mid-answer');
  } finally {
    await server.close();
  }
});

failures('TLS: an untrusted certificate is a network-error (tls) with the system code; trusted, every phase is timed', async () => {
  const server = https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (req, res) => sendJson(res, 200, OK_BODY));
  server.on('tlsClientError', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${server.address().port}/v1.1`;
  const certDir = await reportsDir();
  const certFile = join(certDir, 'ca.pem');
  await writeFile(certFile, TEST_TLS_CERT);
  try {
    const untrusted = await reportsDir();
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', base, '--reports-dir', untrusted]);
    assert.is(r.code, 4, r.stdout + r.stderr);
    const report = await readReport(untrusted);
    assert.is(report.error.kind, 'tls');
    assert.match(report.error.code, /SELF_SIGNED|CERT/);
    assert.match(report.checks.find((c) => c.id === 'response').advice, 'certificate');

    const trusted = await reportsDir();
    const ok = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', base, '--reports-dir', trusted], { env: { NODE_EXTRA_CA_CERTS: certFile } });
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    const timings = (await readReport(trusted)).response.timings;
    for (const phase of ['dns', 'connect', 'tls', 'firstByte', 'download', 'total']) assert.type(timings[phase], 'number', phase);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

failures('system error codes map to kinds a user can act on', () => {
  const kind = (code, timedOut = false) => classifyNetworkError(Object.assign(new Error(code), { code }), timedOut);
  assert.equal(kind('ENOTFOUND'), { kind: 'dns', code: 'ENOTFOUND', message: 'the host name could not be resolved' });
  assert.is(kind('EAI_AGAIN').kind, 'dns');
  assert.is(kind('ECONNREFUSED').kind, 'refused');
  assert.is(kind('ECONNRESET').kind, 'reset');
  assert.is(kind('CERT_HAS_EXPIRED').kind, 'tls');
  assert.is(kind('ERR_TLS_CERT_ALTNAME_INVALID').kind, 'tls');
  assert.is(kind('ETIMEDOUT').kind, 'timeout');
  assert.is(kind('ERR_CANCELED', true).kind, 'timeout', 'our own abort on the deadline is a timeout');
  // axios wraps the system error: the code underneath counts.
  const wrapped = Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', cause: { code: 'ECONNRESET' } });
  assert.is(classifyNetworkError(wrapped, false).code, 'ECONNRESET');
  const odd = kind('EWEIRD');
  assert.is(odd.kind, 'other');
  assert.is(odd.code, 'EWEIRD');
});

failures.run();

// ---------------------------------------------------------------------------------------------------------------

const bodies = suite('what the body says');
bodies.after(removeDirs);

bodies('a 503 HTML page: server-error, exit 3, maintenance diagnosis', async () => {
  const page = '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Back soon</h1></body></html>';
  const server = await startServer((req, res) => {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '600' });
    res.end(page);
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir]);
    assert.is(r.code, 3, r.stderr);
    const report = await readReport(dir);
    assert.is(report.verdict, 'server-error');
    const response = report.checks.find((c) => c.id === 'response');
    assert.is(response.status, 'fail');
    assert.match(response.message, 'maintenance');
    assert.is(response.details.diagnosis, 'maintenance / gateway page');
    assert.match(response.message, "We're temporarily offline for maintenance", 'the documented 503 text');
    assert.is(report.response.documented.code, '503');
    const rate = report.checks.find((c) => c.id === 'rate-limit');
    assert.is(rate.status, 'warn', 'Retry-After on a 503 asks the client to wait');
    assert.is(report.rateLimit.retryAfterSeconds, 600);
    assert.match(r.stdout, 'server-error');
  } finally {
    await server.close();
  }
});

bodies('invalid JSON on a 200: server-error, exit 3', async () => {
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"success","content":{"rental_rates":');
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir]);
    assert.is(r.code, 3, r.stderr);
    const report = await readReport(dir);
    assert.is(report.verdict, 'server-error');
    assert.is(report.response.body, null);
    assert.match(report.checks.find((c) => c.id === 'response').message, 'not valid JSON');
  } finally {
    await server.close();
  }
});

bodies('a body that never ends: reading stops at the read limit (≤ 1 MiB kept, bytes counted up to it), long before the timeout', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success","content":"');
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir, '--timeout', '600000'], { guardMs: 60_000 });
    assert.not.ok(r.killed, 'the process ended by itself, without waiting for the timeout');
    // A body never read to its end was never judged: a server problem, not a pass.
    assert.is(r.code, 3, r.stderr);
    const report = await readReport(dir);
    assert.is(report.error, null);
    assert.is(report.response.status, 200);
    assert.ok(readStopped(report.response.bodyBytes), `read past the limit, then stopped (${report.response.bodyBytes})`);
    assert.ok(report.response.bodyBytes < READ_BODY_BYTES + 1024 * 1024, 'not much past it');
    assert.match(report.checks.find((c) => c.id === 'response').message, /reading stopped after \d+(\.\d)? MiB/);
    assert.ok(report.response.truncated);
    assert.ok(Buffer.byteLength(report.response.bodyText) <= MAX_BODY_BYTES, 'bodyText within 1 MiB');
    assert.ok(report.response.bodyBytes > MAX_BODY_BYTES, `bytes beyond the cap are counted (${report.response.bodyBytes})`);
  } finally {
    await server.close();
  }
});

bodies('a large finite body: every byte counted, the first MiB kept, still a pass', async () => {
  const size = 3 * 1024 * 1024;
  const server = await startServer((req, res) => {
    const head = '{"status":"success","content":"';
    const body = Buffer.concat([Buffer.from(head), Buffer.alloc(size - head.length - 2, 'y'), Buffer.from('"}')]);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(body);
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir]);
    assert.is(r.code, 0, r.stderr);
    const report = await readReport(dir);
    assert.is(report.response.bodyBytes, size);
    assert.is(Buffer.byteLength(report.response.bodyText), MAX_BODY_BYTES);
    assert.ok(report.response.truncated);
  } finally {
    await server.close();
  }
});

bodies('gzip and deflate bodies are decoded (and the report still says how they came)', async () => {
  const text = JSON.stringify(OK_BODY);
  const encoders = { gzip: gzipSync, deflate: deflateSync };
  const server = await startServer((req, res) => {
    const encoding = req.url.includes('source=airbnb') ? 'gzip' : 'deflate';
    const body = encoders[encoding](Buffer.from(text));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': String(body.length) });
    res.end(body);
  });
  try {
    for (const [source, encoding] of [['airbnb', 'gzip'], ['traditional', 'deflate']]) {
      const dir = await reportsDir();
      const r = await runCli(['check', 'getRentalRates', '-p', 'state=CA', '-p', `source=${source}`, '--key', KEY, '--base-url', server.base, '--reports-dir', dir]);
      assert.is(r.code, 0, `${encoding}: ${r.stdout}${r.stderr}`);
      const report = await readReport(dir);
      assert.equal(report.response.body, OK_BODY, `${encoding} decoded`);
      assert.is(report.response.headers['content-encoding'], encoding);
      assert.is(report.response.bodyBytes, Buffer.byteLength(text));
    }
  } finally {
    await server.close();
  }
});

bodies('raw deflate (no zlib header), as some servers send it, is decoded too', async () => {
  const text = JSON.stringify(OK_BODY);
  const server = await startServer((req, res) => {
    const body = deflateRawSync(Buffer.from(text));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate', 'content-length': String(body.length) });
    res.end(body);
  });
  try {
    const ex = await performExchange({ method: 'GET', url: `${server.url}/x`, headers: {}, body: null, timeoutMs: 5000 });
    assert.is(ex.error, null);
    assert.equal(JSON.parse(ex.response.body), OK_BODY);
  } finally {
    await server.close();
  }
});

bodies.run();

// ---------------------------------------------------------------------------------------------------------------

const redirects = suite('redirects: never followed, the key stays home');
redirects.after(removeDirs);

redirects('a cross-host redirect: the other host (127.0.0.2) gets no request and never the key', async () => {
  const elsewhere = await startServer((req, res) => sendJson(res, 200, OK_BODY), '127.0.0.2');
  const home = await startServer((req, res) => {
    res.writeHead(302, { location: `${elsewhere.url}${req.url}`, 'content-type': 'text/plain' });
    res.end('Found');
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', CANARY, '--base-url', home.base, '--reports-dir', dir]);
    assert.is(elsewhere.requests.length, 0, 'the redirect target received nothing');
    assert.is(home.requests.length, 1);
    assert.is(home.requests[0].headers['x-api-key'], CANARY, 'the key went to the base URL host, as it should');
    assert.is(r.code, 1, r.stderr);
    const report = await readReport(dir);
    assert.is(report.verdict, 'client-error');
    assert.is(report.response.status, 302);
    assert.is(report.requestsSent, 1);
    const response = report.checks.find((c) => c.id === 'response');
    assert.match(response.message, 'another host');
    assert.match(response.message, 'not followed');
    assert.is(response.details.redirect.crossHost, true);
    for (const text of [r.stdout, r.stderr, ...(await allFiles(dir)).map((f) => f.text)]) assert.not.match(text, CANARY);
  } finally {
    await home.close();
    await elsewhere.close();
  }
});

redirects('the simulator\'s redirect scenario (same port on 127.0.0.2) is not followed either', async () => {
  const sandbox = await startSandbox({ port: 0 });
  // The simulator redirects to its own port on 127.0.0.2: listen there to see whether anything arrives.
  const recorder = await new Promise((resolve, reject) => {
    const requests = [];
    const server = http.createServer((req, res) => {
      requests.push(req.headers);
      res.end('{}');
    });
    server.once('error', reject);
    server.listen(sandbox.port, '127.0.0.2', () => resolve({ requests, close: () => new Promise((r) => server.close(r)) }));
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', SANDBOX_KEY, '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '-H', 'x-sandbox-scenario: redirect']);
    assert.is(r.code, 1, r.stderr);
    assert.is(recorder.requests.length, 0);
    assert.is(sandbox.requests, 1);
    const report = await readReport(dir);
    assert.is(report.response.status, 302);
    assert.ok(report.checks.find((c) => c.id === 'response').details.redirect.crossHost);
  } finally {
    await recorder.close();
    await sandbox.close();
  }
});

redirects('a same-host redirect is not followed either: one request is the budget', async () => {
  const server = await startServer((req, res) => {
    res.writeHead(301, { location: '/v1.2/client/rental-rates' });
    res.end();
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', KEY, '--base-url', server.base, '--reports-dir', dir]);
    assert.is(r.code, 1, r.stderr);
    assert.is(server.requests.length, 1);
    const response = (await readReport(dir)).checks.find((c) => c.id === 'response');
    assert.match(response.message, 'another path');
    assert.is(response.details.redirect.crossHost, false);
  } finally {
    await server.close();
  }
});

redirects.run();

// ---------------------------------------------------------------------------------------------------------------

const secrets = suite('a server that echoes the key');
secrets.after(removeDirs);

/** Echoes the key it received everywhere it can: body, headers, a cookie, the error message. */
function echoServer(status) {
  return startServer((req, res) => {
    const key = req.headers['x-api-key'] ?? req.headers['x-rapidapi-key'] ?? '';
    const body = status === 200
      ? { status: 'success', content: { echo: key, note: `you sent ${key}`, url: `${req.url}&api_key=${key}` } }
      : { status: 'error', code: status, message: `Invalid api access Key ${key}` };
    sendJson(res, status, body, { 'x-echo-key': key, 'set-cookie': `session=${key}; HttpOnly`, 'x-debug': `key=${key}` });
  });
}

secrets('the canary key never reaches stdout, stderr or any report file (200, every format)', async () => {
  const server = await echoServer(200);
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', CANARY, '--base-url', server.base, '--reports-dir', dir, '--bundle', '--junit', join(dir, 'junit.xml')]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.is(server.requests[0].headers['x-api-key'], CANARY, 'the server did receive the key');
    const files = await allFiles(dir);
    const names = files.map((f) => f.path);
    for (const ext of ['.json', '.md', '.har', '.html', 'junit.xml']) assert.ok(names.some((n) => n.endsWith(ext)), `${ext} written`);
    for (const { path, text } of files) assert.not.match(text, CANARY, `${path} holds the key`);
    assert.not.match(r.stdout, CANARY);
    assert.not.match(r.stderr, CANARY);
    const report = await readReport(dir);
    assert.is(report.key.present, true);
    assert.is(report.key.last4, 'cdef');
    assert.match(report.response.headers['x-echo-key'], 'REDACTED');
  } finally {
    await server.close();
  }
});

secrets('… nor with --json, --format md, a 401 quoting it, the key from a file or the environment', async () => {
  const server = await echoServer(401);
  const keyDir = await reportsDir();
  const keyFile = join(keyDir, 'key.txt');
  await writeFile(keyFile, `${CANARY}\n`);
  try {
    const runs = [
      { args: ['--key', CANARY, '--json'] },
      { args: ['--key-file', keyFile, '--format', 'md'] },
      { args: [], env: { MASHVISOR_API_KEY: CANARY } },
    ];
    for (const run of runs) {
      const dir = await reportsDir();
      const r = await runCli(['check', ...ENDPOINT, ...run.args, '--base-url', server.base, '--reports-dir', dir, '--har', '--html'], { env: run.env });
      assert.is(r.code, 1, r.stdout + r.stderr);
      for (const { path, text } of await allFiles(dir)) assert.not.match(text, CANARY, `${path} holds the key`);
      assert.not.match(r.stdout, CANARY, `stdout of ${run.args.join(' ')}`);
      assert.not.match(r.stderr, CANARY);
      const auth = (await readReport(dir)).checks.find((c) => c.id === 'auth');
      assert.is(auth.status, 'fail');
      assert.match(auth.message, 'Invalid api access Key [REDACTED');
    }
    assert.is(server.requests.length, 3);
  } finally {
    await server.close();
  }
});

secrets('a body cut at 1 MiB in the middle of the key keeps no piece of it', async () => {
  const filler = Buffer.alloc(MAX_BODY_BYTES - 12, ' ');
  const server = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(Buffer.concat([Buffer.from('{"a":"'), filler.subarray(6), Buffer.from(`${req.headers['x-api-key']} and more"}`)]));
  });
  const dir = await reportsDir();
  try {
    const r = await runCli(['check', ...ENDPOINT, '--key', CANARY, '--base-url', server.base, '--reports-dir', dir, '--json']);
    assert.is(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.response.truncated);
    const prefix = CANARY.slice(0, 12);
    assert.not.ok(report.response.bodyText.endsWith(prefix.slice(0, 4)), 'the cut-off key is dropped');
    for (const { path, text } of await allFiles(dir)) assert.not.match(text, prefix, path);
  } finally {
    await server.close();
  }
});

secrets.run();

// ---------------------------------------------------------------------------------------------------------------

const timing = suite('timing phases');

timing('phases are measured from the socket, the total from the start', () => {
  // Synthetic marks: 100 ms of client set-up before the socket exists must not show up as connect time.
  const t = phases({ start: 0, socket: 100, connect: 105, firstByte: 112, end: 120 }, false, true);
  assert.equal(t, { dns: 0, connect: 5, tls: 0, firstByte: 7, download: 8, total: 120 });
  const named = phases({ start: 0, socket: 50, lookup: 60, connect: 70, secure: 90, firstByte: 130, end: 131 }, true, false);
  assert.equal(named, { dns: 10, connect: 10, tls: 20, firstByte: 40, download: 1, total: 131 });
  const refused = phases({ start: 0, socket: 10, end: 12 }, false, true);
  assert.equal(refused, { dns: 0, connect: null, tls: 0, firstByte: null, download: null, total: 12 });
});

timing('a real exchange records every phase it went through', async () => {
  const server = await startServer((req, res) => sendJson(res, 200, OK_BODY));
  try {
    const ex = await performExchange({ method: 'GET', url: `${server.url}/v1.1/client/rental-rates?state=CA`, headers: {}, body: null, timeoutMs: 5000 });
    for (const phase of ['dns', 'connect', 'tls', 'firstByte', 'download', 'total']) {
      assert.type(ex.timings[phase], 'number', `${phase} recorded`);
    }
    assert.is(ex.response.status, 200);
    assert.is(ex.response.httpVersion, '1.1');
  } finally {
    await server.close();
  }
});

timing.run();
