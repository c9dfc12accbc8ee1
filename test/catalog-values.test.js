// Every listed value and documented default of the catalog, table-driven, through the built validator (the one the
// CLI runs). The tables are written from the API facts (docs/catalog.md lists the sources), not read from schemas/:
// a value named only in a listing's prose must pass with no error (at most a warning for other values); a value the
// vendor's docs make strict is an error when broken; a documented default never fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateParams } from '../dist/catalog/validate.js';
import { findByOperationId, loadCatalog } from '../dist/catalog/catalog.js';

function op(id) {
  const found = findByOperationId(id);
  assert.ok(found, `no operation ${id}`);
  return found;
}

const validate = (id, query, path = {}, body) => validateParams(op(id), body === undefined ? { path, query } : { path, query, body });
const onParam = (problems, name) => problems.filter((p) => p.param === name);

const RENTO = loadCatalog().filter((o) => o.path.startsWith('/client/rento-calculator/')).map((o) => o.operationId);
const STR = ['listAirbnbActiveListings', 'listAirbnbNewlyListed', 'listAirbnbSuperHosts', 'listAirbnbTopReviewed',
  'getAirbnbMarketSummary', 'getAirbnbOccupancyRates', 'getAirbnbProperty', 'getAirbnbPropertyHistorical', 'getAirbnbPropertyTypes'];
const needsId = (id) => op(id).params.filter((p) => p.in === 'path').reduce((path, p) => ({ ...path, [p.name]: '22518616' }), {});

// [operation, parameter, listed values (prose only: other values warn), a value outside the list]
const LISTED = [
  ['getPropertyMarker', 'loanArmType', ['3/1', '5/1', '7/1', '10/1'], '4/1'],
  ['getPropertyMarker', 'type', ['Investment', 'Airbnb', 'Traditional'], 'Hotel'],
  ['getPropertyMarker', 'payment', ['CASH', 'LOAN'], 'CARD'],
  ['getNeighborhoodHistoricalAirbnb', 'average_by', ['occupancy', 'price', 'revenue'], 'rating'],
  ['getNeighborhoodHistoricalAirbnb', 'category', ['flat', 'house', 'apartment', 'loft'], 'castle'],
  ['listNeighborhoodAirbnbDetails', 'order', ['asc', 'desc'], 'up'],
  ['listNeighborhoodTraditionalListings', 'order', ['asc', 'desc'], 'down'],
  ['getSearchHeatmap', 'type', ['AirbnbCoc', 'listingPrice', 'TraditionalCoc', 'OccupancyRate', 'AirbnbRental', 'TraditionalRental'], 'Crime'],
  ['getPropertyInvestment', 'payment_type', ['loan', 'cash'], 'card'],
  ...loadCatalog().map((o) => [o.operationId, 'format', ['json'], 'xml']),
];

const BASE = {
  getPropertyMarker: { state: 'IL', pid: '325845', type: 'Investment', payment: 'CASH' },
  getSearchHeatmap: { state: 'CA', type: 'AirbnbCoc', sw_lat: '33.7', sw_lng: '-118.7', ne_lat: '34.3', ne_lng: '-118.1' },
  getPropertyInvestmentBreakdown: { state: 'IL', source: 'airbnb', startup_cost: '5000', recurring_cost: '200' },
  getOfficeDetails: { state: 'TX', id: '1' },
};
const baseQuery = (id) => {
  const o = op(id);
  const query = { ...(BASE[id] ?? {}) };
  if (o.params.some((p) => p.name === 'state' && p.in === 'query')) query.state ??= 'TX';
  for (const p of o.params) if (p.in === 'query' && (p.required || p.warnIfMissing) && query[p.name] === undefined) query[p.name] = p.name === 'source' ? 'airbnb' : p.name === 'city' ? 'Austin' : p.name === 'zip_code' ? '78701' : '1';
  return query;
};
const basePath = (id) => ({ ...needsId(id), ...(op(id).params.some((p) => p.name === 'state' && p.in === 'path') ? { state: 'TX', city: 'Austin' } : {}) });

test('every value a listing names passes cleanly; another value is a warning naming the list, never an error', async () => {
  let checked = 0;
  for (const [id, name, values, other] of LISTED) {
    for (const value of values) {
      const r = await validate(id, { ...baseQuery(id), [name]: value }, basePath(id), op(id).hasBody ? {} : undefined);
      assert.equal(r.errors, [], `${id} ${name}=${value}: ${JSON.stringify(r.errors)}`);
      assert.equal(onParam(r.warnings, name), [], `${id} ${name}=${value} warns`);
      checked++;
    }
    const r = await validate(id, { ...baseQuery(id), [name]: other }, basePath(id), op(id).hasBody ? {} : undefined);
    assert.is(r.valid, true, `${id} ${name}=${other} must not be an error`);
    const [w] = onParam(r.warnings, name);
    assert.ok(w, `${id} ${name}=${other}: a warning`);
    assert.match(w.message, `is not one of the listed values: ${values.join(', ')}`);
  }
  assert.ok(checked >= 80, `${checked} listed values checked`);
});

test('a listed value in the wrong case is a warning with the spelling to use', async () => {
  const r = await validate('getPropertyMarker', { ...baseQuery('getPropertyMarker'), payment: 'cash' });
  assert.is(r.valid, true);
  assert.is(onParam(r.warnings, 'payment')[0].fix, 'write it as payment=CASH');
});

// [operations, parameter, the documented default]
const DEFAULTS = [
  [['getRentalRates', 'getAirbnbOccupancyRates', 'getAirbnbPropertyTypes', 'listAirbnbActiveListings', 'getAirbnbMarketSummary'], 'neighborhood', '0'],
  [['listAirbnbNewlyListed', 'getAirbnbOccupancyRates', 'getAirbnbPropertyTypes', 'getAirbnbMarketSummary', 'getProperty'], 'zip_code', '0'],
  [STR, 'country', 'US'],
];

test('every documented default passes with no error and no warning', async () => {
  for (const [ids, name, value] of DEFAULTS) {
    for (const id of ids) {
      const r = await validate(id, { ...baseQuery(id), [name]: value }, basePath(id));
      assert.equal(r.errors, [], `${id} ${name}=${value}: ${JSON.stringify(r.errors)}`);
      assert.equal(onParam(r.warnings, name), [], `${id} ${name}=${value} warns`);
    }
  }
});

test('international markets: a non-US country is not held to the US state list; without one, it is', async () => {
  for (const id of STR) {
    for (const country of ['GB', 'ES', 'CA', 'AU']) {
      const r = await validate(id, { ...baseQuery(id), state: 'London', country }, basePath(id));
      assert.equal(r.errors, [], `${id} country=${country}: ${JSON.stringify(r.errors)}`);
    }
    const us = await validate(id, { ...baseQuery(id), state: 'London' }, basePath(id));
    assert.is(us.errors[0].param, 'state', id);
    assert.match(us.errors[0].fix, 'country=GB');
    const lower = await validate(id, { ...baseQuery(id), state: 'London', country: 'gb' }, basePath(id));
    assert.is(lower.valid, true);
    assert.match(onParam(lower.warnings, 'country')[0].message, 'ISO 3166-1');
  }
});

test('rento calculator: beds and baths 0 to 5 and the five home types are errors when broken (api-doc-v2)', async () => {
  const homeTypes = ['single family residential', 'condo/coop', 'townhouse', 'multi family', 'other', 'Single Family Residential', 'Condo/Coop', 'Multi Family'];
  for (const id of [...RENTO, 'getLookup']) {
    for (const n of ['0', '1', '2', '3', '4', '5']) {
      const r = await validate(id, { state: 'TX', beds: n, baths: n });
      assert.equal(r.errors, [], `${id} beds=baths=${n}`);
    }
    for (const home_type of homeTypes) assert.equal((await validate(id, { state: 'TX', home_type })).errors, [], `${id} ${home_type}`);
    const bad = await validate(id, { state: 'TX', beds: '6', baths: '7', home_type: 'Castle' });
    assert.equal(bad.errors.map((e) => e.param).sort(), ['baths', 'beds', 'home_type']);
    assert.match(onParam(bad.errors, 'home_type')[0].message, 'home_type must be one of: Single Family Residential, Condo/Coop, Townhouse, Multi Family, Other (any case) (got "Castle")');
    // Half baths: the rento page says integer, the listing number; a warning only.
    const half = await validate(id, { state: 'TX', baths: '2.5' });
    assert.is(half.valid, true);
    assert.match(onParam(half.warnings, 'baths')[0].message, 'whole number');
  }
});

test('rento calculator search levels: the missing names are warned about', async () => {
  for (const id of RENTO) {
    const address = await validate(id, { state: 'TX', address: '3703 Endicott Dr' });
    assert.is(address.valid, true);
    assert.match(address.warnings.map((w) => w.message).join('\n'), 'a lookup by address takes state, zip_code, address, lat, lng: zip_code, lat, lng missing');
    const full = await validate(id, { state: 'TX', address: '3703 Endicott Dr', zip_code: '76549', lat: '31.1', lng: '-97.7' });
    assert.equal(full.warnings, []);
    const hood = await validate(id, { state: 'TX', neighborhood_id: '268201' });
    assert.match(hood.warnings.map((w) => w.message).join('\n'), 'a lookup by neighborhood takes state, city, neighborhood_id: city missing');
    assert.equal((await validate(id, { state: 'TX', city: 'Killeen', neighborhood_id: '268201' })).warnings, []);
  }
  // The vendor README's own lookup example locates by address alone: no level warning there.
  const readme = await validate('getLookup', { address: '3703 Endicott Dr', city: 'Killeen', state: 'TX', zip_code: '76549', resource: 'airbnb' });
  assert.equal([readme.errors, readme.warnings], [[], []]);
});

test('parameters the RapidAPI listing requires: a warning naming each missing one, never an error', async () => {
  const cases = [
    ['getOfficeDetails', { state: 'TX' }, {}, ['id']],
    ['getSearchHeatmap', { state: 'CA', type: 'AirbnbCoc' }, {}, ['sw_lat', 'sw_lng', 'ne_lat', 'ne_lng']],
    ['getPropertyInvestmentBreakdown', { state: 'IL', source: 'airbnb' }, { id: '1' }, ['startup_cost', 'recurring_cost']],
    ['listCities', {}, {}, ['state']],
  ];
  for (const [id, query, path, missing] of cases) {
    const r = await validate(id, query, path);
    assert.is(r.valid, true, `${id}: ${JSON.stringify(r.errors)}`);
    for (const name of missing) assert.ok(onParam(r.warnings, name).some((w) => w.message.startsWith(`${name} is missing`)), `${id}: ${name}`);
  }
});

test('investment likelihood: the body is typed as api-doc-v2/predictive-scores documents it', async () => {
  const good = { airbnb_ROI: 4.2, airbnb_rental: 2410.5, traditional_ROI: 3.1, traditional_rental: 1850, baths: 2, beds: 3, days_on_market: 12, list_price: 219900, sqft: 1620, home_type: 'Townhouse' };
  assert.equal((await validate('postMlInvestmentLikelihood', {}, {}, good)).errors, []);
  for (const home_type of ['Condo/Coop', 'Multi Family', 'Other', 'Single Family Residential', 'Townhouse']) {
    assert.equal((await validate('postMlInvestmentLikelihood', {}, {}, { home_type })).errors, [], home_type);
  }
  const bad = await validate('postMlInvestmentLikelihood', {}, {}, { beds: 'ten', home_type: 'Castle', sqft: 10.5, airbnb_ROI: 'high' });
  assert.equal(bad.errors.map((e) => e.param).sort(), ['body.airbnb_ROI', 'body.beds', 'body.home_type', 'body.sqft']);
  assert.is(onParam(bad.errors, 'body.beds')[0].message, 'body.beds must be a whole number (got "ten")');
  // The other two ML bodies have no documented fields: any JSON object.
  for (const id of ['postMlMashmeter', 'postMlRecommendedProperty']) assert.equal((await validate(id, {}, {}, { beds: 'ten' })).errors, []);
});

test.run();
