// The sandbox's own route table, written from the published API facts and deliberately independent of the
// checker's catalog and validators: if both were generated from the same code, the tests would agree with
// themselves. Everything here answers "what would the API say", never "what is wrong with the request".

import { isUsState, queryValueOk } from './params.js';

export type SandboxMode = 'direct' | 'rapidapi';

export interface Route {
  method: 'GET' | 'POST';
  /** Template such as /property/{id}/taxing: under /v1.1/client on the direct API, bare on RapidAPI. */
  path: string;
  /** Which kind of plausible content a success carries. */
  family: string;
  /** Query parameters that must be present. Only those the sources agree on (or that only one source lists). */
  required: string[];
}

export interface Answer {
  status: number;
  body: unknown;
}

const STATE_ONLY = ['state'];

function r(method: 'GET' | 'POST', path: string, family: string, required: string[] = STATE_ONLY): Route {
  return { method, path, family, required };
}

// Direct API, paths under /v1.1/client. Path-templated state/city routes need no query state.
function directOwnRoutes(): Route[] {
  return [
    r('GET', '/property/{id}/investment', 'investment'),
    r('GET', '/property/{id}/investment/breakdown', 'investment-breakdown'),
    r('GET', '/property/marker', 'marker'),
    r('GET', '/neighborhood/{id}/airbnb/details', 'list'),
    r('GET', '/neighborhood/{id}/traditional/listing', 'list'),
    r('GET', '/property', 'property'),
    r('GET', '/property/{id}/images', 'images'),
    r('GET', '/property/{id}/taxing', 'taxing'),
    r('GET', '/property/{id}/transactions', 'transactions'),
    r('GET', '/property/estimates/{pid}', 'estimates'),
    r('GET', '/property/{id}/estimates-history', 'estimates-history'),
    r('GET', '/property/nearby', 'list'),
    r('GET', '/property/{id}/schools', 'schools'),
    r('GET', '/rental-rates', 'rental-rates'),
    r('GET', '/city/list', 'cities'),
    r('GET', '/metadata/validate-city', 'validate-city', ['state', 'city']),
    r('GET', '/city/neighborhoods/{state}/{city}', 'neighborhoods', []),
    r('GET', '/city/top-markets', 'top-markets'),
    r('GET', '/city/investment/{state}/{city}', 'city-investment', []),
    r('GET', '/city/properties/{state}/{city}', 'list', []),
    r('GET', '/city/listings', 'list'),
    r('GET', '/trends/neighborhoods', 'neighborhood-trends', ['state', 'city']),
    r('GET', '/neighborhood/{id}/bar', 'bar'),
    r('GET', '/neighborhood/{id}/schools', 'schools'),
    r('GET', '/trends/cities', 'city-trends'),
    r('GET', '/trends/summary/{state}/{city}', 'trends-summary', []),
    r('GET', '/trends/listing-price', 'listing-price', ['state', 'zip_code']),
    r('GET', '/search/heatmap', 'heatmap'),
    // The vendor README's own example; RapidAPI names it /rento-calculator/lookup.
    r('GET', '/lookup', 'lookup'),
  ];
}

const RENTO = [
  'baths', 'rental-activity-data', 'property-types', 'lookup', 'export-comps',
  'nearby-listings', 'list-comps', 'beds', 'historical-performance', 'revenue-stats',
];

// RapidAPI listing, paths without the /v1.1/client prefix.
function rapidRoutes(): Route[] {
  return [
    r('GET', '/rental-rates', 'rental-rates'),
    r('GET', '/airbnb-property/super-hosts', 'list'),
    r('GET', '/airbnb-property/top-reviewed', 'list'),
    r('GET', '/airbnb-property/newly-listed', 'list'),
    r('GET', '/airbnb-property/{id}/historical', 'historical'),
    r('GET', '/airbnb-property/{id}', 'airbnb-property'),
    r('GET', '/airbnb-property/occupancy-rates', 'occupancy'),
    r('GET', '/airbnb-property/property-types', 'property-types'),
    r('GET', '/airbnb-property/active-listings', 'list'),
    r('GET', '/airbnb-property/market-summary', 'market-summary'),
    r('GET', '/neighborhood/{id}/historical/airbnb', 'historical'),
    r('GET', '/neighborhood/{id}/historical/traditional', 'historical'),
    r('GET', '/traditional-property', 'property'),
    r('GET', '/trends/cities', 'city-trends'),
    r('GET', '/trends/summary/{state}/{city}', 'trends-summary', []),
    r('GET', '/search/heatmap', 'heatmap'),
    r('GET', '/city/list', 'cities'),
    r('GET', '/city/neighborhoods/{state}/{city}', 'neighborhoods', []),
    r('GET', '/city/top-markets', 'top-markets'),
    r('GET', '/city/investment/{state}/{city}', 'city-investment', []),
    r('GET', '/city/properties/{state}/{city}', 'list', []),
    r('GET', '/trends/neighborhoods', 'neighborhood-trends', ['state', 'city']),
    r('GET', '/neighborhood/{id}/bar', 'bar'),
    r('GET', '/agents/profile/detail', 'agent', ['state', 'id']),
    r('GET', '/property/{id}/taxing', 'taxing'),
    r('GET', '/property/office/details', 'office'),
    r('GET', '/property', 'property'),
    r('GET', '/property/{id}/investment', 'investment'),
    r('GET', '/neighborhood/{id}/airbnb/details', 'list'),
    r('GET', '/property/{id}/investment/breakdown', 'investment-breakdown'),
    r('GET', '/property/marker', 'marker'),
    r('GET', '/neighborhood/{id}/traditional/listing', 'list'),
    r('POST', '/ml/investment-likelihood', 'ml', []),
    r('POST', '/ml/mashmeter', 'ml', []),
    r('POST', '/ml/recommended_property', 'ml', []),
    ...RENTO.map((name) => r('GET', `/rento-calculator/${name}`, 'rento')),
  ];
}

let tables: Record<SandboxMode, Route[]> | null = null;

/** Built on first use, not at import time. The direct API also serves every RapidAPI operation under /client. */
export function routeTable(mode: SandboxMode): Route[] {
  if (!tables) {
    const rapid = rapidRoutes();
    const direct = directOwnRoutes();
    for (const route of rapid) {
      if (!direct.some((d) => d.method === route.method && d.path === route.path)) direct.push(route);
    }
    tables = { direct, rapidapi: rapid };
  }
  return tables[mode];
}

export interface RouteMatch {
  route: Route;
  pathParams: Record<string, string>;
}

function matchTemplate(template: string, path: string): Record<string, string> | null {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return null;
      let value: string;
      try {
        value = decodeURIComponent(g);
      } catch {
        value = g;
      }
      params[w.slice(1, -1)] = value;
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

/** Finds the route for a path (already stripped of /v1.1/client on the direct API). Literal segments win over {params}. */
export function findRoute(mode: SandboxMode, method: string, path: string): RouteMatch | null {
  const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  let best: RouteMatch | null = null;
  let bestParams = Infinity;
  for (const route of routeTable(mode)) {
    if (route.method !== method) continue;
    const params = matchTemplate(route.path, clean);
    if (!params) continue;
    const count = Object.keys(params).length;
    if (count < bestParams) {
      best = { route, pathParams: params };
      bestParams = count;
    }
  }
  return best;
}

// The errors page's documented texts, per code.
export const DOCUMENTED: Record<number, string> = {
  400: 'Bad Request -- Your request is invalid.',
  401: 'Unauthorized -- Your API key is wrong.',
  404: 'Not Found -- The specified property could not be found.',
  429: "Too Many Requests -- You're sending too many requests! Slow down!",
  500: 'Internal Server Error -- We had a problem with our server. Try again later.',
  503: "Service Unavailable -- We're temporarily offline for maintenance. Please try again later.",
};

export function errorEnvelope(code: number, message = DOCUMENTED[code] ?? 'Error'): Answer {
  return { status: code, body: { status: 'error', code, message } };
}

const NOT_FOUND_IDS = new Set(['0', 'missing', 'notfound', 'not-found', 'none']);
const SOURCES = new Set(['airbnb', 'traditional']);

/** Answers a matched request the way the documented API would. body is the raw POST body (or null). */
export function answer(match: RouteMatch, query: URLSearchParams, body: Buffer | null): Answer {
  const { route, pathParams } = match;

  if (route.method === 'POST') return answerPost(route, body);

  // A missing state is the API's best-known quirk: 404, not 400.
  for (const name of route.required) {
    const value = query.get(name);
    if (value === null || value.trim() === '') return name === 'state' ? errorEnvelope(404) : errorEnvelope(400);
  }

  // The short-term-rental docs (api-doc-v2) take an optional ISO country, default US; how state is written
  // elsewhere is not documented, so outside the US any non-empty state is taken.
  const country = query.get('country');
  const abroad = country !== null && country.toUpperCase() !== 'US';
  const state = pathParams.state ?? query.get('state');
  if (state !== null && state !== undefined && !abroad && !isUsState(state)) return errorEnvelope(400);
  if (pathParams.city === '') return errorEnvelope(400);

  for (const [name, value] of query) {
    if (!queryValueOk(name, value, route.family, route.path)) return errorEnvelope(400);
  }

  const source = query.get('source');
  if (route.family === 'rental-rates' && source !== null && !SOURCES.has(source)) return errorEnvelope(400);

  const ids: Array<string | null | undefined> = [pathParams.id, pathParams.pid];
  if (route.family === 'property' || route.family === 'marker' || route.family === 'agent') ids.push(query.get('id'), query.get('pid'));
  for (const id of ids) {
    if (typeof id === 'string' && NOT_FOUND_IDS.has(id.toLowerCase())) return errorEnvelope(404);
  }

  return { status: 200, body: { status: 'success', content: content(route.family, pathParams, query) } };
}

function answerPost(route: Route, body: Buffer | null): Answer {
  if (!body || body.length === 0) return errorEnvelope(400);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return errorEnvelope(400);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return errorEnvelope(400);
  const name = route.path.split('/').pop();
  const fields = Object.keys(parsed).length;
  if (name === 'mashmeter') return ok({ mashMeter: 72.4, fields_received: fields });
  if (name === 'investment-likelihood') return ok({ investment_likelihood: 0.68, label: 'likely', fields_received: fields });
  return ok({ recommended: [{ id: 40125, score: 0.91 }, { id: 40311, score: 0.87 }], fields_received: fields });
}

function ok(content: unknown): Answer {
  return { status: 200, body: { status: 'success', content } };
}

function pageOf(query: URLSearchParams): { page: number; items: number } {
  const page = Number(query.get('page') ?? '1') || 1;
  const items = Math.min(Number(query.get('items') ?? '5') || 5, 20);
  return { page, items };
}

// Small, deterministic, plausible content: enough for a client to parse and show, not a copy of real data.
function content(family: string, pathParams: Record<string, string>, query: URLSearchParams): unknown {
  const state = pathParams.state ?? query.get('state') ?? 'TX';
  const city = pathParams.city ?? query.get('city') ?? 'Austin';
  const id = Number(pathParams.id ?? pathParams.pid ?? query.get('id') ?? query.get('pid') ?? 664367) || 664367;
  switch (family) {
    case 'rental-rates':
      return {
        source: query.get('source') ?? 'airbnb',
        state,
        city,
        rental_rates: {
          studio_value: 1480,
          one_room_value: 1710,
          two_rooms_value: 2240,
          three_rooms_value: 2790,
          four_rooms_value: 3320,
        },
        sample_count: 214,
      };
    case 'list': {
      const { page, items } = pageOf(query);
      const total = 57;
      const results = [];
      for (let i = 0; i < items && (page - 1) * items + i < total; i++) {
        const n = (page - 1) * items + i + 1;
        results.push({ id: 100000 + n, city, state, bedrooms: 1 + (n % 4), price: 250000 + n * 1375, rental_income: 1500 + n * 12 });
      }
      return { page, items, total_results: total, total_pages: Math.ceil(total / items), results };
    }
    case 'property':
    case 'airbnb-property':
      return {
        id,
        address: '3703 Endicott Dr',
        city,
        state,
        zip_code: '76549',
        beds: 3,
        baths: 2,
        sqft: 1620,
        list_price: 219900,
        property_type: 'Single Family Residential',
      };
    case 'investment':
    case 'investment-breakdown':
      return {
        id,
        airbnb: { rental_income: 2410, cash_flow: 412, cap_rate: 6.1, coc_return: 7.4, occupancy: 71 },
        traditional: { rental_income: 1850, cash_flow: 198, cap_rate: 4.8, coc_return: 5.2 },
      };
    case 'cities':
      return { state, cities: ['Austin', 'Dallas', 'Houston', 'San Antonio'], count: 4 };
    case 'validate-city':
      return { state, city, valid: true };
    case 'neighborhoods':
      return { state, city, count: 2, results: [{ id: 268201, name: 'Downtown' }, { id: 268202, name: 'Riverside' }] };
    case 'top-markets':
      return [{ city, state, homes_for_sale: 1204, occupancy: 67.3 }, { city: 'Dallas', state, homes_for_sale: 987, occupancy: 64.9 }];
    case 'city-investment':
    case 'market-summary':
      return { state, city, median_price: 412000, airbnb_rental: 2630, traditional_rental: 1920, airbnb_coc: 5.9, occupancy: 66.8 };
    case 'trends-summary':
    case 'city-trends':
    case 'neighborhood-trends':
      return { state, city, trend: [{ month: 1, year: 2024, value: 2410 }, { month: 2, year: 2024, value: 2475 }] };
    case 'historical':
      return { id, months: [{ year: 2024, month: 1, occupancy: 62, nightly_price: 148 }, { year: 2024, month: 2, occupancy: 66, nightly_price: 152 }] };
    case 'listing-price':
      return { state, zip_code: query.get('zip_code'), median_listing_price: 389000, beds: query.get('beds') };
    case 'heatmap':
      return { state, type: query.get('type') ?? 'listing_price', results: [{ lat: 30.27, lng: -97.74, value: 412000 }] };
    case 'occupancy':
      return { state, city, occupancy_histogram: { '0-25%': 12, '25-50%': 31, '50-75%': 44, '75-100%': 27 } };
    case 'property-types':
      return { state, city, types: { apartment: 41, house: 52, condo: 7 } };
    case 'images':
      return { id, images: [{ url: 'https://example.invalid/property/1.jpg' }] };
    case 'taxing':
      return { id, tax_rate: 1.81, annual_tax: 3980 };
    case 'transactions':
      return { id, transactions: [{ date: '2019-05-14', price: 184000, type: 'sale' }] };
    case 'estimates':
    case 'estimates-history':
      return { id, estimate: 226000, history: [{ year: 2023, value: 219000 }, { year: 2024, value: 226000 }] };
    case 'schools':
      return { id, schools: [{ name: 'Harker Heights Elementary', rating: 7, distance_miles: 0.8 }] };
    case 'bar':
      return { id, bars: [{ label: '1 bed', value: 1710 }, { label: '2 beds', value: 2240 }] };
    case 'marker':
      return { pid: query.get('pid'), type: query.get('type') ?? 'Investment', payment: query.get('payment'), lat: 31.07, lng: -97.73 };
    case 'agent':
      return { id: query.get('id'), name: 'Sample Agent', state, city };
    case 'office':
      return { id, name: 'Sample Realty', state };
    case 'lookup':
    case 'rento':
      return { state, city, median_rental_income: 2380, median_occupancy_rate: 64, sample_size: 38, resource: query.get('resource') ?? 'airbnb' };
    default:
      return {};
  }
}
