// The export says what the API and RapidAPI really answer: the success envelope, Retry-After, RapidAPI's headers and
// own bodies, the HTML pages, examples, and the cross-parameter state rule as x-query-rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { root } from './helpers.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const doc = JSON.parse(readFileSync(join(root, 'dist', 'openapi.json'), 'utf8'));
const response = (ref) => doc.components.responses[ref.$ref.split('/').pop()];

/** ajv over the whole document, so that a component schema can be checked by its $ref. */
function schemaCheck(ref) {
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  return ajv.compile({ $ref: `openapi.json${ref}` });
}

test('every 200 is the success envelope, and content must be data', () => {
  const check = schemaCheck('#/components/schemas/Success');
  assert.ok(check({ status: 'success', content: { a: 1 } }));
  assert.ok(check({ status: 'success', content: [{ a: 1 }] }));
  assert.not.ok(check({ status: 'success', content: 'string' }));
  assert.not.ok(check({ status: 'error', content: {} }));
  assert.not.ok(check({ status: 'success' }));
});

test('429 and 503 declare Retry-After; 503 may be the HTML maintenance page; 502 is declared', () => {
  const rates = doc.paths['/client/rental-rates'].get.responses;
  for (const code of ['429', '503']) assert.ok(response(rates[code]).headers['Retry-After'], code);
  assert.match(response(rates['503']).content['text/html'].example, /maintenance/);
  assert.ok(response(rates['502']).content['text/html']);
});

test('the RapidAPI way declares its rate-limit headers and its own {"message"} bodies; the direct way does not', () => {
  const rapid = doc.paths['/rental-rates'].get.responses;
  const direct = doc.paths['/client/rental-rates'].get.responses;
  for (const name of ['x-ratelimit-requests-limit', 'x-ratelimit-requests-remaining', 'x-ratelimit-requests-reset', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    assert.ok(response(rapid['200']).headers[name], name);
    assert.ok(response(rapid['429']).headers[name], name);
  }
  assert.not.ok(response(direct['200']).headers);
  const unauthorized = response(rapid['401']).content['application/json'].schema;
  const check = new Ajv2020({ strict: false }).addSchema({ ...doc, $id: 'openapi.json' })
    .compile({ anyOf: unauthorized.anyOf.map((s) => ({ $ref: `openapi.json${s.$ref}` })) });
  assert.ok(check({ message: 'Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.' }));
  assert.ok(check({ status: 'error', code: 401, message: 'Invalid api access Key' }));
  assert.ok(response(rapid['403']).content['application/json']);
  assert.is(direct['403'], undefined);
});

test('lowercase state passes the export, as validate only warns; an unknown code does not', () => {
  const check = schemaCheck('#/components/schemas/state');
  assert.ok(check('TX') && check('ny'));
  assert.not.ok(check('ZZ'));
});

test('the cross-parameter state rule of the short-term-rental operations is x-query-rule, and said in words', () => {
  const op = doc.paths['/airbnb-property/market-summary'].get;
  const state = op.parameters.find((p) => p.name === 'state');
  assert.match(state.description, /x-query-rule/);
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  const rule = JSON.parse(JSON.stringify(op['x-query-rule']).replace(/"#\/components/g, '"openapi.json#/components'));
  const check = ajv.compile(rule);
  assert.not.ok(check({ state: '0' }));
  assert.not.ok(check({ state: '0', country: 'US' }));
  assert.ok(check({ state: '0', country: 'GB' }));
  assert.ok(check({ state: 'TX' }));
});

test('every example of a parameter fits its own schema', () => {
  const ajv = new Ajv2020({ strict: false, coerceTypes: true });
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  for (const item of Object.values(doc.paths)) {
    for (const op of [item.get, item.post].filter(Boolean)) {
      for (const p of op.parameters.filter((x) => !x.$ref)) {
        const schema = JSON.parse(JSON.stringify(p.schema).replace(/"#\/components/g, '"openapi.json#/components'));
        assert.ok(ajv.validate(schema, p.example), `${op.operationId}.${p.name} = ${JSON.stringify(p.example)}`);
      }
    }
  }
});

test.run();
