// Issue 11: the request judged is the one the user really sends. The CLI as a child process against the simulator
// over loopback: curl's shell variables, which key is used and why, the method the input used, a path and a
// parameter that disagree, history's "not-sent" runs, explain's extra codes, and a body cut off after a 200.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from './helpers.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, SANDBOX_KEY } from '../dist/sandbox/server.js';
import { validateReport } from '../dist/report/schema.js';

let sandbox;
const dirs = [];

async function reportsDir() {
  const dir = await mkdtemp(join(tmpdir(), 'mvp-fidelity-'));
  dirs.push(dir);
  return dir;
}

async function readReport(dir) {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  assert.is(names.length, 1, `one JSON report, found: ${names.join(', ')}`);
  return JSON.parse(await readFile(join(dir, names[0]), 'utf8'));
}

const byId = (report, id) => report.checks.find((c) => c.id === id);

/** `check --from-curl CMD` against the simulator, with the environment a user's shell would have. */
async function fromCurl(command, { env = {}, args = [] } = {}) {
  const dir = await reportsDir();
  // The simulator is not a Mashvisor host: the key (expanded from the environment) goes there only when named.
  const r = await runCli(['check', '--from-curl', command, '--reports-dir', dir, '--base-url', sandbox.directBaseUrl, ...args], { env });
  let report = null;
  try {
    report = await readReport(dir);
  } catch {
    /* no report: a usage error */
  }
  return { ...r, dir, report };
}

function lookupCurl(quote = '"') {
  // The README's example, pointed at the simulator: the key header in double quotes, as the docs write it.
  return `curl -G ${sandbox.directBaseUrl}/client/lookup -H ${quote}x-api-key: $MASHVISOR_API_KEY${quote} -d state=TX -d city=Killeen`;
}

const setup = async () => {
  sandbox = await startSandbox({ port: 0 });
};
const teardown = async () => {
  await sandbox.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
};

// ---------------------------------------------------------------------------------------------------------------
const keys = suite('curl as the shell runs it: variables and the key');
keys.before(setup);
keys.after(teardown);

keys('the README example, pasted in single quotes, sends the environment\'s key and passes', async () => {
  sandbox.resetStats();
  const r = await fromCurl(lookupCurl(), { env: { MASHVISOR_API_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.report.verdict, 'pass');
  assert.is(r.report.key.source, 'input');
  assert.is(sandbox.log.at(-1).headers['x-api-key'], SANDBOX_KEY);
  assert.match(r.stderr, 'expanded from the environment, as a shell would: $MASHVISOR_API_KEY');
  assert.not.match(r.stdout + r.stderr, SANDBOX_KEY);
});

keys('${VAR} expands too', async () => {
  const command = lookupCurl().replace('$MASHVISOR_API_KEY', '${MY_KEY}');
  const r = await fromCurl(command, { env: { MY_KEY: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.report.verdict, 'pass');
});

keys('an unset variable as the key is "no key", named; nothing is sent', async () => {
  sandbox.resetStats();
  const r = await fromCurl(lookupCurl());
  assert.is(r.code, 1);
  assert.is(sandbox.requests, 0);
  const auth = byId(r.report, 'auth');
  assert.is(auth.status, 'fail');
  assert.match(auth.message, 'no API key');
  assert.match(auth.message, "x-api-key header is $MASHVISOR_API_KEY, which is not set here");
});

keys('an unset variable with --key: the --key key is sent, and the output says why', async () => {
  sandbox.resetStats();
  const r = await fromCurl(lookupCurl(), { args: ['--key', SANDBOX_KEY] });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(sandbox.log.at(-1).headers['x-api-key'], SANDBOX_KEY);
  assert.is(r.report.key.source, 'flag');
  assert.match(byId(r.report, 'auth').message, 'the key from --key is sent instead');
  assert.match(r.stderr, 'the key from --key is sent instead');
});

keys('a key in the command and another in --key: the command line\'s key wins (issue 19), and the output says so', async () => {
  sandbox.resetStats();
  const r = await fromCurl(lookupCurl(), { env: { MASHVISOR_API_KEY: 'another-key-5678' }, args: ['--key', SANDBOX_KEY] });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(sandbox.log.at(-1).headers['x-api-key'], SANDBOX_KEY);
  assert.match(byId(r.report, 'auth').message, 'the key from --key is sent in place of the key written in the curl command');
  assert.not.match(JSON.stringify(r.report), 'another-key-5678');
});

keys('inside single quotes of the command a shell does not expand: the literal name is caught before sending', async () => {
  sandbox.resetStats();
  const r = await fromCurl(lookupCurl("'"));
  assert.is(r.code, 1);
  assert.is(sandbox.requests, 0);
  assert.match(byId(r.report, 'auth').message, 'the name of the shell variable MASHVISOR_API_KEY, never expanded');
});

keys.run();

// ---------------------------------------------------------------------------------------------------------------
const methods = suite('the method the input used');
methods.before(setup);
methods.after(teardown);

const RATES_URL = () => `${sandbox.directBaseUrl}/client/rental-rates?state=TX&source=airbnb`;

methods('curl -X POST on a documented GET: a params error naming both methods and the flag; nothing sent', async () => {
  sandbox.resetStats();
  const r = await fromCurl(`curl -X POST '${RATES_URL()}' -H "x-api-key: $K"`, { env: { K: SANDBOX_KEY } });
  assert.is(r.code, 1);
  assert.is(sandbox.requests, 0);
  assert.is(r.report.request.method, 'POST');
  const params = byId(r.report, 'params');
  assert.is(params.status, 'fail');
  assert.match(params.message, 'the request is POST (set by -X/--request POST), but the API documents only GET for /client/rental-rates');
  assert.match(params.advice, '--send-anyway sends it as POST');
  assert.match(r.stdout, /^POST http/m);
});

methods('--data without -G is a POST; -I is a HEAD: both named', async () => {
  const data = await fromCurl(`curl '${RATES_URL()}' -d beds=2 -H "x-api-key: $K"`, { env: { K: SANDBOX_KEY } });
  assert.is(data.code, 1);
  assert.match(byId(data.report, 'params').message, 'POST (set by -d/--data without -G)');
  assert.match(byId(data.report, 'params').advice, 'add -G');
  const head = await fromCurl(`curl -I '${RATES_URL()}' -H "x-api-key: $K"`, { env: { K: SANDBOX_KEY } });
  assert.is(head.code, 1);
  assert.match(byId(head.report, 'params').message, 'HEAD (set by -I/--head)');
  assert.match(head.report.reproduction.curl, /^curl -I /);
});

methods('--send-anyway sends the POST as given; the simulator answers 404 and the check says why', async () => {
  sandbox.resetStats();
  const r = await fromCurl(`curl '${RATES_URL()}' -d beds=2 -H "x-api-key: $K"`, { env: { K: SANDBOX_KEY }, args: ['--send-anyway'] });
  assert.is(r.code, 1);
  assert.is(sandbox.requests, 1);
  assert.is(sandbox.log.at(-1).method, 'POST');
  assert.is(r.report.response.status, 404);
  assert.match(byId(r.report, 'response').message, 'the API has no POST /client/rental-rates; it documents GET there');
  assert.is(await validateReport(r.report), null, 'a POST report still matches the report schema');
});

methods('-G with --data stays a GET and passes', async () => {
  const r = await fromCurl(`curl -G '${sandbox.directBaseUrl}/client/rental-rates' -d state=TX -d source=airbnb -H "x-api-key: $K"`, { env: { K: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.report.request.method, 'GET');
});

methods('a HAR entry\'s method is judged too', async () => {
  const { writeFile } = await import('node:fs/promises');
  const dir = await reportsDir();
  const har = join(dir, 'post.har');
  await writeFile(har, JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries: [
    { startedDateTime: '2026-01-01T00:00:00Z', time: 1, request: { method: 'POST', url: RATES_URL(), httpVersion: 'HTTP/1.1', headers: [{ name: 'x-api-key', value: SANDBOX_KEY }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
      response: { status: 404, statusText: '', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: 0 }, cache: {}, timings: { send: 0, wait: 1, receive: 0 } },
  ] } }));
  const r = await runCli(['check', '--from-har', har, '--offline', '--json']);
  assert.is(r.code, 1, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.match(rows[0].validation.errors[0].message, "the request is POST (set by the HAR entry's method (POST)), but the API documents only GET");
});

methods('a short-term-rental market outside the US: country=GB with its own state passes, live', async () => {
  sandbox.resetStats();
  const r = await fromCurl(`curl -G '${sandbox.directBaseUrl}/client/airbnb-property/super-hosts' -d state=London -d country=GB -H "x-api-key: $K"`, { env: { K: SANDBOX_KEY } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(sandbox.requests, 1);
  assert.is(r.report.verdict, 'pass');
});

methods.run();

// ---------------------------------------------------------------------------------------------------------------
const paths = suite('a value in the path and as a parameter');

paths('disagreeing: one clear line naming both values, exit 2', async () => {
  const r = await runCli(['validate', '/client/city/properties/TX/Austin', '-p', 'state=CA']);
  assert.is(r.code, 2);
  assert.is(r.stderr.trim(), 'mashvisor-preflight: state is "TX" in the path (/client/city/properties/TX/Austin) but "CA" as a parameter: give it once, in the path or as state=...');
});

paths('agreeing: fine', async () => {
  const r = await runCli(['validate', '/client/city/properties/TX/Austin', '-p', 'state=TX']);
  assert.is(r.code, 0, r.stderr);
});

paths('a query value that differs from the path is named in the warning', async () => {
  const r = await runCli(['validate', '/client/city/properties/TX/Austin?state=CA', '--json']);
  const doc = JSON.parse(r.stdout);
  assert.ok(doc.warnings.some((w) => w.message.includes('its query value "CA" differs from the path\'s "TX"')), r.stdout);
});

paths.run();

// ---------------------------------------------------------------------------------------------------------------
const after = suite('history, explain, and a body cut off after a 200');
after.before(setup);
after.after(teardown);

after('history counts checks that sent nothing apart from real no-response failures', async () => {
  const dir = await reportsDir();
  const base = ['--reports-dir', dir, '--base-url'];
  // Sent nothing: invalid parameters.
  await runCli(['check', 'getRentalRates', '-p', 'source=airbnb', '--key', SANDBOX_KEY, ...base, sandbox.directBaseUrl]);
  // Sent, no answer: nothing listens on port 9 of 127.0.0.1.
  await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'source=airbnb', '--key', SANDBOX_KEY, ...base, 'http://127.0.0.1:9/v1.1']);
  const r = await runCli(['history', '--reports-dir', dir, '--json']);
  const history = JSON.parse(r.stdout);
  assert.equal(history.byStatus, { 'not-sent': 1, 'no-response': 1 });
  const table = await runCli(['history', '--reports-dir', dir]);
  assert.match(table.stdout, 'not-sent');
});

after('explain: 3xx, 301, 403, 405 and 422 in words a user can act on, every line within 80 columns', async () => {
  const wanted = { '3xx': 'does not follow redirects', 301: '--base-url', 403: 'subscription', 405: '-d without -G sends POST', 422: 'validate' };
  for (const [code, phrase] of Object.entries(wanted)) {
    const r = await runCli(['explain', String(code)]);
    assert.is(r.code, 0, `${code}: ${r.stderr}`);
    assert.match(r.stdout, phrase, String(code));
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `${code}: ${line.length} columns: ${line}`);
  }
  // The errors page's own codes keep their documented text and fit too.
  for (const code of ['400', '401', '404', '429', '500', '503', '4xx', '418']) {
    const r = await runCli(['explain', code]);
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 80, `${code}: ${line}`);
  }
});

after('a body cut off after a 200 is "the connection broke mid-answer", not "could not be reached"', async () => {
  const dir = await reportsDir();
  const r = await runCli(['check', 'getRentalRates', '-p', 'state=TX', '-p', 'source=airbnb', '--key', SANDBOX_KEY,
    '--base-url', sandbox.directBaseUrl, '--reports-dir', dir, '-H', 'x-sandbox-scenario: reset']);
  assert.is(r.code, 4);
  assert.match(r.stdout, 'Verdict: network-error — the connection broke mid-answer');
  assert.not.match(r.stdout, 'could not be reached');
  const report = await readReport(dir);
  assert.match(report.summary, 'the connection broke mid-answer');
});

after.run();
