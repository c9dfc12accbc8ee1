// The conformance corpus, generated from schemas/ (never from the simulator): for every operation a valid request
// and each single-parameter mutation (missing, wrong type, out of range, unlisted value, empty, exponent, case).
// Used by test/conformance.test.js and by scripts/prism-agreement.mjs (run by hand against a Prism mock).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentedValues, parameterExample } from '../scripts/openapi.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Deliberate differences, each listed with its reason in docs/catalog.md ("Deliberate differences"): which verdict
 * differs from validate's, and the cases.
 */
const AIRBNB = '(?:getAirbnb\\w*|listAirbnb\\w*)';
export const DELIBERATE = [
  // A rule across parameters (state held to the US list unless country is non-US): the export says it in the
  // parameter's description and in x-query-rule, and its per-parameter schema is looser only there.
  ['export', new RegExp(`^${AIRBNB} state "0" with country "US"$`)],
  ['export', new RegExp(`^${AIRBNB} state unlisted value "castle"$`)],
  // listCities without state: the sources disagree, so validate only warns; the simulator plays the sources that
  // require it and answers the API's 404, which is what the warning foretells.
  ['sandbox', /^listCities state missing$/],
];

export function loadSchemaFiles() {
  const defs = JSON.parse(readFileSync(join(root, 'schemas', 'defs.json'), 'utf8'));
  const dir = join(root, 'schemas', 'endpoints');
  const endpoints = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => ({ schema: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
  return { defs, endpoints };
}

function resolved(defs, prop) {
  if (!prop || typeof prop !== 'object' || !prop.$ref) return prop ?? {};
  const { $ref, ...rest } = prop;
  return { ...defs.definitions[$ref.split('/').pop()], ...rest };
}

const swapCase = (text) => [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** [kind, value or undefined (= left out)] for one parameter. */
function mutations(p, example, isPath) {
  const out = [];
  const numeric = p.type === 'number' || p.type === 'integer';
  if (!isPath) out.push(['missing', undefined]);
  out.push(['empty', '']);
  if (numeric) {
    out.push(['wrong type', 'abc'], ['wrong type', 'true']);
    if (p.type === 'integer') out.push(['wrong type', '1.5']);
    out.push(['exponent', p.maximum !== undefined && p.maximum < 1000 ? '1e0' : '1e3']);
    if (p.minimum !== undefined) out.push(['out of range', String(p.minimum - 3)]);
    if (p.maximum !== undefined) out.push(['out of range', String(p.maximum + 1)]);
  }
  const listed = p.enum ?? p['x-enum-ignore-case'] ?? p['x-warn-enum'];
  if (listed || p.minLength) out.push(['unlisted value', 'castle']);
  if (listed || /[a-z]/i.test(example)) {
    const cased = swapCase(example);
    if (cased !== example) out.push(['case', cased]);
    if (example.toLowerCase() !== example && example.toLowerCase() !== cased) out.push(['case', example.toLowerCase()]);
  }
  return out;
}

function fill(template, path) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(path[name] ?? ''));
}

/**
 * Every case: { id, operationId, method, direct, rapid, path, query, body, mutation }.
 * direct/rapid are the concrete paths (rapid null when RapidAPI does not list the operation).
 */
export function conformanceCorpus(schemas = loadSchemaFiles()) {
  const { defs, endpoints } = schemas;
  const documented = documentedValues(endpoints);
  const cases = [];
  for (const { schema } of endpoints) {
    const op = schema['x-operation'];
    const ex = schema['x-example'] ?? {};
    const base = { path: { ...(ex.path ?? {}) }, query: { ...(ex.query ?? {}) } };
    for (const k of Object.keys(base.query)) base.query[k] = String(base.query[k]);
    const add = (mutation, path, query) => cases.push({
      id: `${op.operationId} ${mutation}`, operationId: op.operationId, method: op.method,
      direct: fill(op.path, path), rapid: op.rapidapiPath ? fill(op.rapidapiPath, path) : null,
      path, query, body: ex.body, mutation,
    });
    add('valid', base.path, base.query);
    for (const part of ['path', 'query']) {
      for (const [name, raw] of Object.entries(schema.properties?.[part]?.properties ?? {})) {
        const p = resolved(defs, raw);
        const example = parameterExample(defs, schema, part, name, documented);
        const given = base[part][name];
        if (given === undefined) add(`${name}=${example} (added)`, base.path, { ...base.query, [name]: example });
        for (const [kind, value] of mutations(p, given ?? example, part === 'path')) {
          const values = { ...base[part] };
          if (value === undefined) {
            if (given === undefined) continue;
            delete values[name];
          } else values[name] = value;
          const label = `${name} ${kind}${value === undefined ? '' : ` "${value}"`}`;
          add(label, part === 'path' ? values : base.path, part === 'query' ? values : base.query);
        }
      }
    }
    // The cross-parameter rule of the short-term-rental operations: outside the US, state is not held to the US list.
    if (schema.properties?.query?.properties?.country) {
      add('state "0" with country "GB"', base.path, { ...base.query, state: '0', country: 'GB' });
      add('state "0" with country "US"', base.path, { ...base.query, state: '0', country: 'US' });
    }
  }
  return cases;
}
