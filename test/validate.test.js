// Offline validation in the API's terms, payload placement, and where a malformed payload breaks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateParams } from '../dist/catalog/validate.js';
import { loadCatalog, findByOperationId } from '../dist/catalog/catalog.js';
import { paramsFromPayload, mergeParams, parseJsonText, parseParamFlag, readInputText, MAX_PAYLOAD_BYTES } from '../dist/request/params.js';
import { locateJsonError } from '../dist/shared/json-error.js';
import { UsageError } from '../dist/shared/errors.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name) => join(root, 'test', 'fixtures', 'payloads', name);

function op(id) {
  const found = findByOperationId(id);
  assert.ok(found, `no operation ${id}`);
  return found;
}

function validate(id, query = {}, path = {}, body) {
  const params = body === undefined ? { path, query } : { path, query, body };
  return validateParams(op(id), params);
}

function only(problems, param) {
  const found = problems.filter((p) => p.param === param);
  assert.is(found.length, 1, `expected one problem on ${param}, got ${JSON.stringify(problems)}`);
  return found[0];
}

function usageErrorOf(fn) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UsageError, `expected a UsageError, got ${err}`);
    return err;
  }
  assert.unreachable('expected a UsageError');
}

async function asyncUsageErrorOf(promise) {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, UsageError, `expected a UsageError, got ${err}`);
    return err;
  }
  assert.unreachable('expected a UsageError');
}

// ---------- required, enum, types ----------

test('missing state: an error that says the API answers 404', async () => {
  const r = await validate('getRentalRates', { source: 'airbnb' });
  assert.is(r.valid, false);
  assert.is(r.operationId, 'getRentalRates');
  assert.is(r.method, 'GET');
  assert.is(r.endpoint, '/client/rental-rates');
  const p = only(r.errors, 'state');
  assert.is(p.in, 'query');
  assert.is(p.severity, 'error');
  assert.is(p.message, 'state is required: the API answers 404 when it is missing');
  assert.is(p.fix, 'add state=CA');
});

test('documentation placeholders such as <string> are invalid values, whatever the type', async () => {
  const r = await validate('getRentalRates', { state: 'CA', city: '<string>', neighborhood: '<long>', source: 'airbnb' });
  assert.is(r.valid, false);
  assert.is(only(r.errors, 'city').message, 'city is still the placeholder "<string>", not a value');
  assert.is(only(r.errors, 'neighborhood').message, 'neighborhood is still the placeholder "<long>", not a value');
  assert.is(r.errors.length, 2, 'one problem per parameter, not a second one from the type check');
  const fine = await validate('getRentalRates', { state: 'CA', city: 'Austin <TX>', source: 'airbnb' });
  assert.is(fine.valid, true);
});

test('a required path parameter: the fix shows the filled path', async () => {
  const r = await validate('listCityProperties', {}, { state: 'TX' });
  const p = only(r.errors, 'city');
  assert.is(p.in, 'path');
  assert.is(p.message, 'city is required');
  assert.is(p.fix, 'fill {city} in the path, e.g. /client/city/properties/CA/Austin');
  assert.ok(r.errors.every((e) => e.param !== 'state'));
});

test('valid request: no errors, no warnings', async () => {
  const r = await validate('getRentalRates', { state: 'CA', source: 'airbnb', city: 'Los Angeles', zip_code: '90210' });
  assert.is(r.valid, true);
  assert.equal(r.errors, []);
  assert.equal(r.warnings, []);
  const path = await validate('listCityProperties', {}, { state: 'TX', city: 'Austin' });
  assert.is(path.valid, true);
});

test('enum: lists the allowed values', async () => {
  const r = await validate('getRentalRates', { state: 'CA', source: 'vrbo' });
  const p = only(r.errors, 'source');
  assert.is(p.message, 'source must be one of: airbnb, traditional (got "vrbo")');
  assert.is(p.fix, 'use source=airbnb');
  assert.is(p.value, 'vrbo');
});

test('state: not a state code is an error; lower or mixed case is only a warning', async () => {
  const bad = await validate('getRentalRates', { state: 'Texas', source: 'airbnb' });
  assert.is(only(bad.errors, 'state').message, 'state must be a two-letter US state code (got "Texas")');
  for (const given of ['ca', 'Ca']) {
    const r = await validate('getRentalRates', { state: given, source: 'airbnb' });
    assert.is(r.valid, true, given);
    const w = only(r.warnings, 'state');
    assert.is(w.severity, 'warning');
    assert.match(w.message, new RegExp(`^state "${given}" is not in capitals`));
    assert.is(w.fix, 'use state=CA');
  }
});

test('integers read as the server reads strings: "2" yes, "abc" and "2.5" no', async () => {
  assert.is((await validate('listCityTrends', { state: 'TX', page: '2', items: '10' })).valid, true);
  const abc = await validate('listCityTrends', { state: 'TX', page: 'abc' });
  const p = only(abc.errors, 'page');
  assert.is(p.message, 'page must be a whole number (got "abc")');
  assert.is(p.fix, 'use page=1');
  const frac = await validate('listCityTrends', { state: 'TX', items: '2.5' });
  assert.is(only(frac.errors, 'items').message, 'items must be a whole number (got "2.5")');
});

test('coercion never changes the caller\'s values', async () => {
  const query = { state: 'tx', page: '2' };
  await validate('listCityTrends', query);
  assert.equal(query, { state: 'tx', page: '2' });
});

test('minimum and maximum', async () => {
  const page = await validate('listCityTrends', { state: 'TX', page: '0' });
  const p = only(page.errors, 'page');
  assert.is(p.message, 'page must be >= 1 (got "0")');
  assert.is(p.fix, 'use a value >= 1');
  const beds = await validate('getRentoCalculatorLookup', { state: 'TX', beds: '-1' });
  assert.is(only(beds.errors, 'beds').message, 'beds must be >= 0 (got "-1")');
});

test('ZIP code: five digits or 0 expected, anything else only warned about (no source states the rule)', async () => {
  for (const bad of ['1234', '123456', '7870a']) {
    const r = await validate('getRentalRates', { state: 'TX', source: 'airbnb', zip_code: bad });
    assert.is(r.valid, true);
    const p = only(r.warnings, 'zip_code');
    assert.match(p.message, `zip_code "${bad}" is not a five-digit US ZIP code, or 0 for "not set"`);
  }
  for (const good of ['01234', '0']) {
    const r = await validate('getRentalRates', { state: 'TX', source: 'airbnb', zip_code: good });
    assert.equal([r.errors, r.warnings], [[], []]);
  }
});

test('latitude and longitude ranges', async () => {
  const ok = await validate('getSearchHeatmap', { state: 'CA', type: 'listing', sw_lat: '-90', sw_lng: '-180', ne_lat: '90', ne_lng: '180' });
  assert.equal(ok.errors, []);
  const r = await validate('getSearchHeatmap', { state: 'CA', type: 'listing', sw_lat: '90.5', ne_lng: '-181', ne_lat: 'north' });
  assert.is(only(r.errors, 'sw_lat').message, 'sw_lat must be <= 90 (got "90.5")');
  assert.is(only(r.errors, 'ne_lng').message, 'ne_lng must be >= -180 (got "-181")');
  assert.is(only(r.errors, 'ne_lat').message, 'ne_lat must be a number (got "north")');
  const rento = await validate('getRentoCalculatorLookup', { state: 'TX', lat: '91', lng: '-97.74' });
  assert.is(only(rento.errors, 'lat').message, 'lat must be <= 90 (got "91")');
  assert.ok(rento.errors.every((e) => e.param !== 'lng'));
});

test('empty text is not a value', async () => {
  const r = await validate('validateCity', { state: 'TX', city: '' });
  assert.is(only(r.errors, 'city').message, 'city must not be empty (got "")');
});

// ---------- warnings ----------

test('unknown parameter: a warning with the nearest known name', async () => {
  const r = await validate('getRentalRates', { state: 'CA', source: 'airbnb', zipcode: '90210' });
  assert.is(r.valid, true);
  const w = only(r.warnings, 'zipcode');
  assert.is(w.severity, 'warning');
  assert.is(w.message, 'zipcode: unknown — did you mean zip_code?');
  assert.is(w.fix, 'rename it to zip_code');
  const far = await validate('getRentalRates', { state: 'CA', source: 'airbnb', flux_capacitor: '1' });
  assert.is(only(far.warnings, 'flux_capacitor').message, 'flux_capacitor: unknown parameter for getRentalRates');
});

test('a path parameter sent in the query: warned, with the path to use', async () => {
  const r = await validate('listCityProperties', { state: 'TX' }, { state: 'TX', city: 'Austin' });
  const w = only(r.warnings, 'state');
  assert.is(w.message, 'state is a path parameter of /client/city/properties/{state}/{city}, not a query parameter');
});

test('warn-if-missing: sources disagree, so a warning, not an error', async () => {
  const r = await validate('getRentalRates', { state: 'CA' });
  assert.is(r.valid, true);
  const w = only(r.warnings, 'source');
  assert.match(w.message, /^source is missing: the RapidAPI listing marks source as required/);
  assert.is(w.fix, 'add source=airbnb');
});

test('repeated parameter: one error, not a second one from the type check', async () => {
  const r = await validate('getRentalRates', { state: ['CA', 'TX'], source: 'airbnb' });
  assert.is(r.valid, false);
  const p = only(r.errors, 'state');
  assert.is(p.message, 'state is given 2 times');
  assert.is(p.fix, 'send state once');
  assert.equal(p.value, ['CA', 'TX']);
});

// ---------- bodies ----------

test('POST: the body is required and must be an object', async () => {
  const none = await validate('postMlMashmeter');
  assert.is(none.valid, false);
  assert.is(only(none.errors, 'body').message, 'a JSON body is required');
  assert.is(none.method, 'POST');
  const list = await validate('postMlMashmeter', {}, {}, [1, 2]);
  const p = only(list.errors, 'body');
  assert.is(p.message, 'the JSON body must be a JSON object, not an array');
  assert.is(p.in, 'body');
  const text = await validate('postMlInvestmentLikelihood', {}, {}, 'beds=3');
  assert.is(only(text.errors, 'body').message, 'the JSON body must be a JSON object, not string');
  const ok = await validate('postMlRecommendedProperty', {}, {}, { beds: 3 });
  assert.is(ok.valid, true);
});

test('GET with a body: a warning that it will not be sent', async () => {
  const r = await validate('getRentalRates', { state: 'CA', source: 'airbnb' }, {}, { x: 1 });
  assert.is(r.valid, true);
  assert.match(only(r.warnings, 'body').message, /takes no JSON body; it will not be sent/);
});

test('every schema\'s own example validates without errors', async () => {
  const dir = join(root, 'schemas', 'endpoints');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.is(files.length, loadCatalog().length);
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const example = schema['x-example'];
    assert.ok(example, `${file} has no x-example`);
    const r = await validateParams(op(schema['x-operation'].operationId), example);
    assert.equal(r.errors, [], `${file}: ${JSON.stringify(r.errors)}`);
  }
});

// ---------- payloads and flags ----------

test('flat payload: values as wire text, each where the operation expects it', () => {
  const flat = JSON.parse(readFileSync(fixture('flat.json'), 'utf8'));
  assert.equal(paramsFromPayload(op('getRentalRates'), flat, 'flat.json'),
    { path: {}, query: { state: 'CA', source: 'airbnb', zip_code: '90210' } });
  assert.equal(paramsFromPayload(op('listCityProperties'), { state: 'TX', city: 'Austin', page: 1 }, 'p'),
    { path: { state: 'TX', city: 'Austin' }, query: { page: '1' } });
  assert.equal(paramsFromPayload(op('listCityTrends'), { state: 'TX', page: [1, 2], flag: true }, 'p'),
    { path: {}, query: { state: 'TX', page: ['1', '2'], flag: 'true' } });
});

test('flat payload on a POST is the body (even {}), types kept', () => {
  const body = JSON.parse(readFileSync(fixture('post-body.json'), 'utf8'));
  assert.equal(paramsFromPayload(op('postMlMashmeter'), body, 'p'), { path: {}, query: {}, body: { beds: 3, baths: 2, zip_code: '78701' } });
  assert.equal(paramsFromPayload(op('postMlMashmeter'), {}, 'p'), { path: {}, query: {}, body: {} });
});

test('structured payload: query, path and body kept apart', () => {
  const structured = JSON.parse(readFileSync(fixture('structured.json'), 'utf8'));
  assert.equal(paramsFromPayload(op('listNeighborhoodAirbnbDetails'), structured, 'p'),
    { path: { id: '269590' }, query: { state: 'TX', page: '2' } });
  assert.equal(paramsFromPayload(op('postMlMashmeter'), { body: [1] }, 'p'), { path: {}, query: {}, body: [1] });
});

test('payload shape errors are usage errors that name the source', () => {
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), [{ state: 'CA' }], 'a.json')).message,
    /^a\.json: the payload must be a JSON object, not an array$/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), null, 'n.json')).message, /not null$/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), 'CA', 's.json')).message, /not a string$/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), { state: null }, 'p')).message, /state must be a plain value/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), { state: { code: 'CA' } }, 'p')).message, /not an object/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), { query: { state: 'CA' }, state: 'CA' }, 'p')).message,
    /"state" is out of place/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('getRentalRates'), { query: ['state=CA'] }, 'p')).message,
    /"query" must be a JSON object/);
  assert.match(usageErrorOf(() => paramsFromPayload(op('listCityProperties'), { path: { state: ['TX', 'CA'] } }, 'p')).message,
    /state is a path parameter and takes one value/);
});

test('mergeParams: URL < payload < --param; repeated --param makes a list', () => {
  const o = op('getRentalRates');
  const url = { path: {}, query: { state: 'NY', city: 'Albany' } };
  const payload = { path: {}, query: { state: 'CA', source: 'airbnb' } };
  assert.equal(mergeParams(o, [url, payload], ['source=traditional']),
    { path: {}, query: { state: 'CA', city: 'Albany', source: 'traditional' } });
  assert.equal(mergeParams(o, [], ['state=CA', 'state=TX']).query, { state: ['CA', 'TX'] });
  assert.equal(mergeParams(op('listCityProperties'), [{ path: { state: 'TX', city: 'Austin' }, query: {} }], ['city=Dallas']).path,
    { state: 'TX', city: 'Dallas' });
  assert.equal(mergeParams(op('postMlMashmeter'), [{ path: {}, query: {}, body: { beds: 3 } }], ['baths=2']).body, { beds: 3, baths: '2' });
});

test('--param: key=value, the value may hold "="; no "=" or no key is a usage error', () => {
  assert.equal(parseParamFlag('address=a=b'), ['address', 'a=b']);
  assert.equal(parseParamFlag(' city =San Jose'), ['city', 'San Jose']);
  assert.equal(parseParamFlag('city='), ['city', '']);
  for (const bad of ['state', '=CA', ' =CA', '']) {
    assert.match(usageErrorOf(() => parseParamFlag(bad)).message, /must look like key=value/, bad);
  }
  assert.match(usageErrorOf(() => mergeParams(op('getRentalRates'), [], ['stateCA'])).message, /^--param "stateCA" must look like key=value$/);
});

// ---------- reading and parsing ----------

test('malformed JSON: line and column of the mistake', () => {
  const text = readFileSync(fixture('malformed.json'), 'utf8');
  assert.is(usageErrorOf(() => parseJsonText(text, 'malformed.json')).message,
    "malformed.json: invalid JSON at line 3, column 12: expected ':' after the property name");
  assert.match(usageErrorOf(() => parseJsonText(' \n\t', 'empty.json')).message, /^empty\.json is empty/);
  assert.equal(parseJsonText('{"a":1}', 'x'), { a: 1 });
});

test('locateJsonError: where and why, for each kind of mistake', () => {
  assert.is(locateJsonError('{"a": 1}'), null);
  assert.is(locateJsonError(' [1, "x", {"b": null}, true, -0.5e3] '), null);
  const at = (text) => {
    const p = locateJsonError(text);
    assert.ok(p, `expected an error in ${JSON.stringify(text)}`);
    return [p.line, p.column, p.expected];
  };
  assert.equal(at('{"a": 1,}'), [1, 9, 'a property name in double quotes']);
  assert.equal(at("{'a': 1}"), [1, 2, 'a property name in double quotes']);
  assert.equal(at('{"a": 1\n"b": 2}'), [2, 1, "',' or '}' after a property value"]);
  assert.equal(at('[1 2]'), [1, 4, "',' or ']' after an array element"]);
  assert.equal(at('{"a": tru}'), [1, 7, 'a value (string, number, object, array, true, false or null)']);
  assert.equal(at('{"a": "x'), [1, 9, 'a closing double quote']);
  assert.equal(at('{"a": "\\x"}'), [1, 8, 'a valid escape after the backslash (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)']);
  assert.equal(at('{"a": "\\u12G4"}'), [1, 8, 'four hex digits after \\u']);
  assert.equal(at('{"a": "line\nbreak"}'), [1, 12, 'no raw control characters inside a string (write \\n, \\t, ...)']);
  assert.equal(at('{"a": 1} x'), [1, 10, 'nothing after the JSON value']);
  assert.equal(at('{"a": -}'), [1, 7, 'a number']);
  assert.equal(at('\r\n\r\n  {"a" 1}'), [3, 8, "':' after the property name"]);
  assert.equal(at(''), [1, 1, 'a value, but the input ended']);
});

test('locateJsonError survives nesting too deep to scan', () => {
  const deep = '['.repeat(200000);
  const p = locateJsonError(deep);
  assert.ok(p === null || typeof p.line === 'number');
  assert.match(usageErrorOf(() => parseJsonText(deep, 'deep.json')).message, /^deep\.json: invalid JSON/);
});

test('readInputText: binary, invalid UTF-8, directory, missing file', async () => {
  assert.match((await asyncUsageErrorOf(readInputText(fixture('binary.png')))).message, /binary\.png is binary data, not JSON text$/);
  assert.match((await asyncUsageErrorOf(readInputText(fixture('invalid-utf8.json')))).message, /invalid-utf8\.json is not UTF-8 text$/);
  assert.match((await asyncUsageErrorOf(readInputText(join(root, 'test', 'fixtures', 'payloads')))).message, /is a directory, not a file$/);
  assert.match((await asyncUsageErrorOf(readInputText(fixture('nope.json')))).message, /^cannot read payload .*nope\.json: no such file$/);
  assert.match((await asyncUsageErrorOf(readInputText(''))).message, /needs a file name/);
  assert.is(await readInputText(fixture('empty.json')), '');
});

test('readInputText: the 1 MiB limit, a byte-order mark, another limit for other inputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvp-validate-'));
  try {
    const atLimit = join(dir, 'at-limit.json');
    writeFileSync(atLimit, `{}${' '.repeat(MAX_PAYLOAD_BYTES - 2)}`);
    assert.is((await readInputText(atLimit)).length, MAX_PAYLOAD_BYTES);
    const over = join(dir, 'over.json');
    writeFileSync(over, `{}${' '.repeat(MAX_PAYLOAD_BYTES - 1)}`);
    assert.match((await asyncUsageErrorOf(readInputText(over))).message, /over\.json is over the 1 MiB limit \(1048577 bytes\)$/);
    assert.match((await asyncUsageErrorOf(readInputText(over, 'report', 1024))).message, /^report .* is over the 1 KiB limit/);
    const bom = join(dir, 'bom.json');
    writeFileSync(bom, '\uFEFF{"state":"CA"}');
    assert.equal(parseJsonText(await readInputText(bom), 'bom.json'), { state: 'CA' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
