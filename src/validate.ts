import { nearestName } from './resolve.js';
import type { Operation, ParamDoc, Params, Problem, ValidationResult } from './types.js';

// The validators are ajv standalone code generated at build time (scripts/build.mjs): no schema compiling at start-up.
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type CompiledValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

export interface OperationValidators {
  params: CompiledValidator;
  body: CompiledValidator | null;
}

const cache = new Map<string, Promise<OperationValidators>>();

/** Loads (once) the compiled validators of one operation. */
export function loadValidators(operation: Operation): Promise<OperationValidators> {
  let loaded = cache.get(operation.operationId);
  if (!loaded) {
    const base = new URL(`./validators/${operation.operationId}`, import.meta.url).href;
    loaded = Promise.all([
      import(`${base}.params.js`) as Promise<{ default: CompiledValidator }>,
      operation.hasBody ? (import(`${base}.body.js`) as Promise<{ default: CompiledValidator }>) : null,
    ]).then(([params, body]) => ({ params: params.default, body: body?.default ?? null }));
    cache.set(operation.operationId, loaded);
  }
  return loaded;
}

function describeType(type: string): string {
  if (type === 'integer') return 'a whole number';
  if (type === 'number') return 'a number';
  if (type === 'boolean') return 'true or false';
  if (type === 'object') return 'a JSON object';
  if (type === 'array') return 'a list';
  return 'text';
}

function exampleFor(doc: ParamDoc | undefined): string {
  if (!doc) return '<value>';
  if (doc.name === 'state' || doc.name.endsWith('state')) return 'CA';
  if (doc.enum?.length) return doc.enum[0]!;
  if (doc.name.includes('zip')) return '78701';
  if (doc.type === 'integer' || doc.type === 'number') return doc.name === 'page' || doc.name === 'items' ? '1' : '2';
  if (doc.name === 'city') return 'Austin';
  return '<value>';
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

function problem(doc: ParamDoc | undefined, name: string, where: Problem['in'], message: string, fix: string, value?: unknown): Problem {
  const p: Problem = { param: name, in: doc?.in ?? where, severity: 'error', message, fix };
  if (value !== undefined) p.value = value;
  return p;
}

function requiredProblem(doc: ParamDoc | undefined, name: string, where: Problem['in']): Problem {
  const why = name === 'state' ? ': the API answers 404 when it is missing' : '';
  const how = where === 'path' ? `put it in the path` : `add ${name}=${exampleFor(doc)}`;
  return problem(doc, name, where, `${name} is required${why}`, how);
}

/** Turns one ajv error into the API's terms. */
function toProblem(err: AjvError, operation: Operation, data: Params): Problem {
  const [, part = '', ...rest] = err.instancePath.split('/');
  const where = (part || 'request') as Problem['in'];
  if (err.keyword === 'required') {
    const name = String(err.params.missingProperty);
    if (!part) return problem(undefined, name, 'body', 'a JSON body is required', 'send a JSON object, e.g. --payload body.json');
    return requiredProblem(operation.params.find((p) => p.name === name && p.in === part), name, where);
  }
  if (part === 'body') {
    const at = rest.length ? `body.${rest.join('.')}` : 'body';
    return problem(undefined, at, 'body', `${at} ${err.message ?? 'is invalid'}`, 'fix the JSON body');
  }
  const name = decodeURIComponent(rest.join('/'));
  const doc = operation.params.find((p) => p.name === name && p.in === part);
  const value = part === 'query' ? data.query[name] : part === 'path' ? data.path[name] : undefined;
  const got = value === undefined ? '' : ` (got ${show(value)})`;
  switch (err.keyword) {
    case 'enum':
      if (name === 'state' || name.endsWith('_state')) {
        return problem(doc, name, where, `${name} must be a two-letter US state code${got}`, 'use a code such as CA, TX or NY', value);
      }
      return problem(doc, name, where, `${name} must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}${got}`,
        `use ${name}=${exampleFor(doc)}`, value);
    case 'type':
      return problem(doc, name, where, `${name} must be ${describeType(String(err.params.type))}${got}`,
        `use ${name}=${exampleFor(doc)}`, value);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return problem(doc, name, where, `${name} must be ${err.params.comparison} ${err.params.limit}${got}`,
        `use a value ${err.params.comparison} ${err.params.limit}`, value);
    case 'pattern':
      if (name.includes('zip')) return problem(doc, name, where, `${name} must be five digits${got}`, 'use a US ZIP code such as 78701', value);
      return problem(doc, name, where, `${name} has the wrong format${got}`, doc?.description ?? 'see: mashvisor-preflight endpoints', value);
    case 'minLength':
      return problem(doc, name, where, `${name} must not be empty`, `give ${name} a value or leave it out`, value);
    default:
      return problem(doc, name, where, `${name} ${err.message ?? 'is invalid'}${got}`, doc?.description ?? 'see: mashvisor-preflight endpoints', value);
  }
}

/** Problems ajv cannot see: unknown names, repeated values, a body on a GET, lenient "required". */
function extraProblems(operation: Operation, data: Params): { errors: Problem[]; warnings: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const known = operation.params.map((p) => p.name);
  for (const [name, value] of Object.entries(data.query)) {
    const doc = operation.params.find((p) => p.name === name && p.in === 'query');
    if (Array.isArray(value)) {
      errors.push(problem(doc, name, 'query', `${name} is given ${value.length} times`, `send ${name} once`, value));
    }
    if (!doc) {
      const near = nearestName(name, known);
      warnings.push({
        param: name, in: 'query', severity: 'warning',
        message: near ? `${name}: unknown — did you mean ${near}?` : `${name}: unknown parameter for ${operation.operationId}`,
        fix: near ? `rename it to ${near}` : 'remove it, or see: mashvisor-preflight endpoints ' + operation.operationId,
      });
    }
  }
  for (const name of Object.keys(data.path)) {
    if (!operation.params.some((p) => p.name === name && p.in === 'path')) {
      warnings.push({ param: name, in: 'path', severity: 'warning', message: `${name}: not a path parameter of ${operation.path}`, fix: 'remove it' });
    }
  }
  for (const doc of operation.params) {
    const given = doc.in === 'path' ? data.path[doc.name] : data.query[doc.name];
    if (doc.warnIfMissing && given === undefined) {
      warnings.push({ param: doc.name, in: doc.in, severity: 'warning', message: `${doc.name} is missing: ${doc.warnIfMissing}`, fix: `add ${doc.name}=${exampleFor(doc)}` });
    }
    if (doc.name === 'state' && typeof given === 'string' && /^[a-z]{2}$/.test(given)) {
      warnings.push({ param: 'state', in: doc.in, severity: 'warning', message: `state "${given}" is lower case; the docs use capitals`, fix: `use state=${given.toUpperCase()}`, value: given });
    }
  }
  if (!operation.hasBody && data.body !== undefined) {
    warnings.push({ param: 'body', in: 'body', severity: 'warning', message: `${operation.method} ${operation.path} takes no JSON body; it will not be sent`, fix: 'move the values to query parameters' });
  }
  return { errors, warnings };
}

/** Copies values so coercion by ajv never touches the caller's object; upper-cases a lower-case state. */
function forValidation(data: Params): Params {
  const upper = (v: unknown) => (typeof v === 'string' && /^[a-z]{2}$/.test(v) ? v.toUpperCase() : v);
  const query: Params['query'] = { ...data.query };
  const path: Params['path'] = { ...data.path };
  if (query.state !== undefined) query.state = upper(query.state) as string;
  if (path.state !== undefined) path.state = upper(path.state) as string;
  return { path, query, body: data.body };
}

/** Validates one request's parameters against its operation's compiled schema. */
export function validateWith(validators: OperationValidators, operation: Operation, data: Params): ValidationResult {
  const extra = extraProblems(operation, data);
  const errors = [...extra.errors];
  const copy = forValidation(data);
  if (!validators.params(copy)) {
    const seen = new Set<string>();
    for (const err of validators.params.errors ?? []) {
      const p = toProblem(err, operation, data);
      const id = `${p.in}:${p.param}`;
      // A repeated query value already has its own message; ajv's "must be text" adds nothing.
      if (!seen.has(id) && !errors.some((e) => `${e.in}:${e.param}` === id)) errors.push(p);
      seen.add(id);
    }
  }
  if (validators.body) {
    if (data.body === undefined) {
      errors.push(problem(undefined, 'body', 'body', 'a JSON body is required', 'send a JSON object with --payload'));
    } else if (!validators.body(data.body)) {
      for (const err of validators.body.errors ?? []) {
        errors.push(toProblem({ ...err, instancePath: `/body${err.instancePath}` }, operation, data));
      }
    }
  }
  return {
    operationId: operation.operationId,
    method: operation.method,
    endpoint: operation.path,
    valid: errors.length === 0,
    errors,
    warnings: extra.warnings,
  };
}

export async function validateParams(operation: Operation, data: Params): Promise<ValidationResult> {
  return validateWith(await loadValidators(operation), operation, data);
}
