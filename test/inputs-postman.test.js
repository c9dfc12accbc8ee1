import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { loadCollection } from '../dist/inputs/postman.js';
import { InputError } from '../dist/inputs/raw.js';

// Collections shaped like the exports users bring (v2.1 catalogue exports: {{baseUrl}}, array-form api-key auth,
// typed placeholders, :path variables); the project's own, so the suite needs nothing beside the repository.
const collectionDir = new URL('./fixtures/postman/', import.meta.url);
const exported = (name) => JSON.parse(readFileSync(new URL(name, collectionDir), 'utf8'));
const fixture = (name) => JSON.parse(readFileSync(new URL(`./fixtures/inputs/${name}`, import.meta.url), 'utf8'));
const own = () => fixture('preflight-v2.0.postman_collection.json');
const env = () => fixture('preflight.postman_environment.json');

function inputError(fn) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, InputError);
    return err.message;
  }
  assert.unreachable('expected an InputError');
}

test('v2.1 export: {{baseUrl}} resolves to the direct API, folders name the requests, disabled query items drop', () => {
  const c = loadCollection(exported('rentals.v2.1.postman_collection.json'));
  assert.is(c.name, 'Preflight fixture: rentals (v2.1)');
  assert.is(c.requests.length, 1);
  const [r] = c.requests;
  assert.is(r.name, 'Rentals / Estimate rents');
  assert.is(r.index, 1);
  assert.is(r.method, 'GET');
  // Placeholders stay as they are: judging them is the validator's job.
  assert.is(r.url, 'https://api.mashvisor.com/v1.1/client/rental-rates?state=<string>&city=<string>&zip_code=<integer>&source=<string>');
  assert.equal(r.headers, { Accept: 'application/json', 'x-api-key': '{{apiKey}}' });
  assert.is(r.body, null);
  // The collection authenticates with {{apiKey}}, which the collection itself does not define.
  assert.equal(c.auth, { key: 'x-api-key', in: 'header', value: '{{apiKey}}' });
  assert.equal(c.unresolved, ['apiKey']);
});

test('v2.1 export: path variables (:id, :state, :city) take their url.variable values', () => {
  const property = loadCollection(exported('property.v2.1.postman_collection.json'), { vars: { apiKey: 'var-key' } });
  assert.is(property.requests[0].url, 'https://api.mashvisor.com/v1.1/client/property/<string>/investment?state=<string>&down_payment=<number>&airbnb_rental=<number>');
  assert.is(property.requests[0].headers['x-api-key'], 'var-key');
  assert.equal(property.unresolved, []);
  const search = loadCollection(exported('search.v2.1.postman_collection.json'));
  const neighborhoods = search.requests.find((r) => r.name === 'Search / Neighborhoods of a city');
  assert.is(neighborhoods.url, 'https://api.mashvisor.com/v1.1/client/city/neighborhoods/<string>/<string>');
});

test('every v2.1 export loads: 6 requests, every one on the direct API under /v1.1/client/', () => {
  let total = 0;
  for (const file of readdirSync(collectionDir).filter((f) => f.endsWith('.json'))) {
    const c = loadCollection(exported(file), { vars: { apiKey: 'k' } });
    total += c.requests.length;
    for (const r of c.requests) {
      assert.ok(r.url.startsWith('https://api.mashvisor.com/v1.1/client/'), r.url);
      assert.is(r.headers['x-api-key'], 'k');
      assert.match(r.name, / \/ /);
    }
    assert.equal(c.unresolved, []);
  }
  assert.is(total, 6);
});

test('own v2.0 fixture: string URLs, nested folders, collection api-key auth, collection variables', () => {
  const c = loadCollection(own());
  assert.is(c.name, 'Preflight fixture (v2.0)');
  assert.equal(c.requests.map((r) => r.name), [
    'Rentals / Rental rates',
    'Rentals / Cities / City list',
    'Property by id',
    'Mashmeter (RapidAPI)',
    'Key in the query',
  ]);
  assert.equal(c.requests.map((r) => r.index), [1, 2, 3, 4, 5]);
  const [rates, cities, property, mashmeter, queryKey] = c.requests;
  assert.is(rates.url, 'https://api.mashvisor.com/v1.1/client/rental-rates?state=TX&city=Austin&source=airbnb');
  // the disabled X-Debug header is not sent
  assert.equal(rates.headers, { Accept: 'application/json', 'x-api-key': '{{apiKey}}' });
  assert.is(cities.url, 'https://api.mashvisor.com/v1.1/client/city/list?state=TX');
  // the disabled page=2 query parameter is not sent
  assert.is(property.url, 'https://api.mashvisor.com/v1.1/client/property/<long>/taxing?state=TX');
  // noauth on the request: the collection's key is not added
  assert.equal(mashmeter.headers, { 'x-rapidapi-host': 'mashvisor-api.p.rapidapi.com', 'x-rapidapi-key': '{{rapidKey}}' });
  assert.is(mashmeter.method, 'POST');
  assert.is(mashmeter.body, '{"state": "TX", "city": "Austin", "beds": 3}');
  // api-key auth "in": "query" goes into the URL, as Postman sends it
  assert.is(queryKey.url, 'https://api.mashvisor.com/v1.1/client/city/top-markets?state=TX&api_key={{apiKey}}');
  assert.equal(queryKey.headers, {});
  assert.equal(c.auth, { key: 'x-api-key', in: 'header', value: '{{apiKey}}' });
  assert.equal(c.unresolved, ['apiKey', 'rapidBase', 'rapidKey']);
  assert.equal(rates.notes, ['unresolved variables: apiKey']);
});

test('precedence: environment over collection variables, --var over both; disabled environment values are ignored', () => {
  const withEnv = loadCollection(own(), { env: env() });
  const rates = withEnv.requests[0];
  assert.is(rates.url, 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&city=Austin&source=airbnb');
  assert.is(rates.headers['x-api-key'], 'env-key-0000');
  assert.is(withEnv.requests[3].url, 'https://mashvisor-api.p.rapidapi.com/ml/mashmeter');
  assert.equal(withEnv.auth, { key: 'x-api-key', in: 'header', value: 'env-key-0000' });
  assert.equal(withEnv.unresolved, ['rapidKey']);

  const withVars = loadCollection(own(), { env: env(), vars: { state: 'FL', rapidKey: 'rk-1' } });
  assert.is(withVars.requests[0].url, 'https://api.mashvisor.com/v1.1/client/rental-rates?state=FL&city=Austin&source=airbnb');
  assert.is(withVars.requests[3].body, '{"state": "FL", "city": "Austin", "beds": 3}');
  assert.is(withVars.requests[3].headers['x-rapidapi-key'], 'rk-1');
  assert.is(withVars.requests[4].url, 'https://api.mashvisor.com/v1.1/client/city/top-markets?state=FL&api_key=env-key-0000');
  assert.equal(withVars.unresolved, []);
  assert.is(withVars.requests[0].notes, undefined);
});

test('v2.1 folder-level bearer auth, raw JSON body Content-Type, urlencoded body', () => {
  const c = loadCollection({
    info: { name: 'inline', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [{
      name: 'Folder',
      auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
      item: [
        { name: 'JSON', request: { method: 'post', url: { raw: 'https://a.test/ml/x', protocol: 'https', host: ['a', 'test'], path: ['ml', 'x'] }, body: { mode: 'raw', raw: '{"a":1}', options: { raw: { language: 'json' } } } } },
        { name: 'Form', request: { method: 'POST', url: 'https://a.test/f', body: { mode: 'urlencoded', urlencoded: [{ key: 'a b', value: '1&2' }, { key: 'off', value: 'x', disabled: true }] } } },
      ],
    }],
  }, { vars: { token: 'tok-1' } });
  const [json, form] = c.requests;
  assert.is(json.name, 'Folder / JSON');
  assert.is(json.method, 'POST');
  assert.equal(json.headers, { 'Content-Type': 'application/json', Authorization: 'Bearer tok-1' });
  assert.is(json.body, '{"a":1}');
  assert.is(form.body, 'a%20b=1%262');
  assert.is(form.headers['Content-Type'], 'application/x-www-form-urlencoded');
  assert.is(c.auth, null);
});

test('errors: not a collection, the v1 format, an environment without values', () => {
  assert.match(inputError(() => loadCollection([])), /not a Postman collection/);
  assert.match(inputError(() => loadCollection({ info: { name: 'x' } })), /"item" list/);
  assert.match(inputError(() => loadCollection({ id: 'x', name: 'old', order: [], requests: [] })), /v1 format/);
  assert.match(inputError(() => loadCollection({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v1.0.0/collection.json' }, item: [] })), /unsupported/);
  assert.match(inputError(() => loadCollection(own(), { env: { name: 'not an env' } })), /not a Postman environment/);
});

test('the api key never shows up in notes', () => {
  const c = loadCollection(own(), { env: env(), vars: { rapidKey: 'rapid-secret-999' } });
  const notes = c.requests.flatMap((r) => r.notes ?? []).join(' ');
  assert.not.match(notes, /env-key-0000|rapid-secret-999/);
});

test.run();
