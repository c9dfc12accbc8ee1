// The endpoint catalog (schemas/) against the API reference: coverage, shape, and what the schemas accept.
// Uses ajv the way scripts/build.mjs does, so it needs no build and nothing from src/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSchemas, newAjv, catalogEntry, paramsSchema, bodySchema, expandIgnoreCase } from '../scripts/build.mjs';

// ---- the reference, hard-coded from the API facts (both operation tables + the vendor README) ----
const DIRECT = [
  ['GET', '/client/property/{id}/investment', 'getPropertyInvestment'],
  ['GET', '/client/property/{id}/investment/breakdown', 'getPropertyInvestmentBreakdown'],
  ['GET', '/client/property/marker', 'getPropertyMarker'],
  ['GET', '/client/neighborhood/{id}/airbnb/details', 'listNeighborhoodAirbnbDetails'],
  ['GET', '/client/neighborhood/{id}/traditional/listing', 'listNeighborhoodTraditionalListings'],
  ['GET', '/client/property', 'getProperty'],
  ['GET', '/client/property/{id}/images', 'getPropertyImages'],
  ['GET', '/client/property/{id}/taxing', 'getPropertyTaxing'],
  ['GET', '/client/property/{id}/transactions', 'getPropertyTransactions'],
  ['GET', '/client/property/estimates/{pid}', 'getPropertyEstimates'],
  ['GET', '/client/property/{id}/estimates-history', 'getPropertyEstimatesHistory'],
  ['GET', '/client/property/nearby', 'listNearbyProperties'],
  ['GET', '/client/property/{id}/schools', 'getPropertySchools'],
  ['GET', '/client/rental-rates', 'getRentalRates'],
  ['GET', '/client/city/list', 'listCities'],
  ['GET', '/client/metadata/validate-city', 'validateCity'],
  ['GET', '/client/city/neighborhoods/{state}/{city}', 'listCityNeighborhoods'],
  ['GET', '/client/city/top-markets', 'listTopMarkets'],
  ['GET', '/client/city/investment/{state}/{city}', 'getCityInvestment'],
  ['GET', '/client/city/properties/{state}/{city}', 'listCityProperties'],
  ['GET', '/client/city/listings', 'listCityListings'],
  ['GET', '/client/trends/neighborhoods', 'listNeighborhoodTrends'],
  ['GET', '/client/neighborhood/{id}/bar', 'getNeighborhoodBar'],
  ['GET', '/client/neighborhood/{id}/schools', 'getNeighborhoodSchools'],
  ['GET', '/client/trends/cities', 'listCityTrends'],
  ['GET', '/client/trends/summary/{state}/{city}', 'getTrendsSummary'],
  ['GET', '/client/trends/listing-price', 'getListingPriceTrends'],
  ['GET', '/client/search/heatmap', 'getSearchHeatmap'],
];

const RAPID = [
  ['GET', '/rental-rates'],
  ['GET', '/airbnb-property/super-hosts'],
  ['GET', '/airbnb-property/top-reviewed'],
  ['GET', '/airbnb-property/newly-listed'],
  ['GET', '/airbnb-property/{id}/historical'],
  ['GET', '/airbnb-property/{id}'],
  ['GET', '/airbnb-property/occupancy-rates'],
  ['GET', '/airbnb-property/property-types'],
  ['GET', '/airbnb-property/active-listings'],
  ['GET', '/airbnb-property/market-summary'],
  ['GET', '/neighborhood/{id}/historical/airbnb'],
  ['GET', '/neighborhood/{id}/historical/traditional'],
  ['GET', '/traditional-property'],
  ['GET', '/trends/cities'],
  ['GET', '/trends/summary/{state}/{city}'],
  ['GET', '/search/heatmap'],
  ['GET', '/city/list'],
  ['GET', '/city/neighborhoods/{state}/{city}'],
  ['GET', '/city/top-markets'],
  ['GET', '/city/investment/{state}/{city}'],
  ['GET', '/city/properties/{state}/{city}'],
  ['GET', '/trends/neighborhoods'],
  ['GET', '/neighborhood/{id}/bar'],
  ['GET', '/agents/profile/detail'],
  ['GET', '/property/{id}/taxing'],
  ['GET', '/property/office/details'],
  ['GET', '/property'],
  ['GET', '/property/{id}/investment'],
  ['GET', '/neighborhood/{id}/airbnb/details'],
  ['GET', '/property/{id}/investment/breakdown'],
  ['GET', '/property/marker'],
  ['GET', '/neighborhood/{id}/traditional/listing'],
  ['POST', '/ml/investment-likelihood'],
  ['POST', '/ml/mashmeter'],
  ['POST', '/ml/recommended_property'],
  ['GET', '/rento-calculator/baths'],
  ['GET', '/rento-calculator/rental-activity-data'],
  ['GET', '/rento-calculator/property-types'],
  ['GET', '/rento-calculator/lookup'],
  ['GET', '/rento-calculator/export-comps'],
  ['GET', '/rento-calculator/nearby-listings'],
  ['GET', '/rento-calculator/list-comps'],
  ['GET', '/rento-calculator/beds'],
  ['GET', '/rento-calculator/historical-performance'],
  ['GET', '/rento-calculator/revenue-stats'],
];

const README = [['GET', '/client/lookup', 'getLookup']];

// Parameter names whose type lives once in defs.json (and the bounding-box corners that reuse lat/lng).
const DEF_FOR_NAME = {
  state: 'state', zip_code: 'zip_code', lat: 'lat', lng: 'lng', page: 'page', items: 'items',
  beds: 'beds', baths: 'baths', bedrooms: 'bedrooms', city: 'city', id: 'id',
  sw_lat: 'lat', ne_lat: 'lat', sw_lng: 'lng', ne_lng: 'lng',
};
const SOURCES = ['openapi-capture', 'rapidapi-listing', 'vendor-readme'];

// ---- compile every schema once, split as the build splits it ----
const { defs, endpoints } = loadSchemas();
const byId = new Map(endpoints.map(({ schema }) => [schema['x-operation'].operationId, schema]));

const paramsAjv = newAjv(true);
paramsAjv.addSchema(expandIgnoreCase(defs));
const bodyAjv = newAjv(false);
bodyAjv.addSchema(expandIgnoreCase(defs));
const validators = new Map();
const compileErrors = [];
for (const { file, schema } of endpoints) {
  try {
    const params = paramsAjv.compile(paramsSchema(schema));
    const body = schema.properties.body ? bodyAjv.compile({ ...bodySchema(schema), $id: schema.$id }) : null;
    validators.set(schema['x-operation'].operationId, { params, body });
  } catch (err) {
    compileErrors.push(`${file}: ${err.message}`);
  }
}

/** Validate one request; values are cloned because coercion rewrites them in place. */
function check(operationId, { path = {}, query = {}, body } = {}) {
  const v = validators.get(operationId);
  assert.ok(v, `no validator for ${operationId}`);
  const data = structuredClone({ path, query });
  const paramsOk = v.params(data);
  const where = (v.params.errors ?? []).map((e) =>
    e.keyword === 'required' ? `${e.instancePath}/${e.params.missingProperty}` : e.instancePath);
  let bodyOk = true;
  if (v.body) {
    bodyOk = v.body(structuredClone(body));
    if (!bodyOk) where.push('/body');
  }
  return { ok: paramsOk && bodyOk, where };
}

function assertValid(operationId, params) {
  const r = check(operationId, params);
  assert.ok(r.ok, `${operationId} ${JSON.stringify(params)} should be valid, errors at ${r.where.join(', ')}`);
}

/** Invalid, and the error points at `at` (e.g. "/query/state"). */
function assertInvalid(operationId, params, at) {
  const r = check(operationId, params);
  assert.not.ok(r.ok, `${operationId} ${JSON.stringify(params)} should be invalid`);
  assert.ok(r.where.includes(at), `${operationId}: expected an error at ${at}, got ${r.where.join(', ')}`);
}

const templateParams = (template) => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

// ---- compilation and shape ----
test('every schema compiles: parameters with coercion, POST bodies without', () => {
  assert.equal(compileErrors, []);
  assert.ok(endpoints.length > 0);
  assert.is(validators.size, endpoints.length);
  for (const { schema } of endpoints) {
    const { operationId, method } = schema['x-operation'];
    const v = validators.get(operationId);
    if (method === 'POST') assert.type(v.body, 'function', `${operationId} body validator`);
    else assert.is(schema.properties.body, false, `${operationId}: a GET has no body`);
  }
});

test('file name, $id and x-operation follow the format', () => {
  for (const { file, schema } of endpoints) {
    const op = schema['x-operation'];
    assert.is(file, `${op.operationId}.json`);
    assert.is(schema.$id, `https://mashvisor-preflight.local/schemas/endpoints/${op.operationId}.json`);
    assert.is(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.ok(schema.title && schema.description, `${file}: title and description`);
    assert.ok(['GET', 'POST'].includes(op.method), `${file}: method`);
    assert.ok(op.path.startsWith('/client/'), `${file}: direct path under /client/`);
    if (op.rapidapiPath !== null) {
      assert.type(op.rapidapiPath, 'string');
      assert.ok(op.rapidapiPath.startsWith('/') && !op.rapidapiPath.startsWith('/client'), `${file}: rapidapiPath`);
    }
    assert.ok(op.sources.length > 0 && op.sources.every((s) => SOURCES.includes(s)), `${file}: sources`);
    assert.is(schema.type, 'object');
    assert.equal(schema.required, op.method === 'POST' ? ['path', 'query', 'body'] : ['path', 'query']);
    for (const part of ['path', 'query']) {
      const p = schema.properties[part];
      assert.is(p.type, 'object', `${file}: ${part}`);
      assert.type(p.properties, 'object', `${file}: ${part}.properties`);
      assert.ok(Array.isArray(p.required), `${file}: ${part}.required`);
      for (const name of p.required) assert.ok(name in p.properties, `${file}: required ${part} ${name} is declared`);
    }
    if (op.method === 'POST') assert.is(schema.properties.body.type, 'object', `${file}: body is an object`);
  }
});

test('no schema closes its parameter lists (unknown parameters are warnings, not schema errors)', () => {
  const walk = (node, where) => {
    if (!node || typeof node !== 'object') return;
    assert.not.ok('additionalProperties' in node, `additionalProperties at ${where}`);
    for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`);
  };
  for (const { file, schema } of endpoints) walk(schema, file);
});

test('every {param} of a path template is a required path property, and nothing else is', () => {
  for (const { file, schema } of endpoints) {
    const op = schema['x-operation'];
    const names = templateParams(op.path);
    const path = schema.properties.path;
    assert.equal([...path.required].sort(), [...names].sort(), `${file}: path.required`);
    assert.equal(Object.keys(path.properties).sort(), [...names].sort(), `${file}: path.properties`);
    if (op.rapidapiPath) assert.equal(templateParams(op.rapidapiPath), names, `${file}: same parameters on both hosts`);
    const expected = { id: 'id', state: 'state', city: 'city' };
    for (const n of names) {
      if (n === 'pid') assert.equal({ type: path.properties.pid.type, minLength: path.properties.pid.minLength }, { type: 'string', minLength: 1 });
      else assert.is(path.properties[n].$ref, `../defs.json#/definitions/${expected[n]}`, `${file}: {${n}}`);
    }
  }
});

// ---- coverage of the reference ----
test('every direct-API operation has exactly one schema, with its operationId', () => {
  for (const [method, path, operationId] of [...DIRECT, ...README]) {
    const hits = endpoints.filter(({ schema }) => schema['x-operation'].method === method && schema['x-operation'].path === path);
    assert.is(hits.length, 1, `${method} ${path}: ${hits.length} schemas`);
    assert.is(hits[0].schema['x-operation'].operationId, operationId);
  }
  assert.equal(byId.get('getLookup')['x-operation'].sources, ['vendor-readme']);
  assert.is(byId.get('getLookup')['x-operation'].rapidapiPath, null);
});

test('every RapidAPI-listed operation has exactly one schema; RapidAPI-only ones live under /client', () => {
  const directPaths = new Set(DIRECT.map(([, p]) => p));
  for (const [method, path] of RAPID) {
    const hits = endpoints.filter(({ schema }) => schema['x-operation'].method === method && schema['x-operation'].rapidapiPath === path);
    assert.is(hits.length, 1, `${method} ${path}: ${hits.length} schemas`);
    const op = hits[0].schema['x-operation'];
    assert.is(op.path, `/client${path}`, `${path}: direct path`);
    assert.ok(op.sources.includes('rapidapi-listing'), `${path}: sources`);
    assert.is(op.sources.includes('openapi-capture'), directPaths.has(op.path), `${path}: openapi-capture iff in the direct table`);
  }
  // Operations in the direct table but not the RapidAPI one carry no RapidAPI path.
  const rapidPaths = new Set(RAPID.map(([, p]) => p));
  for (const [, path, operationId] of DIRECT) {
    const expected = rapidPaths.has(path.replace(/^\/client/, '')) ? path.replace(/^\/client/, '') : null;
    assert.is(byId.get(operationId)['x-operation'].rapidapiPath, expected, `${operationId}: rapidapiPath`);
  }
});

test('no two schemas share a path, and every schema is an operation of the reference', () => {
  const direct = endpoints.map(({ schema }) => `${schema['x-operation'].method} ${schema['x-operation'].path}`);
  assert.is(new Set(direct).size, direct.length, 'duplicate direct path');
  const rapid = endpoints.map(({ schema }) => schema['x-operation'].rapidapiPath).filter(Boolean);
  assert.is(new Set(rapid).size, rapid.length, 'duplicate RapidAPI path');
  const known = new Set([
    ...DIRECT.map(([m, p]) => `${m} ${p}`),
    ...RAPID.map(([m, p]) => `${m} /client${p}`),
    ...README.map(([m, p]) => `${m} ${p}`),
  ]);
  for (const key of direct) assert.ok(known.has(key), `${key} is not in the reference`);
  assert.is(endpoints.length, known.size);
  assert.is(endpoints.length, 56);
});

// ---- parameter types ----
test('shared parameter names always use their defs.json type', () => {
  for (const { file, schema } of endpoints) {
    for (const part of ['path', 'query']) {
      for (const [name, prop] of Object.entries(schema.properties[part].properties)) {
        if (!(name in DEF_FOR_NAME)) continue;
        // Where a country opens markets outside the US, state is text and the US list applies in an else-branch.
        if (name === 'state' && schema.properties[part].properties.country) {
          assert.is(prop.$ref, '../defs.json#/definitions/state_text', `${file}: ${part}.state`);
          assert.is(schema.properties[part].else.properties.state.$ref, '../defs.json#/definitions/state', `${file}: US state list`);
          continue;
        }
        assert.is(prop.$ref, `../defs.json#/definitions/${DEF_FOR_NAME[name]}`, `${file}: ${part}.${name}`);
      }
    }
  }
});

test('a parameter that only warns when missing is never required, and the catalog carries the warning', () => {
  let count = 0;
  for (const { file, schema } of endpoints) {
    const entry = catalogEntry(defs, schema);
    for (const part of ['path', 'query']) {
      const { properties, required } = schema.properties[part];
      for (const [name, prop] of Object.entries(properties)) {
        if (!prop['x-warn-if-missing']) continue;
        count += 1;
        assert.not.ok(required.includes(name), `${file}: ${name} warns, so it is not required`);
        assert.ok(prop['x-warn-if-missing'].length > 20, `${file}: ${name} says why`);
        const doc = entry.params.find((p) => p.name === name && p.in === part);
        assert.is(doc.warnIfMissing, prop['x-warn-if-missing']);
        assert.is(doc.required, false);
      }
    }
  }
  assert.ok(count >= 5, `expected the known disagreements, found ${count}`);
});

test('where the sources disagree on required: only what both require is required', () => {
  const warns = (id) => Object.entries(byId.get(id).properties.query.properties)
    .filter(([, p]) => p['x-warn-if-missing']).map(([n]) => n).sort();
  assert.equal(byId.get('getPropertyMarker').properties.query.required, ['state']);
  assert.equal(warns('getPropertyMarker'), ['payment', 'pid', 'type']);
  assert.equal(warns('getRentalRates'), ['source']);
  assert.equal(warns('getSearchHeatmap'), ['ne_lat', 'ne_lng', 'sw_lat', 'sw_lng', 'type']);
  assert.equal(warns('getPropertyInvestmentBreakdown'), ['recurring_cost', 'source', 'startup_cost']);
  assert.equal(warns('getOfficeDetails'), ['id']);
  assert.equal(warns('listCities'), ['state']);
  assertValid('listCities', { query: {} });
  assertValid('getOfficeDetails', { query: { state: 'TX' } });
  // Leaving them out is still valid.
  assertValid('getPropertyMarker', { query: { state: 'IL' } });
  assertValid('getRentalRates', { query: { state: 'TX' } });
  assertValid('getSearchHeatmap', { query: { state: 'CA' } });
  assertValid('getPropertyInvestmentBreakdown', { path: { id: '1' }, query: { state: 'IL' } });
});

test('every schema accepts its own example', () => {
  for (const { file, schema } of endpoints) {
    const example = schema['x-example'];
    assert.ok(example, `${file}: x-example`);
    const r = check(schema['x-operation'].operationId, example);
    assert.ok(r.ok, `${file}: example rejected at ${r.where.join(', ')}`);
  }
});

test('state: a valid code passes, a wrong or missing one fails, in every operation that takes it', () => {
  let checked = 0;
  for (const { schema } of endpoints) {
    const id = schema['x-operation'].operationId;
    const example = schema['x-example'];
    for (const part of ['path', 'query']) {
      if (!('state' in schema.properties[part].properties)) continue;
      checked += 1;
      const withState = (state) => ({ ...example, [part]: { ...example[part], state } });
      assertValid(id, withState('CA'));
      assertValid(id, withState('PR'));
      for (const bad of ['ZZ', 'California', 'ca', '']) assertInvalid(id, withState(bad), `/${part}/state`);
      // listCities: the RapidAPI listing's prose says that without state all cities are fetched (a warning).
      if (id === 'listCities') continue;
      assert.ok(schema.properties[part].required.includes('state'), `${id}: state is required`);
      const { state: _s, ...rest } = example[part];
      assertInvalid(id, { ...example, [part]: rest }, `/${part}/state`);
    }
  }
  assert.ok(checked >= 50, `state checked in ${checked} operations`);
});

// ---- families ----
test('property: path id, numeric overrides, lenient id and zip types', () => {
  assertValid('getPropertyInvestment', { path: { id: '325845' }, query: { state: 'IL', down_payment: '20000', interest_rate: '3.5', loan_type: '1' } });
  assertInvalid('getPropertyInvestment', { path: { id: '325845' }, query: { state: 'IL', down_payment: 'lots' } }, '/query/down_payment');
  assertInvalid('getPropertyInvestment', { path: {}, query: { state: 'IL' } }, '/path/id');
  assertInvalid('getPropertyInvestment', { path: { id: '' }, query: { state: 'IL' } }, '/path/id');
  assertValid('getProperty', { query: { state: 'TX', id: '325845', zip_code: '76549' } });
  assertValid('getProperty', { query: { state: 'TX', id: 'abc-123' } });
  // No source states a five-digit rule: other forms are warnings (validate.test.js), never schema errors.
  assertValid('getProperty', { query: { state: 'TX', zip_code: '7654' } });
  assertValid('getProperty', { query: { state: 'TX', zip_code: '0' } });
  assertValid('getPropertyEstimates', { path: { pid: '325845' }, query: { state: 'IL' } });
  assertInvalid('getPropertyEstimates', { path: {}, query: { state: 'IL' } }, '/path/pid');
  assertValid('listNearbyProperties', { query: { state: 'IL', id: '1', page: '2' } });
  assertInvalid('listNearbyProperties', { query: { state: 'IL', page: '0' } }, '/query/page');
  assertValid('getPropertyMarker', { query: { state: 'IL', pid: '325845', payment: 'cash', type: 'x', loanTerm: '30' } });
  assertInvalid('getPropertyMarker', { query: { state: 'IL', pid: '' } }, '/query/pid');
  assertInvalid('getPropertyMarker', { query: { state: 'IL', loanTerm: 'thirty' } }, '/query/loanTerm');
});

test('neighborhood: id in the path, paging and bedroom counts', () => {
  assertValid('listNeighborhoodAirbnbDetails', { path: { id: '269590' }, query: { state: 'CA', page: '2', items: '10', bedrooms: '0' } });
  assertInvalid('listNeighborhoodAirbnbDetails', { path: { id: '269590' }, query: { state: 'CA', page: 'abc' } }, '/query/page');
  assertInvalid('listNeighborhoodAirbnbDetails', { path: { id: '269590' }, query: { state: 'CA', items: '0' } }, '/query/items');
  assertInvalid('listNeighborhoodAirbnbDetails', { path: { id: '269590' }, query: { state: 'CA', bedrooms: '-1' } }, '/query/bedrooms');
  assertInvalid('listNeighborhoodAirbnbDetails', { path: { id: '269590' }, query: { state: 'CA', bedrooms: '1.5' } }, '/query/bedrooms');
  assertValid('listNeighborhoodTraditionalListings', { path: { id: '269590' }, query: { state: 'CA', min_price: '100000', max_price: '250000.50' } });
  assertInvalid('listNeighborhoodTraditionalListings', { path: { id: '269590' }, query: { state: 'CA', min_price: 'cheap' } }, '/query/min_price');
  assertValid('getNeighborhoodHistoricalAirbnb', { path: { id: '269590' }, query: { state: 'CA', beds: '2', percentile_rate: '0.5' } });
  assertInvalid('getNeighborhoodHistoricalTraditional', { path: { id: '269590' }, query: { state: 'CA', beds: 'two' } }, '/query/beds');
  assertInvalid('getNeighborhoodBar', { path: {}, query: { state: 'CA' } }, '/path/id');
});

test('city: state and city as path segments or query values', () => {
  assertValid('listCityProperties', { path: { state: 'TX', city: 'Austin' } });
  assertValid('getCityInvestment', { path: { state: 'NY', city: 'New York' } });
  assertInvalid('listCityProperties', { path: { state: 'Texas', city: 'Austin' } }, '/path/state');
  assertInvalid('listCityNeighborhoods', { path: { state: 'TX' } }, '/path/city');
  assertInvalid('listCityNeighborhoods', { path: { state: 'TX', city: '' } }, '/path/city');
  assertValid('validateCity', { query: { state: 'TX', city: 'Austin' } });
  assertInvalid('validateCity', { query: { state: 'TX' } }, '/query/city');
  assertValid('listCities', { query: { state: 'TX', page: '1', items: '50' } });
  assertValid('listCityListings', { query: { state: 'TX', zip_code: '78701' } });
  assertValid('listCityListings', { query: { state: 'TX', zip_code: '787011' } });
  assertInvalid('listTopMarkets', { query: { state: 'TX', items: 'ten' } }, '/query/items');
});

test('trends: paging as on the wire, ZIP required for listing prices', () => {
  assertValid('listCityTrends', { query: { state: 'TX', page: '2', items: '10' } });
  assertInvalid('listCityTrends', { query: { state: 'TX', page: 'abc' } }, '/query/page');
  assertInvalid('listCityTrends', { query: { state: 'TX', page: '0' } }, '/query/page');
  assertInvalid('listCityTrends', { query: { state: 'TX', items: '2.5' } }, '/query/items');
  assertValid('getListingPriceTrends', { query: { state: 'TX', zip_code: '78701', beds: '3' } });
  assertInvalid('getListingPriceTrends', { query: { state: 'TX' } }, '/query/zip_code');
  assertValid('getListingPriceTrends', { query: { state: 'TX', zip_code: '7870' } });
  assertValid('listNeighborhoodTrends', { query: { state: 'TX', city: 'Austin', page: '3' } });
  assertInvalid('listNeighborhoodTrends', { query: { state: 'TX' } }, '/query/city');
  assertValid('getTrendsSummary', { path: { state: 'TX', city: 'Austin' } });
  assertInvalid('getTrendsSummary', { path: { state: 'ZZ', city: 'Austin' } }, '/path/state');
});

test('search: the heatmap box is checked as latitudes and longitudes', () => {
  const box = { state: 'CA', sw_lat: '33.7', sw_lng: '-118.7', ne_lat: '34.3', ne_lng: '-118.1', type: 'x' };
  assertValid('getSearchHeatmap', { query: box });
  assertInvalid('getSearchHeatmap', { query: { ...box, ne_lat: '91' } }, '/query/ne_lat');
  assertInvalid('getSearchHeatmap', { query: { ...box, sw_lat: '-90.5' } }, '/query/sw_lat');
  assertInvalid('getSearchHeatmap', { query: { ...box, sw_lng: '-181' } }, '/query/sw_lng');
  assertInvalid('getSearchHeatmap', { query: { ...box, ne_lng: 'east' } }, '/query/ne_lng');
  assertValid('getSearchHeatmap', { query: { ...box, ne_lat: '90', ne_lng: '180' } });
});

test('rental-rates: source is airbnb or traditional, zip five digits, neighborhood a whole number', () => {
  assertValid('getRentalRates', { query: { state: 'TX', source: 'airbnb' } });
  assertValid('getRentalRates', { query: { state: 'TX', source: 'traditional', zip_code: '78701', neighborhood: '269590' } });
  assertInvalid('getRentalRates', { query: { state: 'TX', source: 'vrbo' } }, '/query/source');
  assertInvalid('getRentalRates', { query: { state: 'TX', source: 'Airbnb' } }, '/query/source');
  assertValid('getRentalRates', { query: { state: 'TX', zip_code: '0', neighborhood: '0' } });
  assertInvalid('getRentalRates', { query: { state: 'TX', neighborhood: '12.5' } }, '/query/neighborhood');
  assertInvalid('getRentalRates', { query: { source: 'airbnb' } }, '/query/state');
  const source = catalogEntry(defs, byId.get('getRentalRates')).params.find((p) => p.name === 'source');
  assert.equal(source.enum, ['airbnb', 'traditional']);
});

test('airbnb-property: area filters and listing ids', () => {
  assertValid('listAirbnbSuperHosts', { query: { state: 'TX', city: 'Austin', zip_code: '78701', page: '1' } });
  assertValid('listAirbnbSuperHosts', { query: { state: 'TX', zip_code: '78701-1234' } });
  assertValid('listAirbnbSuperHosts', { query: { state: 'London', country: 'GB' } });
  assertInvalid('listAirbnbSuperHosts', { query: { state: 'London' } }, '/query/state');
  assertInvalid('listAirbnbSuperHosts', { query: { state: 'London', country: 'US' } }, '/query/state');
  assertValid('listAirbnbTopReviewed', { query: { state: 'TX', reviews_count: '25' } });
  assertInvalid('listAirbnbTopReviewed', { query: { state: 'TX', reviews_count: 'many' } }, '/query/reviews_count');
  assertValid('listAirbnbActiveListings', { query: { state: 'TX', neighborhood: '269590', items: '20' } });
  assertInvalid('listAirbnbActiveListings', { query: { state: 'TX', neighborhood: 'downtown' } }, '/query/neighborhood');
  assertValid('getAirbnbProperty', { path: { id: '22518616' }, query: { state: 'TX' } });
  assertInvalid('getAirbnbProperty', { path: {}, query: { state: 'TX' } }, '/path/id');
  assertValid('getAirbnbPropertyHistorical', { path: { id: '22518616' }, query: { state: 'TX' } });
  assertValid('getAirbnbMarketSummary', { query: { state: 'TX', zip_code: '0', neighborhood: '0' } });
});

test('rento-calculator: location by address or coordinates, resource airbnb or traditional', () => {
  const ids = endpoints.map(({ schema }) => schema['x-operation']).filter((o) => o.path.startsWith('/client/rento-calculator/'));
  assert.is(ids.length, 10);
  for (const { operationId } of ids) {
    assertValid(operationId, { query: { state: 'TX', lat: '31.1', lng: '-97.7', beds: '3', baths: '2.5', resource: 'traditional' } });
    assertInvalid(operationId, { query: { state: 'TX', lat: '91' } }, '/query/lat');
    assertInvalid(operationId, { query: { state: 'TX', lng: '200' } }, '/query/lng');
    assertInvalid(operationId, { query: { state: 'TX', beds: '-1' } }, '/query/beds');
    assertInvalid(operationId, { query: { state: 'TX', baths: 'two' } }, '/query/baths');
    assertInvalid(operationId, { query: { state: 'TX', resource: 'vrbo' } }, '/query/resource');
    assertInvalid(operationId, { query: { city: 'Killeen' } }, '/query/state');
  }
});

test('ml POST: the body must be a JSON object; parameters are not needed', () => {
  for (const id of ['postMlInvestmentLikelihood', 'postMlMashmeter', 'postMlRecommendedProperty']) {
    const op = byId.get(id)['x-operation'];
    assert.is(op.method, 'POST');
    assert.ok(catalogEntry(defs, byId.get(id)).hasBody);
    assertValid(id, { body: {} });
    assertValid(id, { body: { state: 'TX', beds: 3, nested: { any: ['thing'] } } });
    for (const bad of [[], [{}], '{}', 'text', 42, null, true]) assertInvalid(id, { body: bad }, '/body');
  }
  for (const { schema } of endpoints) {
    if (schema['x-operation'].method === 'GET') assert.not.ok(catalogEntry(defs, schema).hasBody);
  }
});

test('lookup (README): the README example passes; only state is required', () => {
  const readme = { address: '3703 Endicott Dr', city: 'Killeen', state: 'TX', zip_code: '76549', resource: 'airbnb' };
  assertValid('getLookup', { query: readme });
  assertValid('getLookup', { query: { state: 'TX' } });
  assertValid('getLookup', { query: { ...readme, home_type: 'condo/coop', neighborhood_id: '268201', lat: '31.1', lng: '-97.7', beds: '3', baths: '2' } });
  assertInvalid('getLookup', { query: { ...readme, state: undefined } }, '/query/state');
  assertInvalid('getLookup', { query: { ...readme, resource: 'vrbo' } }, '/query/resource');
  assertInvalid('getLookup', { query: { ...readme, home_type: 'Condo' } }, '/query/home_type');
  assertInvalid('getLookup', { query: { ...readme, lat: '91' } }, '/query/lat');
  assert.equal(byId.get('getLookup').properties.query.required, ['state']);
  const entry = catalogEntry(defs, byId.get('getLookup'));
  assert.equal(entry.params.filter((p) => p.required).map((p) => p.name), ['state']);
  for (const name of ['address', 'city', 'zip_code', 'resource', 'home_type', 'neighborhood_id', 'lat', 'lng', 'beds', 'baths']) {
    assert.ok(entry.params.some((p) => p.name === name), `lookup takes ${name}`);
  }
});

test('catalog entries resolve shared types for the user', () => {
  const entry = catalogEntry(defs, byId.get('listCityTrends'));
  const page = entry.params.find((p) => p.name === 'page');
  assert.is(page.type, 'integer');
  assert.is(page.in, 'query');
  assert.ok(page.description.length > 0);
  const state = catalogEntry(defs, byId.get('getTrendsSummary')).params.find((p) => p.name === 'state');
  assert.equal([state.in, state.type, state.required], ['path', 'string', true]);
  assert.is(state.enum.length, 57);
});

test.run();
