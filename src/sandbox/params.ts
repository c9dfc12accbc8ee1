// The sandbox's own reading of parameter values, written from the published API facts (the docs' types, the
// api-doc-v2 bounds and lists) and deliberately independent of the checker's catalog: test/conformance.test.js
// compares the two on every request of a generated corpus, which would prove nothing if both came from one source.
// A value the API would refuse makes the sandbox answer 400.

// US states, DC and the territories: what "a two-letter US state code" covers.
const US_STATES = new Set(('AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM ' +
  'NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP UM').split(' '));

/** A state code in any case: the docs' own example URLs write state=ny. */
export function isUsState(value: string): boolean {
  return US_STATES.has(value.toUpperCase());
}

interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

const ANY: NumberRule = {};
const COUNT: NumberRule = { integer: true, min: 0 };
const PAGING: NumberRule = { integer: true, min: 1 };
const LAT: NumberRule = { min: -90, max: 90 };
const LNG: NumberRule = { min: -180, max: 180 };

// Numeric on the sources that list them (the capture and the RapidAPI listing).
const NUMBERS: Record<string, NumberRule> = {
  page: PAGING, items: PAGING,
  beds: COUNT, bedrooms: COUNT, neighborhood: COUNT,
  baths: { min: 0 }, reviews_count: { min: 0 },
  lat: LAT, sw_lat: LAT, ne_lat: LAT, lng: LNG, sw_lng: LNG, ne_lng: LNG,
};
for (const name of [
  'min_price', 'max_price', 'down_payment', 'downPayment', 'interest_rate', 'interestRate', 'startup_cost', 'startupCost',
  'recurring_cost', 'turnover_cost', 'max_bid', 'is_days', 'percentile_rate', 'loanType', 'loanTerm', 'loanArmRate',
  'loanInterestOnlyYears',
  ...['rental', 'occupancy', 'home_owner_insurance', 'maintenance_cost', 'management_cost', 'property_tax', 'total_expenses']
    .flatMap((what) => [`airbnb_${what}`, `traditional_${what}`]),
]) NUMBERS[name] = ANY;

// api-doc-v2/rento-calculator: beds and baths 0 to 5 on the calculator (and the README's lookup, the same one).
const CALCULATOR: Record<string, NumberRule> = { beds: { integer: true, min: 0, max: 5 }, baths: { min: 0, max: 5 } };
const HOME_TYPES = new Set(['single family residential', 'condo/coop', 'townhouse', 'multi family', 'other']);
const RESOURCES = new Set(['airbnb', 'traditional']);
// Identifiers and names: an empty one names nothing.
const NOT_EMPTY = new Set(['id', 'pid', 'city', 'neighborhood_id']);

// Plain decimal, with an optional exponent (1e3): what the docs' "number" admits on the wire.
const NUMBER_RE = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function numberOk(value: string, rule: NumberRule): boolean {
  if (!NUMBER_RE.test(value)) return false;
  const n = Number(value);
  if (!Number.isFinite(n)) return false;
  if (rule.integer && !Number.isInteger(n)) return false;
  if (rule.min !== undefined && n < rule.min) return false;
  return rule.max === undefined || n <= rule.max;
}

/** What a route's family and path change in the rules above. */
function numberRule(name: string, family: string, path: string): NumberRule | undefined {
  if ((family === 'rento' || family === 'lookup') && CALCULATOR[name]) return CALCULATOR[name];
  // category is a number on the traditional listing, a word on the Airbnb history.
  if (name === 'category') return path.endsWith('/traditional/listing') ? ANY : undefined;
  return NUMBERS[name];
}

/** False when one query value is something the API would refuse with a 400. */
export function queryValueOk(name: string, value: string, family: string, path: string): boolean {
  const rule = numberRule(name, family, path);
  if (rule) return numberOk(value, rule);
  if (NOT_EMPTY.has(name) && value === '') return false;
  if (family === 'rento' || family === 'lookup') {
    if (name === 'home_type') return HOME_TYPES.has(value.toLowerCase());
    if (name === 'resource') return RESOURCES.has(value);
  }
  return true;
}
