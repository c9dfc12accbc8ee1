// One truth about the API: for every request of the conformance corpus (generated from schemas/ in
// test/conformance-corpus.js), the simulator, `validate` and the OpenAPI export checked by a real JSON Schema
// validator (ajv, draft 2020-12 as OpenAPI 3.1 uses) give the same verdict, accepted or rejected. The differences
// docs/catalog.md lists as deliberate are the only ones allowed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { conformanceCorpus, DELIBERATE } from './conformance-corpus.js';
import { root } from './helpers.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;

function deliberate(kind, id) {
  return DELIBERATE.some(([k, re]) => k === kind && re.test(id));
}

/** The export's operations by operationId, with their parameter and body schemas checked by ajv. */
export function exportChecker(doc) {
  const ajv = new Ajv2020({ strict: false, coerceTypes: true, allErrors: false });
  const inline = (node) => {
    if (Array.isArray(node)) return node.map(inline);
    if (!node || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/')) {
      const [, , kind, name] = node.$ref.split('/');
      const { $ref: _r, ...rest } = node;
      return { ...inline(doc.components[kind][name]), ...inline(rest) };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
  };
  const ops = new Map();
  for (const item of Object.values(doc.paths)) {
    for (const method of ['get', 'post']) {
      const op = item[method];
      if (!op) continue;
      const params = inline(op.parameters).filter((p) => p.in !== 'header')
        .map((p) => ({ name: p.name, in: p.in, required: p.required, check: ajv.compile(p.schema) }));
      const body = op.requestBody ? { required: op.requestBody.required, check: ajv.compile(inline(op.requestBody.content['application/json'].schema)) } : null;
      ops.set(op.operationId, { params, body });
    }
  }
  return (operationId, c) => {
    const op = ops.get(operationId);
    for (const p of op.params) {
      const value = (p.in === 'path' ? c.path : c.query)[p.name];
      if (value === undefined) {
        if (p.required) return false;
        continue;
      }
      if (!p.check(value)) return false;
    }
    if (op.body) {
      if (c.body === undefined) return !op.body.required;
      return op.body.check(structuredClone(c.body));
    }
    return true;
  };
}

function urlOf(base, path, query) {
  const search = new URLSearchParams(query).toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

async function sandboxVerdicts(sandbox, cases, keys) {
  const out = new Map();
  const one = async (c, way) => {
    const direct = way === 'direct';
    const url = direct ? urlOf(`${sandbox.directBaseUrl}`, c.direct, c.query) : urlOf(sandbox.rapidapiBaseUrl, c.rapid, c.query);
    const headers = direct ? { 'x-api-key': keys.direct } : { 'x-rapidapi-key': keys.rapid, 'x-rapidapi-host': keys.host };
    const init = { method: c.method, headers };
    if (c.method === 'POST' && c.body !== undefined) {
      init.body = JSON.stringify(c.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url, init);
    await res.arrayBuffer();
    out.set(`${way} ${c.id}`, res.status);
  };
  const jobs = cases.flatMap((c) => [() => one(c, 'direct'), ...(c.rapid ? [() => one(c, 'rapid')] : [])]);
  for (let i = 0; i < jobs.length; i += 64) await Promise.all(jobs.slice(i, i + 64).map((job) => job()));
  return out;
}

async function validateVerdict(validateRequest, c) {
  try {
    const params = { path: c.path, query: c.query };
    if (c.body !== undefined) params.body = c.body;
    return (await validateRequest({ endpoint: c.operationId, params })).valid;
  } catch {
    return false; // a request the builder refuses (exit 2)
  }
}

/** Every disagreement: "<what> <case>: validate X, sandbox Y, export Z". */
export async function disagreements(cases, sandbox, keys) {
  const { validateRequest } = await import('../dist/index.js');
  const doc = JSON.parse(readFileSync(join(root, 'dist', 'openapi.json'), 'utf8'));
  const checkExport = exportChecker(doc);
  const statuses = await sandboxVerdicts(sandbox, cases, keys);
  const found = [];
  for (const c of cases) {
    const valid = await validateVerdict(validateRequest, c);
    const say = (b) => (b ? 'accepts' : 'rejects');
    for (const way of c.rapid ? ['direct', 'rapid'] : ['direct']) {
      const status = statuses.get(`${way} ${c.id}`);
      if ((status === 200) !== valid) found.push({ kind: 'sandbox', id: c.id, text: `sandbox(${way}) ${c.id}: validate ${say(valid)}, sandbox answers ${status}` });
      const opId = way === 'direct' ? c.operationId : `${c.operationId}ViaRapidApi`;
      const exported = checkExport(opId, c);
      if (exported !== valid) found.push({ kind: 'export', id: c.id, text: `export(${way}) ${c.id}: validate ${say(valid)}, export ${say(exported)}` });
    }
  }
  return found;
}

let sandbox;
let keys;
test.before(async () => {
  const mod = await import('../dist/sandbox/server.js');
  sandbox = await mod.startSandbox({ port: 0, rateLimit: { limit: 1e9, windowSeconds: 60 }, quota: { limit: 1e9 } });
  keys = { direct: mod.SANDBOX_KEY, rapid: mod.SANDBOX_RAPIDAPI_KEY, host: mod.RAPIDAPI_HOST };
});
test.after(async () => {
  await sandbox?.close();
});

test('the corpus covers every operation with a valid request and each kind of mutation', () => {
  const cases = conformanceCorpus();
  const ops = new Set(cases.map((c) => c.operationId));
  assert.is(ops.size, 56);
  for (const kind of ['missing', 'wrong type', 'out of range', 'unlisted value', 'empty', 'exponent', 'case']) {
    assert.ok(cases.some((c) => c.mutation.includes(` ${kind}`)), kind);
  }
});

test('the simulator, validate and the export agree on every request, but for the deliberate differences', async () => {
  const cases = conformanceCorpus();
  const found = await disagreements(cases, sandbox, keys);
  const unlisted = found.filter((d) => !deliberate(d.kind, d.id));
  if (process.env.CONFORMANCE_REPORT) console.error(`${found.length} disagreements (${unlisted.length} unlisted) over ${cases.length} cases\n${found.map((d) => d.text).join('\n')}`);
  assert.equal(unlisted.map((d) => d.text), []);
  // Every deliberate difference still happens: a stale entry would hide a later fix.
  for (const [kind, re] of DELIBERATE) assert.ok(found.some((d) => d.kind === kind && re.test(d.id)), `no longer differs: ${kind} ${re}`);
});

test('every parameter of the export has an example, and every example is a request validate accepts', async () => {
  const doc = JSON.parse(readFileSync(join(root, 'dist', 'openapi.json'), 'utf8'));
  for (const item of Object.values(doc.paths)) {
    for (const op of [item.get, item.post].filter(Boolean)) {
      for (const p of op.parameters) if (!p.$ref) assert.ok(p.example !== undefined, `${op.operationId}.${p.name} has no example`);
    }
  }
  const { validateRequest } = await import('../dist/index.js');
  const examples = conformanceCorpus().filter((c) => c.mutation === 'valid' || c.mutation.endsWith('(added)'));
  const refused = [];
  for (const c of examples) if (!(await validateVerdict(validateRequest, c))) refused.push(c.id);
  assert.equal(refused, []);
});

test.run();
