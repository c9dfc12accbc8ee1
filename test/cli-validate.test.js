// The offline CLI as a user runs it: `node bin/mashvisor-preflight.js validate|endpoints|explain ...`.
// Every run is started up front, a few at a time, and each test then reads its own result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mashvisor-preflight.js');
const fixture = (name) => join(root, 'test', 'fixtures', 'payloads', name);
const tmp = mkdtempSync(join(tmpdir(), 'mvp-cli-validate-'));
const bigPayload = join(tmp, 'big.json');
writeFileSync(bigPayload, `{"state":"CA"}${' '.repeat(1024 * 1024)}`);

const ERRORS_PAGE = {
  400: 'Bad Request -- Your request is invalid.',
  401: 'Unauthorized -- Your API key is wrong.',
  404: 'Not Found -- The specified property could not be found.',
  429: "Too Many Requests -- You're sending too many requests! Slow down!",
  500: 'Internal Server Error -- We had a problem with our server. Try again later.',
  503: "Service Unavailable -- We're temporarily offline for maintenance. Please try again later.",
  '2xx': 'A 2xx status code indicates a successful response.',
  '4xx': "A 4xx status code indicates a client error — this means it's input error problem.",
  '5xx': "A 5xx status code indicates a server error — please contact support if you're seeing this",
};

/** Runs the CLI with stdin from `input` (closed at once when none); resolves with exit code and output. */
function run(args, input = '') {
  return new Promise((resolve, reject) => {
    // Wide enough that no message in the table wraps, so each can be matched whole.
    const env = { ...process.env, NO_COLOR: '1', COLUMNS: '200' };
    delete env.MASHVISOR_PREFLIGHT_DEBUG;
    const child = spawn(process.execPath, [bin, ...args], { cwd: tmp, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading stdin
    child.stdin.end(input);
  });
}

const CASES = {
  missingState: ['validate', 'getRentalRates', '--param', 'source=airbnb'],
  concretePath: ['validate', '/client/city/properties/TX/Austin'],
  warningsOnly: ['validate', 'getRentalRates', '-p', 'state=CA', '-p', 'zipcode=90210'],
  badEnum: ['validate', '/rental-rates', '-p', 'state=CA', '-p', 'source=vrbo'],
  url: ['validate', 'https://gw.example.com/mashvisor/v1.1/client/rental-rates?state=CA&source=airbnb&zip_code=123'],
  jsonInvalid: ['validate', 'getRentalRates', '--param', 'source=airbnb', '--json'],
  jsonValid: ['validate', 'https://api.mashvisor.com/v1.1/client/city/properties/TX/San%20Antonio?page=2', '--json'],
  payloadFlat: ['validate', 'getRentalRates', '--payload', fixture('flat.json')],
  payloadStructured: ['validate', 'listNeighborhoodAirbnbDetails', '--payload', fixture('structured.json'), '--param', 'page=0'],
  stdinPayload: { args: ['validate', 'getRentalRates', '--payload', '-'], input: '{"state":"TX","source":"traditional"}' },
  stdinPayloadEquals: { args: ['validate', 'getRentalRates', '--payload=-', '--json'], input: '{"query":{"state":"TX"}}' },
  postNoBody: ['validate', 'postMlMashmeter'],
  postBody: ['validate', '/ml/mashmeter', '--payload', fixture('post-body.json')],
  // Bad input: one line on stderr, exit 2.
  badMissingFile: ['validate', 'getRentalRates', '--payload', 'nope.json'],
  badDirectory: ['validate', 'getRentalRates', '--payload', tmp],
  badMalformed: ['validate', 'getRentalRates', '--payload', fixture('malformed.json')],
  badArray: ['validate', 'getRentalRates', '--payload', fixture('array.json')],
  badBinary: ['validate', 'getRentalRates', '--payload', fixture('binary.png')],
  badUtf8: ['validate', 'getRentalRates', '--payload', fixture('invalid-utf8.json')],
  badEmpty: ['validate', 'getRentalRates', '--payload', fixture('empty.json')],
  badBig: ['validate', 'getRentalRates', '--payload', bigPayload],
  badParam: ['validate', 'getRentalRates', '--param', 'state'],
  badStdinMalformed: { args: ['validate', 'getRentalRates', '--payload', '-'], input: '{\n  "state": "CA",,\n}' },
  badStdinEmpty: { args: ['validate', 'getRentalRates', '--payload', '-'], input: '' },
  badEndpoint: ['validate', 'getRentalRate'],
  badNoEndpoint: ['validate'],
  badOption: ['validate', 'getRentalRates', '--bogus-option'],
  badJsonFlagStillOneLine: ['validate', 'getRentalRates', '--payload', fixture('malformed.json'), '--json'],
  endpoints: ['endpoints'],
  endpointsJson: ['endpoints', '--json'],
  endpointsOne: ['endpoints', 'getRentalRates'],
  endpointsByPath: ['endpoints', '/client/city/properties/TX/Austin'],
  endpointsUnknown: ['endpoints', 'getNothing'],
  explain418: ['explain', '418'],
  explainFoo: ['explain', 'foo'],
  explainJson: ['explain', '503', '--json'],
  help: ['--help'],
  validateHelp: ['validate', '--help'],
};
// Each wording is checked in-process below; these few go through the CLI.
for (const code of ['401', '404', '500', '2xx', '4xx']) CASES[`explain${code}`] = ['explain', code];

const results = {};

test.before(async () => {
  const entries = Object.entries(CASES);
  let next = 0;
  // Four at a time: enough to overlap start-up on two cores without starving each other.
  const worker = async () => {
    while (next < entries.length) {
      const [name, c] = entries[next++];
      results[name] = Array.isArray(c) ? await run(c) : await run(c.args, c.input);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});

test.after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function get(name) {
  const r = results[name];
  assert.ok(r, `no result for ${name}`);
  return r;
}

/** Exit 2, nothing on stdout, exactly one line on stderr, no stack trace. */
function usageFailure(name, pattern) {
  const r = get(name);
  assert.is(r.code, 2, `${name}: exit ${r.code}, stderr: ${r.stderr}`);
  assert.is(r.stdout, '', `${name}: stdout should be empty`);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.is(lines.length, 1, `${name}: stderr should be one line: ${r.stderr}`);
  assert.not.match(r.stderr, /^\s+at /m, `${name}: stack frame in stderr`);
  assert.not.match(r.stderr, /unexpected error/, `${name}: unexpected error`);
  assert.match(lines[0], /^mashvisor-preflight: /);
  if (pattern) assert.match(lines[0], pattern);
  return lines[0];
}

// ---------- validate ----------

test('done-when: getRentalRates without state exits 1 and names state', () => {
  const r = get('missingState');
  assert.is(r.code, 1, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /✖ getRentalRates GET \/client\/rental-rates: 1 error, 0 warnings/);
  assert.match(r.stdout, /│ state is required: the API answers 404 when it is missing\s+│ add state=CA\s+│/);
  assert.match(r.stdout, /add state=CA/);
});

test('done-when: a concrete city path exits 0', () => {
  const r = get('concretePath');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^✔ listCityProperties GET \/client\/city\/properties\/\{state\}\/\{city\}: parameters valid \(0 errors, 0 warnings\)\n$/);
});

test('warnings alone still exit 0, with the nearest name', () => {
  const r = get('warningsOnly');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /parameters valid \(0 errors, 2 warnings\)/);
  assert.match(r.stdout, /zipcode: unknown — did you mean zip_code\?/);
  assert.match(r.stdout, /source is missing/);
});

test('enum error in the API\'s terms', () => {
  const r = get('badEnum');
  assert.is(r.code, 1);
  assert.match(r.stdout, /source must be one of: airbnb, traditional/);
});

test('a gateway URL: query read from it', () => {
  const r = get('url');
  assert.is(r.code, 0);
  assert.match(r.stdout, /zip_code "123" is not a five-digit US ZIP/);
  assert.not.match(r.stdout, /state is required/);
});

test('--json: one JSON document with the result and the parameters', () => {
  const invalid = get('jsonInvalid');
  assert.is(invalid.code, 1);
  const doc = JSON.parse(invalid.stdout);
  assert.is(doc.valid, false);
  assert.is(doc.operationId, 'getRentalRates');
  assert.equal(doc.errors.map((e) => e.param), ['state']);
  assert.is(doc.errors[0].message, 'state is required: the API answers 404 when it is missing');
  assert.equal(doc.params, { path: {}, query: { source: 'airbnb' } });
  const valid = get('jsonValid');
  assert.is(valid.code, 0);
  const ok = JSON.parse(valid.stdout);
  assert.is(ok.valid, true);
  assert.equal(ok.params, { path: { state: 'TX', city: 'San Antonio' }, query: { page: '2' } });
  assert.equal(ok.warnings.map((w) => w.param), ['page']);
});

test('--payload files, flat and structured, merged with --param', () => {
  const flat = get('payloadFlat');
  assert.is(flat.code, 0, flat.stderr + flat.stdout);
  const structured = get('payloadStructured');
  assert.is(structured.code, 1);
  assert.match(structured.stdout, /page must be >= 1 \(got "0"\)/);
});

test('--payload - reads stdin', () => {
  const r = get('stdinPayload');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /parameters valid \(0 errors, 0 warnings\)/);
  const eq = get('stdinPayloadEquals');
  assert.is(eq.code, 0, eq.stderr);
  assert.equal(JSON.parse(eq.stdout).params, { path: {}, query: { state: 'TX' } });
});

test('POST: the body is required; a payload file is the body', () => {
  const none = get('postNoBody');
  assert.is(none.code, 1);
  assert.match(none.stdout, /a JSON body is required/);
  const body = get('postBody');
  assert.is(body.code, 0, body.stderr);
  assert.match(body.stdout, /postMlMashmeter POST \/client\/ml\/mashmeter: parameters valid/);
});

// ---------- bad input ----------

test('missing payload file', () => usageFailure('badMissingFile', /cannot read payload nope\.json: no such file$/));
test('a directory as payload', () => usageFailure('badDirectory', /is a directory, not a file$/));
test('malformed JSON: line and column', () => usageFailure('badMalformed', /malformed\.json: invalid JSON at line 3, column 12: expected ':' after the property name$/));
test('JSON that is not an object', () => usageFailure('badArray', /the payload must be a JSON object, not an array$/));
test('binary data', () => usageFailure('badBinary', /binary\.png is binary data, not JSON text$/));
test('invalid UTF-8', () => usageFailure('badUtf8', /is not UTF-8 text$/));
test('empty file', () => usageFailure('badEmpty', /empty\.json is empty: expected JSON$/));
test('a payload over 1 MiB', () => usageFailure('badBig', /big\.json is over the 1 MiB limit/));
test('--param without =', () => usageFailure('badParam', /--param "state" must look like key=value$/));
test('--payload - with malformed JSON: line and column', () => usageFailure('badStdinMalformed', /payload from stdin: invalid JSON at line 2, column 17: expected a property name in double quotes$/));
test('--payload - with nothing on stdin', () => usageFailure('badStdinEmpty', /payload from stdin is empty/));
test('unknown endpoint: suggestions', () => usageFailure('badEndpoint', /unknown endpoint: getRentalRate — did you mean getRentalRates/));
test('no endpoint', () => usageFailure('badNoEndpoint', /name an endpoint/));
test('unknown option', () => usageFailure('badOption', /bogus-option/i));
test('--json does not turn a usage error into JSON or a second line', () => usageFailure('badJsonFlagStillOneLine', /invalid JSON at line 3/));

// ---------- endpoints ----------

test('endpoints: a table of all 56 operations with their required parameters', async () => {
  const r = get('endpoints');
  assert.is(r.code, 0, r.stderr);
  const { loadCatalog } = await import('../dist/catalog/catalog.js');
  const catalog = loadCatalog();
  assert.is(catalog.length, 56);
  for (const op of catalog) assert.match(r.stdout, new RegExp(`│ ${op.operationId}\\s+│ ${op.method}\\s+│ ${op.path.replace(/[{}]/g, '\\$&')}\\s+│`), op.operationId);
  assert.match(r.stdout, /│ validateCity\s+│ GET\s+│ \/client\/metadata\/validate-city\s+│ state, city\s+│/);
  assert.match(r.stdout, /│ listCityProperties\s+│ GET\s+│ \/client\/city\/properties\/\{state\}\/\{city\}\s+│ state, city\s+│/);
  assert.match(r.stdout, /│ postMlMashmeter\s+│ POST\s+│ \/client\/ml\/mashmeter\s+│ body\s+│/);
  assert.match(r.stdout, /\n56 operations\./);
  const json = JSON.parse(get('endpointsJson').stdout);
  assert.is(json.length, 56);
});

test('endpoints <name>: parameters, types, required, description', () => {
  const r = get('endpointsOne');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^getRentalRates {2}GET \/v1\.1\/client\/rental-rates\n {2}RapidAPI: GET \/rental-rates\n/);
  assert.match(r.stdout, /│ state\s+│ query │ string\s+│ yes\s+│ Two-letter US state/);
  assert.match(r.stdout, /│ neighborhood\s+│ query │ integer │ no\s+│/);
  assert.match(r.stdout, /│ source\s+│ query │ string\s+│ advised\s+│/);
  assert.match(r.stdout, /One of: airbnb, traditional\./);
  const byPath = get('endpointsByPath');
  assert.is(byPath.code, 0);
  assert.match(byPath.stdout, /^listCityProperties /);
  assert.match(byPath.stdout, /│ city\s+│ path\s+│ string\s+│ yes\s+│/);
  usageFailure('endpointsUnknown', /unknown endpoint: getNothing/);
});

// ---------- explain ----------

test('explain: the errors page\'s exact words for every documented code and class', async () => {
  const { lookupCode } = await import('../dist/cli/commands/explain.js');
  for (const [code, text] of Object.entries(ERRORS_PAGE)) {
    const info = lookupCode(code);
    assert.is(info.documented, text, code);
    assert.is(info.documentedCode, true, code);
    assert.is(info.party, code.startsWith('5') ? 'support' : 'client', code);
    assert.ok(info.checkFirst.length > 0, code);
  }
  for (const code of ['401', '404', '500', '2xx', '4xx']) {
    const r = get(`explain${code}`);
    assert.is(r.code, 0, `${code}: ${r.stderr}`);
    // Lines are wrapped to the terminal's width: the errors page's text is compared with the wrapping undone.
    assert.ok(unwrap(r.stdout).includes(`  Documented: "${ERRORS_PAGE[code]}"\n`), `${code}: ${r.stdout}`);
    // These runs say COLUMNS=200; terminal.test.js holds explain to 80 columns.
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 200, `${code}: ${line}`);
    assert.match(r.stdout, /\n {2}Check first:\n {4}- /);
  }
  assert.match(get('explain401').stdout, /^401 Unauthorized\n/);
  assert.match(get('explain401').stdout, /Whose fix: yours: fix it before contacting support/);
  assert.match(get('explain401').stdout, /x-api-key/);
  assert.match(get('explain404').stdout, /`state`/);
  assert.match(get('explain500').stdout, /Whose fix: support's/);
  assert.match(get('explain2xx').stdout, /Whose fix: nothing, when the body is a success/);
  assert.not.match(get('explain4xx').stdout, /not on the errors page/);
});

test('explain: codes are looked up as own keys only', async () => {
  const { lookupCode } = await import('../dist/cli/commands/explain.js');
  for (const bad of ['constructor', '__proto__', 'toString', '600', '40', '']) {
    assert.throws(() => lookupCode(bad), (err) => err.name === 'UsageError', bad);
  }
  assert.is(lookupCode(' 5XX ').code, '5xx');
  assert.is(lookupCode('502').code, '502');
  assert.is(lookupCode('502').documentedCode, false);
  // A redirect is explained in the tool's own words: it never follows one.
  assert.equal([lookupCode('302').code, lookupCode('302').ownWords], ['302', true]);
});

/** Joins explain's wrapped continuation lines back into one line. */
function unwrap(text) {
  return text.replace(/\n {4,}(?!- )/g, ' ');
}

test('explain 418: not on the page, so its class, 4xx', () => {
  const r = get('explain418');
  assert.is(r.code, 0);
  assert.match(r.stdout, /^418 Client error\n/);
  assert.ok(unwrap(r.stdout).includes(ERRORS_PAGE['4xx']));
  assert.match(r.stdout, /418 is not on the errors page; this is what its class, 4xx, means/);
  assert.match(r.stdout, /Whose fix: yours/);
});

test('explain foo: usage error', () => usageFailure('explainFoo', /unknown status code: foo/));

test('explain --json', () => {
  const r = get('explainJson');
  assert.is(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.is(doc.code, '503');
  assert.is(doc.documented, ERRORS_PAGE[503]);
  assert.is(doc.party, 'support');
  assert.ok(Array.isArray(doc.checkFirst) && doc.checkFirst.length > 0);
});

// ---------- help ----------

test('--help exits 0 and names the commands', () => {
  const r = get('help');
  assert.is(r.code, 0, r.stderr);
  for (const command of ['validate', 'endpoints', 'explain']) assert.match(r.stdout, new RegExp(`mashvisor-preflight ${command}`));
  const v = get('validateHelp');
  assert.is(v.code, 0);
  assert.match(v.stdout, /--payload/);
  assert.match(v.stdout, /--param/);
});

test.run();
