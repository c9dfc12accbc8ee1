// Endpoint resolution: every form a user may type (operationId, template, concrete path, URL, RapidAPI path,
// gateway prefix), what each carries (path values, query, base URL, mode), and the suggestions for a typo.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveEndpoint, suggestEndpoints, nearestName, fillPath } from '../dist/catalog/resolve.js';
import { loadCatalog } from '../dist/catalog/catalog.js';
import { UsageError } from '../dist/shared/errors.js';

/** The UsageError thrown by fn (fails the test when nothing, or something else, is thrown). */
function usageErrorOf(fn) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, UsageError, `expected a UsageError, got ${err}`);
    assert.is(err.exitCode, 2);
    return err;
  }
  assert.unreachable('expected a UsageError');
}

test('operationId, exactly or in any case', () => {
  assert.is(resolveEndpoint('getRentalRates').operation.path, '/client/rental-rates');
  const r = resolveEndpoint('  getrentalrates ');
  assert.is(r.operation.operationId, 'getRentalRates');
  assert.equal(r.path, {});
  assert.equal(r.query, {});
  assert.is(r.baseUrl, undefined);
  assert.is(r.mode, undefined);
  const withQuery = resolveEndpoint('getRentalRates?state=CA&source=airbnb');
  assert.is(withQuery.operation.operationId, 'getRentalRates');
  assert.equal(withQuery.query, { state: 'CA', source: 'airbnb' });
});

test('path template, with or without /v1.1, leading or trailing slash', () => {
  for (const form of ['/client/rental-rates', '/v1.1/client/rental-rates', 'client/rental-rates', 'v1.1/client/rental-rates/']) {
    const r = resolveEndpoint(form);
    assert.is(r.operation.operationId, 'getRentalRates', form);
    assert.is(r.mode, 'direct', form);
    assert.equal(r.path, {}, form);
  }
});

test('a template with {slots} names the operation without giving values', () => {
  const r = resolveEndpoint('/client/city/properties/{state}/{city}');
  assert.is(r.operation.operationId, 'listCityProperties');
  assert.equal(r.path, {});
  const rapid = resolveEndpoint('/city/properties/{state}/{city}');
  assert.is(rapid.operation.operationId, 'listCityProperties');
  assert.is(rapid.mode, 'rapidapi');
  assert.equal(rapid.path, {});
});

test('concrete path: path values extracted and percent-decoded', () => {
  const r = resolveEndpoint('/client/city/properties/TX/Austin');
  assert.is(r.operation.operationId, 'listCityProperties');
  assert.equal(r.path, { state: 'TX', city: 'Austin' });
  assert.equal(resolveEndpoint('/v1.1/client/city/properties/TX/San%20Antonio').path, { state: 'TX', city: 'San Antonio' });
  // A malformed escape is kept as typed rather than failing.
  assert.equal(resolveEndpoint('/client/city/properties/TX/100%').path, { state: 'TX', city: '100%' });
  const byId = resolveEndpoint('/client/property/2214791/investment/breakdown');
  assert.is(byId.operation.operationId, 'getPropertyInvestmentBreakdown');
  assert.equal(byId.path, { id: '2214791' });
});

test('a bare path carries its query; only the first ? splits, the fragment is dropped', () => {
  const r = resolveEndpoint('/client/rental-rates?state=CA&source=airbnb&note=a?b#top');
  assert.is(r.operation.operationId, 'getRentalRates');
  assert.equal(r.query, { state: 'CA', source: 'airbnb', note: 'a?b' });
  assert.is(r.baseUrl, undefined);
});

test('full URL: query parsed (repeated names make a list), base URL and direct mode', () => {
  const r = resolveEndpoint('https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&source=airbnb&zip_code=94&zip_code=95&city=San+Jose');
  assert.is(r.operation.operationId, 'getRentalRates');
  assert.equal(r.query, { state: 'CA', source: 'airbnb', zip_code: ['94', '95'], city: 'San Jose' });
  assert.is(r.baseUrl, 'https://api.mashvisor.com/v1.1');
  assert.is(r.mode, 'direct');
});

test('full URL without /v1.1 keeps the base URL as typed', () => {
  const r = resolveEndpoint('https://api.mashvisor.com/client/city/properties/TX/Austin');
  assert.is(r.operation.operationId, 'listCityProperties');
  assert.is(r.baseUrl, 'https://api.mashvisor.com');
  assert.equal(r.path, { state: 'TX', city: 'Austin' });
});

test('gateway prefix before /v1.1: the base URL keeps it (port too)', () => {
  const r = resolveEndpoint('https://gw.example.com/mashvisor/v1.1/client/rental-rates?state=CA');
  assert.is(r.operation.operationId, 'getRentalRates');
  assert.is(r.baseUrl, 'https://gw.example.com/mashvisor/v1.1');
  assert.is(r.mode, 'direct');
  assert.equal(r.query, { state: 'CA' });
  const local = resolveEndpoint('http://127.0.0.1:4010/v1.1/client/city/list?state=TX');
  assert.is(local.operation.operationId, 'listCities');
  assert.is(local.baseUrl, 'http://127.0.0.1:4010/v1.1');
});

test('a gateway prefix that itself has a "client" segment', () => {
  const r = resolveEndpoint('https://gw.example.com/client/v1.1/client/rental-rates');
  assert.is(r.operation.operationId, 'getRentalRates');
  assert.is(r.mode, 'direct');
  assert.is(r.baseUrl, 'https://gw.example.com/client/v1.1');
});

test('RapidAPI path and URL: rapidapi mode, RapidAPI base URL', () => {
  const path = resolveEndpoint('/rental-rates');
  assert.is(path.operation.operationId, 'getRentalRates');
  assert.is(path.mode, 'rapidapi');
  const url = resolveEndpoint('https://mashvisor-api.p.rapidapi.com/airbnb-property/123/historical?state=FL');
  assert.is(url.operation.operationId, 'getAirbnbPropertyHistorical');
  assert.is(url.mode, 'rapidapi');
  assert.is(url.baseUrl, 'https://mashvisor-api.p.rapidapi.com');
  assert.equal(url.path, { id: '123' });
  assert.equal(url.query, { state: 'FL' });
});

test('a host pasted without its scheme is read as an https URL', () => {
  const r = resolveEndpoint('api.mashvisor.com/v1.1/client/rental-rates?state=TX');
  assert.is(r.operation.operationId, 'getRentalRates');
  assert.is(r.baseUrl, 'https://api.mashvisor.com/v1.1');
  assert.equal(r.query, { state: 'TX' });
});

test('literal segments win over {slots}', () => {
  assert.is(resolveEndpoint('/airbnb-property/super-hosts').operation.operationId, 'listAirbnbSuperHosts');
  assert.is(resolveEndpoint('/client/airbnb-property/super-hosts').operation.operationId, 'listAirbnbSuperHosts');
  assert.is(resolveEndpoint('/v1.1/client/airbnb-property/market-summary').operation.operationId, 'getAirbnbMarketSummary');
  const byId = resolveEndpoint('/airbnb-property/987654');
  assert.is(byId.operation.operationId, 'getAirbnbProperty');
  assert.equal(byId.path, { id: '987654' });
  assert.is(resolveEndpoint('/client/property/marker').operation.operationId, 'getPropertyMarker');
  assert.is(resolveEndpoint('/client/property/nearby').operation.operationId, 'listNearbyProperties');
});

test('equal literal counts: the earlier literal wins', () => {
  // Both /client/property/estimates/{pid} and /client/property/{id}/investment have three literals.
  const r = resolveEndpoint('/client/property/estimates/investment');
  assert.is(r.operation.operationId, 'getPropertyEstimates');
  assert.equal(r.path, { pid: 'investment' });
});

test('every operation resolves from its id, its templates and a filled path', () => {
  const catalog = loadCatalog();
  assert.is(catalog.length, 56);
  for (const op of catalog) {
    const id = op.operationId;
    assert.is(resolveEndpoint(id).operation.operationId, id, id);
    assert.is(resolveEndpoint(op.path).operation.operationId, id, op.path);
    assert.is(resolveEndpoint(`/v1.1${op.path}`).operation.operationId, id, `/v1.1${op.path}`);
    const slots = op.params.filter((p) => p.in === 'path');
    const values = Object.fromEntries(slots.map((p) => [p.name, p.name === 'state' ? 'TX' : `v-${p.name}`]));
    const filled = resolveEndpoint(`https://api.mashvisor.com/v1.1${fillPath(op.path, values)}?x=1`);
    assert.is(filled.operation.operationId, id, `filled ${op.path}`);
    assert.equal(filled.path, values, `path values of ${op.path}`);
    assert.equal(filled.query, { x: '1' });
    if (op.rapidapiPath) {
      const rapid = resolveEndpoint(fillPath(op.rapidapiPath, values));
      assert.is(rapid.operation.operationId, id, op.rapidapiPath);
      assert.is(rapid.mode, 'rapidapi', op.rapidapiPath);
      assert.equal(rapid.path, values, `path values of ${op.rapidapiPath}`);
    }
  }
});

test('unknown endpoint: UsageError (exit 2) with the nearest names', () => {
  const typo = usageErrorOf(() => resolveEndpoint('getRentalRate'));
  assert.match(typo.message, /^unknown endpoint: getRentalRate — did you mean getRentalRates\b/);
  assert.match(typo.message, /mashvisor-preflight endpoints/);
  const path = usageErrorOf(() => resolveEndpoint('/client/rental-rate'));
  assert.match(path.message, /did you mean \/client\/rental-rates/);
  const far = usageErrorOf(() => resolveEndpoint('zzzzzzzzzzzzzzzzzzzz'));
  assert.not.match(far.message, /did you mean/);
});

test('a bare path may only have /v1.1 before the operation: anything else is unknown', () => {
  for (const form of ['/v2/client/rental-rates', '/foo/rental-rates', '/v1.1/rental-rates', '/client/rental-rates/extra']) {
    usageErrorOf(() => resolveEndpoint(form));
  }
});

test('empty, missing, malformed or non-http endpoints are usage errors', () => {
  assert.match(usageErrorOf(() => resolveEndpoint('')).message, /name an endpoint/);
  assert.match(usageErrorOf(() => resolveEndpoint(undefined)).message, /name an endpoint/);
  assert.match(usageErrorOf(() => resolveEndpoint('   ')).message, /name an endpoint/);
  assert.match(usageErrorOf(() => resolveEndpoint('https://')).message, /not a valid URL/);
  assert.match(usageErrorOf(() => resolveEndpoint('ftp://api.mashvisor.com/v1.1/client/rental-rates')).message, /not an http\(s\) URL/);
  assert.match(usageErrorOf(() => resolveEndpoint('https://api.mashvisor.com/v1.1/client/nothing-here')).message, /^unknown endpoint/);
});

test('suggestEndpoints: closest first, no duplicates, host and /v1.1 ignored', () => {
  const near = suggestEndpoints('https://api.mashvisor.com/v1.1/client/city/propertys/{state}/{city}?state=TX');
  assert.is(near[0], '/client/city/properties/{state}/{city}');
  assert.is(new Set(near).size, near.length);
  assert.ok(near.length <= 3);
  assert.equal(suggestEndpoints('listCitys', 1), ['listCities']);
  assert.equal(suggestEndpoints('qqqqqqqqqqqqqqqq'), []);
});

test('nearestName: separators and small typos, never a whole-word swap', () => {
  const known = ['state', 'city', 'zip_code', 'source', 'id', 'page', 'items'];
  assert.is(nearestName('zipcode', known), 'zip_code');
  assert.is(nearestName('ZIP-CODE', known), 'zip_code');
  assert.is(nearestName('stat', known), 'state');
  assert.is(nearestName('sourse', known), 'source');
  assert.is(nearestName('item', known), 'items');
  assert.is(nearestName('ab', known), null);
  assert.is(nearestName('bedrooms', known), null);
  assert.is(nearestName('x', known), null);
});

test('fillPath: each value encoded as one segment; missing values keep their {slot}', () => {
  assert.is(fillPath('/client/city/properties/{state}/{city}', { state: 'TX', city: 'San Antonio/East' }),
    '/client/city/properties/TX/San%20Antonio%2FEast');
  assert.is(fillPath('/client/city/properties/{state}/{city}', { state: 'TX' }), '/client/city/properties/TX/{city}');
});

test.run();
