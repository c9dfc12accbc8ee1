// endpoints --openapi [--yaml]: the catalog as OpenAPI 3.1, checked by a real validator and loaded by a real parser.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Validator } from '@seriousme/openapi-schema-validator';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../dist/catalog/catalog.js';
import { DOCUMENTED_CODES } from '../dist/catalog/codes.js';
import { DIRECT_BASE_URL, RAPIDAPI_BASE_URL } from '../dist/catalog/hosts.js';
import { runCli, root } from './helpers.js';

let doc;
let yamlText;

test.before(async () => {
  const [json, yaml] = await Promise.all([runCli(['endpoints', '--openapi']), runCli(['endpoints', '--openapi', '--yaml'])]);
  assert.is(json.code, 0, json.stderr);
  assert.is(yaml.code, 0, yaml.stderr);
  doc = JSON.parse(json.stdout);
  yamlText = yaml.stdout;
});

test('the document printed is the one the build made, byte for byte (nothing rewritten on the way out)', () => {
  assert.is(JSON.stringify(doc), readFileSync(join(root, 'dist', 'openapi.json'), 'utf8').trim());
});

test('a real OpenAPI 3.1 validator accepts it', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  assert.is(validator.version, '3.1');
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
});

test('a real parser loads it and resolves every $ref', async () => {
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.ok(api.paths);
  const resolved = await SwaggerParser.dereference(structuredClone(doc));
  assert.not.ok(JSON.stringify(resolved).includes('"$ref"'), 'a $ref was left unresolved');
  const rates = resolved.paths['/client/rental-rates'].get;
  assert.is(rates.responses['503'].content['application/json'].schema.required.join(), 'status,code,message');
  // The docs' own example URLs write state=ny: the list is a case-insensitive pattern, as validate only warns.
  const state = rates.parameters.find((p) => p.name === 'state').schema;
  assert.equal(state['x-enum-ignore-case'].slice(0, 3), ['AL', 'AK', 'AZ']);
  assert.ok(new RegExp(state.pattern).test('ny') && !new RegExp(state.pattern).test('ZZ'));
});

test('both servers, both key schemes, and each way in names its own', () => {
  assert.is(doc.openapi, '3.1.0');
  assert.equal(doc.servers.map((s) => s.url), [DIRECT_BASE_URL, RAPIDAPI_BASE_URL]);
  assert.equal(doc.components.securitySchemes.mashvisorApiKey, { type: 'apiKey', in: 'header', name: 'x-api-key', description: doc.components.securitySchemes.mashvisorApiKey.description });
  assert.is(doc.components.securitySchemes.rapidApiKey.name, 'x-rapidapi-key');
  assert.is(doc.components.securitySchemes.rapidApiKey.type, 'apiKey');
  assert.equal(doc.paths['/client/rental-rates'].servers.map((s) => s.url), [DIRECT_BASE_URL]);
  assert.equal(doc.paths['/rental-rates'].servers.map((s) => s.url), [RAPIDAPI_BASE_URL]);
  assert.equal(doc.paths['/rental-rates'].get.security, [{ rapidApiKey: [] }]);
  assert.ok(doc.paths['/rental-rates'].get.parameters.some((p) => p.$ref === '#/components/parameters/RapidApiHost'));
});

test('every operation of the catalog, with its parameters: types, enums, required', () => {
  const catalog = loadCatalog();
  const byId = new Map();
  for (const item of Object.values(doc.paths)) for (const op of [item.get, item.post].filter(Boolean)) byId.set(op.operationId, op);
  for (const entry of catalog) {
    const ways = [[entry.operationId, entry.path]];
    if (entry.rapidapiPath) ways.push([`${entry.operationId}ViaRapidApi`, entry.rapidapiPath]);
    for (const [id, path] of ways) {
      const op = doc.paths[path]?.[entry.method.toLowerCase()];
      assert.ok(op, `${id}: no ${entry.method} ${path}`);
      assert.is(op.operationId, id);
      assert.is(Boolean(op.requestBody), entry.hasBody, `${id}: request body`);
      for (const p of entry.params) {
        const param = op.parameters.find((q) => q.name === p.name && q.in === p.in);
        assert.ok(param, `${id}: parameter ${p.name} missing`);
        assert.is(param.required, p.in === 'path' ? true : p.required, `${id}.${p.name} required`);
        const schema = param.schema.$ref ? doc.components.schemas[param.schema.$ref.split('/').pop()] : param.schema;
        const type = param.schema.type ?? schema.type ?? 'string';
        assert.is([type].flat().join('|'), p.type, `${id}.${p.name} type`);
        // A list whose case the sources disagree on is no OpenAPI enum (a strict consumer would refuse "condo/coop"):
        // it stays an x-enum-ignore-case list beside the description.
        if (p.enum && (p.enumIgnoreCase || schema['x-enum-case'] === 'warning')) assert.equal(schema['x-enum-ignore-case'].map(String), p.enum, `${id}.${p.name} enum (any case)`);
        else if (p.enum) assert.equal((param.schema.enum ?? schema.enum).map(String), p.enum, `${id}.${p.name} enum`);
      }
    }
  }
  assert.is(byId.size, catalog.length + catalog.filter((e) => e.rapidapiPath).length);
});

test('the documented errors, in the errors page\'s words, with the {status, code, message} envelope shared', () => {
  const envelope = doc.components.schemas.Error;
  assert.equal(envelope.required, ['status', 'code', 'message']);
  for (const item of Object.values(doc.paths)) {
    for (const op of [item.get, item.post].filter(Boolean)) {
      for (const code of ['400', '401', '404', '429', '500', '503']) assert.ok(op.responses[code]?.$ref, `${op.operationId} ${code}`);
    }
  }
  for (const code of ['400', '401', '404', '429', '500', '503']) {
    const ref = doc.paths['/client/city/list'].get.responses[code].$ref.split('/').pop();
    const response = doc.components.responses[ref];
    assert.is(response.description, DOCUMENTED_CODES[code].documented);
    assert.is(response.content['application/json'].schema.$ref, '#/components/schemas/Error');
  }
});

test('--yaml is the same document', async () => {
  assert.equal(parseYaml(yamlText), doc);
  assert.not.ok(/[&*]a\d/.test(yamlText), 'no YAML aliases');
  const validator = new Validator();
  assert.ok((await validator.validate(yamlText)).valid);
});

test('usage: --yaml needs --openapi; --openapi takes no operation name', async () => {
  for (const args of [['endpoints', '--yaml'], ['endpoints', 'getRentalRates', '--openapi']]) {
    const r = await runCli(args);
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1);
  }
});

test('--openapi is in the help', async () => {
  const r = await runCli(['endpoints', '--help']);
  assert.match(r.stdout, /--openapi/);
  assert.match(r.stdout, /--yaml/);
});

test('no key reaches the document, even with one in the environment', async () => {
  const canary = 'canary_key_5c0f3a9e7d214b68';
  const r = await runCli(['endpoints', '--openapi', '--yaml'], { env: { MASHVISOR_API_KEY: canary } });
  assert.is(r.code, 0);
  assert.not.ok(r.stdout.includes(canary) || r.stderr.includes(canary));
});

test.run();
