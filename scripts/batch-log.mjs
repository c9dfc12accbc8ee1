#!/usr/bin/env node
// Writes a JSONL request log for measuring `validate --batch` by hand (docs/performance.md):
//   node scripts/batch-log.mjs FILE [LINES=1000000]
// Five lines in six are valid (the bench's shapes); the sixth is invalid, in turn in one of twelve ways.
import { createWriteStream } from 'node:fs';

const [file, count = '1000000'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/batch-log.mjs FILE [LINES]');
  process.exit(2);
}

const VALID = [
  (i) => ({ endpoint: 'getRentalRates', params: { state: ['CA', 'TX', 'NY', 'FL'][i % 4], source: 'airbnb', zip_code: '78701' } }),
  () => ({ endpoint: '/client/city/properties/TX/Austin' }),
  (i) => ({ url: `https://api.mashvisor.com/v1.1/client/trends/cities?state=CA&page=${(i % 9) + 1}&items=10` }),
  (i) => ({ endpoint: 'listNeighborhoodAirbnbDetails', params: { path: { id: String(1000 + (i % 50)) }, query: { state: 'TX', page: 1, items: 20, bedrooms: i % 5 } } }),
  (i) => ({ endpoint: 'getLookup', params: { state: 'TX', city: 'Killeen', beds: i % 6, home_type: 'Condo/Coop', resource: 'airbnb' } }),
];

const INVALID = [
  (i) => ({ endpoint: 'getRentalRates', params: { state: 'ZZ', source: 'airbnb' } }),
  (i) => ({ endpoint: 'getRentalRates', params: { source: 'airbnb', city: `City ${i}` } }),
  () => ({ endpoint: '/client/city/properties/TX/Austin', params: { state: 'CA' } }),
  (i) => ({ url: `https://api.mashvisor.com/v1.1/client/trends/cities?state=CA&page=0&items=${i % 7}` }),
  (i) => ({ endpoint: 'getLookup', params: { state: 'TX', beds: 6 + (i % 3), home_type: 'castle' } }),
  (i) => ({ endpoint: 'getLookup', params: { state: 'TX', lat: 'north', lng: 400, resource: 'vrbo' } }),
  (i) => ({ endpoint: `/client/no-such-endpoint/${i % 1000}`, params: { state: 'CA' } }),
  () => ({ endpoint: 'getRentalRates', params: { state: 'CA', neighborhood: null } }),
  () => ({ endpoint: 'getRentalRates', params: { state: '<string>' } }),
  (i) => ({ endpoint: 'listNeighborhoodAirbnbDetails', params: { path: { id: '' }, query: { state: 'TX', page: -i } } }),
  (i) => ({ endpoint: 'getRentalRates', params: { state: ['CA', 'TX'], source: 'airbnb' } }),
  (i) => `{"endpoint": "getRentalRates", "params": {"state": "CA"` + (i % 2 ? '' : ',}'),
];

const out = createWriteStream(file);
let chunk = '';
for (let i = 0; i < Number(count); i++) {
  const shape = i % 6 === 5 ? INVALID[Math.floor(i / 6) % INVALID.length] : VALID[i % VALID.length];
  const line = shape(i);
  chunk += `${typeof line === 'string' ? line : JSON.stringify(line)}\n`;
  if (chunk.length > 1 << 20) {
    out.write(chunk);
    chunk = '';
  }
}
out.end(chunk);
