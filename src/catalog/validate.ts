import { compiledValidator } from './compiled.js';
import { fillPath, nearestName } from './resolve.js';
import type { Operation, ParamDoc, Params, Problem, ProblemKind, ValidationResult } from '../types.js';

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

const cache = new Map<string, OperationValidators>();

/** Loads (once) the compiled validators of one operation. Throws when dist/ was not built. */
export async function loadValidators(operation: Operation): Promise<OperationValidators> {
  let loaded = cache.get(operation.operationId);
  if (!loaded) {
    const id = operation.operationId;
    loaded = {
      params: await compiledValidator<CompiledValidator>(`${id}.params`),
      body: operation.hasBody ? await compiledValidator<CompiledValidator>(`${id}.body`) : null,
    };
    cache.set(id, loaded);
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
  if (doc.name === 'id' || doc.name === 'pid') return '123456';
  if (doc.name.endsWith('lat')) return '30.27';
  if (doc.name.endsWith('lng')) return '-97.74';
  if (doc.type === 'integer' || doc.type === 'number') return doc.name === 'page' || doc.name === 'items' ? '1' : '2';
  if (doc.name === 'city') return 'Austin';
  if (doc.name === 'address') return '"3703 Endicott Dr"';
  if (doc.name === 'neighborhood_id') return '268201';
  return '<value>';
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function problem(kind: ProblemKind, doc: ParamDoc | undefined, name: string, where: Problem['in'], message: string, fix: string, value?: unknown): Problem {
  const p: Problem = { kind, param: name, in: doc?.in ?? where, severity: 'error', message, fix };
  if (value !== undefined) p.value = value;
  return p;
}

/** "/client/city/properties/{state}/{city}" → "/client/city/properties/CA/Austin". */
function examplePath(operation: Operation): string {
  const values = Object.fromEntries(operation.params.filter((p) => p.in === 'path').map((p) => [p.name, exampleFor(p)]));
  return fillPath(operation.path, values);
}

function requiredProblem(operation: Operation, name: string, where: Problem['in']): Problem {
  const doc = operation.params.find((p) => p.name === name && p.in === where);
  const why = name === 'state' ? ': the API answers 404 when it is missing' : '';
  const how = where === 'path' ? `fill {${name}} in the path, e.g. ${examplePath(operation)}` : `add ${name}=${exampleFor(doc)}`;
  return problem('missing', doc, name, where, `${name} is required${why}`, how);
}

/** An error inside the JSON body of a POST: the body schemas only say "a JSON object". */
function bodyProblem(err: AjvError, pointer: string[], body: unknown, docs: ParamDoc[] = []): Problem {
  const at = ['body', ...pointer.map(decodePointer)].join('.');
  if (err.keyword === 'type' && !pointer.length) {
    const got = Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body;
    return problem('type', undefined, 'body', 'body', `the JSON body must be ${describeType(String(err.params.type))}, not ${got}`, 'send a JSON object, e.g. {"key": "value"}', body);
  }
  if (err.keyword === 'required') {
    const name = `${at}.${String(err.params.missingProperty)}`;
    return problem('missing', undefined, name, 'body', `${name} is required`, `add "${String(err.params.missingProperty)}" to the JSON body`);
  }
  const doc = pointer.length === 1 ? docs.find((d) => d.name === decodePointer(pointer[0]!)) : undefined;
  const value = doc && isPlainObject(body) ? body[doc.name] : undefined;
  const got = value === undefined ? '' : ` (got ${show(value)})`;
  if (err.keyword === 'pattern' && doc?.enumIgnoreCase && doc.enum) {
    return problem('enum', undefined, at, 'body', `${at} must be one of: ${doc.enum.join(', ')}${got}`, `use "${doc.name}": "${doc.enum[0]}"`, value);
  }
  if (err.keyword === 'type' && doc) {
    return problem('type', undefined, at, 'body', `${at} must be ${describeType(String(err.params.type))}${got}`, `send ${doc.name} as a JSON ${err.params.type === 'string' ? 'string' : 'number'}`, value);
  }
  return problem('invalid', undefined, at, 'body', `${at} ${err.message ?? 'is invalid'}${got}`, 'fix the JSON body', value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Turns one ajv error on {path, query} into the API's terms. */
function toProblem(err: AjvError, operation: Operation, data: Params): Problem {
  const [, part = '', ...rest] = err.instancePath.split('/');
  const where = (part || 'request') as Problem['in'];
  if (err.keyword === 'required') return requiredProblem(operation, String(err.params.missingProperty), where);
  const name = decodePointer(rest.join('/'));
  const doc = operation.params.find((p) => p.name === name && p.in === part);
  const value = part === 'query' ? data.query[name] : part === 'path' ? data.path[name] : undefined;
  const got = value === undefined ? '' : ` (got ${show(value)})`;
  const fail = (kind: ProblemKind, message: string, fix: string) => problem(kind, doc, name, where, `${name} ${message}${got}`, fix, value);
  switch (err.keyword) {
    case 'enum':
      if (name === 'state' || name.endsWith('_state')) {
        const abroad = operation.params.some((p) => p.name === 'country') ? ', or give country (e.g. country=GB) for a market outside the US' : '';
        return fail('enum', 'must be a two-letter US state code', `use a code such as CA, TX or NY${abroad}`);
      }
      return fail('enum', `must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}`, `use ${name}=${exampleFor(doc)}`);
    case 'type':
      return fail('type', `must be ${describeType(String(err.params.type))}`, `use ${name}=${exampleFor(doc)}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return fail('range', `must be ${err.params.comparison} ${err.params.limit}`, `use a value ${err.params.comparison} ${err.params.limit}`);
    case 'pattern':
      if (doc?.enumIgnoreCase && doc.enum) return fail('enum', `must be one of: ${doc.enum.join(', ')} (any case)`, `use ${name}=${doc.enum[0]}`);
      return fail('format', 'has the wrong format', doc?.description ?? 'see: mashvisor-preflight endpoints');
    case 'minLength':
      return fail('empty', 'must not be empty', `give ${name} a value or leave it out`);
    default:
      return fail('invalid', err.message ?? 'is invalid', doc?.description ?? 'see: mashvisor-preflight endpoints');
  }
}

function warning(kind: ProblemKind, param: string, where: Problem['in'], message: string, fix: string, value?: unknown): Problem {
  const p: Problem = { kind, param, in: where, severity: 'warning', message, fix };
  if (value !== undefined) p.value = value;
  return p;
}

/** Two letters in the wrong case ("ca", "Tx"): the docs write state codes in capitals. */
function isMiscasedState(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z]{2}$/i.test(value) && value !== value.toUpperCase();
}

function unknownQueryWarning(operation: Operation, name: string, data: Params): Problem {
  const elsewhere = operation.params.find((p) => p.name === name && p.in === 'path');
  if (elsewhere) {
    const inPath = data.path[name];
    const inQuery = data.query[name];
    const clash = inPath !== undefined && typeof inQuery === 'string' && inQuery !== inPath ? `, and its query value "${inQuery}" differs from the path's "${inPath}"` : '';
    return warning('misplaced', name, 'query', `${name} is a path parameter of ${operation.path}, not a query parameter${clash}`, `fill {${name}} in the path, e.g. ${examplePath(operation)}`);
  }
  const near = nearestName(name, operation.params.map((p) => p.name));
  return near
    ? warning('misspelled', name, 'query', `${name}: unknown — did you mean ${near}?`, `rename it to ${near}`)
    : { ...warning('unknown', name, 'query', `${name}: unknown parameter for ${operation.operationId}`, `remove it, or see: mashvisor-preflight endpoints ${operation.operationId}`), operationId: operation.operationId };
}

/** Problems ajv cannot see: unknown names, repeated values, a body on a GET, lenient "required", state's case. */
/** Generated docs and Postman exports fill values with type names: <string>, <long>, <integer>, <number>, ... */
const PLACEHOLDER = /^<[A-Za-z][\w -]*>$/;

/** True for a value that is still a documentation placeholder such as "<string>". */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.charCodeAt(0) === 60 && PLACEHOLDER.test(value);
}

function placeholderProblem(doc: ParamDoc | undefined, name: string, where: 'query' | 'path', value: string): Problem {
  return problem('placeholder', doc, name, where, `${name} is still the placeholder "${value}", not a value`, `give ${name} a real value, e.g. ${name}=${exampleFor(doc)}`, value);
}

/**
 * "." and ".." are not values as a path segment: every URL parser drops them (".." takes the segment before it too),
 * so the request would go to another path than the one reported. No API value is a dot or two.
 */
function dotSegmentProblem(operation: Operation, name: string, value: string): Problem {
  const doc = operation.params.find((p) => p.name === name && p.in === 'path');
  const means = value === '.' ? 'the folder itself' : 'the folder above';
  return problem('invalid', doc, name, 'path', `${name} is "${value}", which a URL reads as ${means}: the request would go to another path`, `give ${name} a real value, e.g. ${name}=${exampleFor(doc)}`, value);
}

function extraProblems(operation: Operation, data: Params, wantWarnings = true): { errors: Problem[]; warnings: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  for (const [name, value] of Object.entries(data.query)) {
    const doc = operation.params.find((p) => p.name === name && p.in === 'query');
    if (Array.isArray(value)) errors.push(problem('repeated', doc, name, 'query', `${name} is given ${value.length} times`, `send ${name} once`, value));
    else if (isPlaceholder(value)) errors.push(placeholderProblem(doc, name, 'query', value));
    if (!doc && wantWarnings) warnings.push(unknownQueryWarning(operation, name, data));
  }
  for (const [name, value] of Object.entries(data.path)) {
    if (isPlaceholder(value)) errors.push(placeholderProblem(operation.params.find((p) => p.name === name && p.in === 'path'), name, 'path', value));
    else if (value === '.' || value === '..') errors.push(dotSegmentProblem(operation, name, value));
  }
  if (!wantWarnings) return { errors, warnings };
  for (const name of Object.keys(data.path)) {
    if (!operation.params.some((p) => p.name === name && p.in === 'path')) {
      warnings.push(warning('unknown', name, 'path', `${name}: not a path parameter of ${operation.path}`, 'remove it'));
    }
  }
  for (const doc of operation.params) {
    const given = doc.in === 'path' ? data.path[doc.name] : data.query[doc.name];
    const listed = typeof given === 'string' ? listedValueWarning(doc, given) : null;
    if (listed) warnings.push(listed);
    if (doc.warnIfMissing && given === undefined) {
      warnings.push(warning('missing', doc.name, doc.in, `${doc.name} is missing: ${doc.warnIfMissing}`, `add ${doc.name}=${exampleFor(doc)}`));
    }
    if (doc.name === 'state' && isMiscasedState(given)) {
      warnings.push(warning('case', 'state', doc.in, `state "${given}" is not in capitals, as the docs write it`, `use state=${given.toUpperCase()}`, given));
    }
  }
  warnings.push(...levelWarnings(operation, data));
  if (!operation.hasBody && data.body !== undefined) {
    warnings.push(warning('not-sent', 'body', 'body', `${operation.method} ${operation.path} takes no JSON body; it will not be sent`, 'move the values to query parameters'));
  }
  return { errors, warnings };
}

function quoteSource(doc: ParamDoc): string {
  return doc.source ? ` (${doc.source})` : '';
}

/**
 * x-warn-enum and x-warn-pattern: values a source names or a form it describes without the API's docs enforcing
 * them. Breaking them is a warning only: a false error would block a request the API may well accept.
 */
function listedValueWarning(doc: ParamDoc, value: string): Problem | null {
  if (doc.warnEnum && !doc.warnEnum.includes(value)) {
    const sameButCase = doc.warnEnum.find((v) => v.toLowerCase() === value.toLowerCase());
    const fix = sameButCase ? `write it as ${doc.name}=${sameButCase}` : `use one of: ${doc.warnEnum.join(', ')}`;
    return warning('unlisted', doc.name, doc.in, `${doc.name} "${value}" is not one of the listed values: ${doc.warnEnum.join(', ')}${quoteSource(doc)}`, fix, value);
  }
  if (doc.warnPattern && !new RegExp(doc.warnPattern.pattern, 'u').test(value)) {
    return warning('unlisted', doc.name, doc.in, `${doc.name} "${value}" is not ${doc.warnPattern.expect}${quoteSource(doc)}`, `check ${doc.name}; the API may misread it`, value);
  }
  return null;
}

/** x-warn-levels: a calculator's search level names the parameters it takes; the missing ones are named. */
function levelWarnings(operation: Operation, data: Params): Problem[] {
  const out: Problem[] = [];
  const given = (name: string) => data.query[name] !== undefined || data.path[name] !== undefined;
  for (const level of operation.levels ?? []) {
    if (!level.when.some(given)) continue;
    const missing = level.needs.filter((name) => !given(name));
    if (!missing.length) continue;
    out.push(warning('missing', missing.join(','), 'query', `a lookup by ${level.level} takes ${level.needs.join(', ')}: ${missing.join(', ')} missing`,
      `add ${missing.map((name) => `${name}=${exampleFor(operation.params.find((p) => p.name === name))}`).join(' ')}`));
  }
  return out;
}

/** Copies values so coercion by ajv never touches the caller's object; a miscased state is checked as capitals (it has its own warning). */
function forValidation(data: Params): Params {
  const upper = <T>(v: T): T => (isMiscasedState(v) ? (v.toUpperCase() as T) : v);
  const query: Params['query'] = { ...data.query };
  const path: Params['path'] = { ...data.path };
  if (query.state !== undefined) query.state = upper(query.state);
  if (path.state !== undefined) path.state = upper(path.state);
  return { path, query, body: data.body };
}

/** How the input sent the request, when it came from one (curl, HAR, collection): its method and what set it. */
export interface RequestForm {
  method?: string;
  methodFrom?: string;
}

/** What to change in the input so that it sends the documented method. */
function methodFix(operation: Operation, methodFrom: string | undefined): string {
  const want = operation.method;
  if (methodFrom?.startsWith('-d/--data')) return want === 'GET' ? 'add -G so that curl puts the data in the URL and sends GET' : `send ${want}`;
  if (methodFrom?.startsWith('-X')) return `use -X ${want} (or drop -X)`;
  if (methodFrom?.startsWith('-I')) return `drop -I/--head: the API answers ${want}`;
  if (methodFrom?.startsWith('--json')) return `use -G with --data instead of --json, so that curl sends ${want}`;
  return `send it as ${want}`;
}

/**
 * The method the input used against the one the API documents for the path. Another method gets a 404 (or
 * worse, is read differently), so it is an error: nothing is sent unless --send-anyway.
 */
export function methodProblem(operation: Operation, form: RequestForm | undefined): Problem | null {
  const method = form?.method?.toUpperCase();
  if (!method || method === operation.method) return null;
  const cause = form?.methodFrom ? ` (set by ${form.methodFrom})` : '';
  return {
    kind: 'method', param: 'method', in: 'request', severity: 'error', value: method,
    message: `the request is ${method}${cause}, but the API documents only ${operation.method} for ${operation.path}`,
    fix: `${methodFix(operation, form?.methodFrom)}; --send-anyway sends it as ${method}`,
  };
}

/** Validates one request's parameters against its operation's compiled schema. */
export function validateWith(validators: OperationValidators, operation: Operation, data: Params, form?: RequestForm, errorsOnly = false): ValidationResult {
  // errorsOnly (validate --batch): the warnings are not shown there, and working them out per line costs memory.
  const extra = extraProblems(operation, data, !errorsOnly);
  const wrongMethod = methodProblem(operation, form);
  const errors = wrongMethod ? [wrongMethod, ...extra.errors] : [...extra.errors];
  // With another method the body is sent as it is; the method error says what to change.
  if (wrongMethod) extra.warnings = extra.warnings.filter((w) => w.param !== 'body');
  const copy = forValidation(data);
  if (!validators.params(copy)) {
    const seen = new Set<string>();
    for (const err of validators.params.errors ?? []) {
      // An if/then/else (state checked against the US list only in the US) fails with its branch's own error too.
      if (err.keyword === 'if') continue;
      const p = toProblem(err, operation, data);
      const id = `${p.in}:${p.param}`;
      // A repeated query value already has its own message; ajv's "must be text" adds nothing.
      if (!seen.has(id) && !errors.some((e) => `${e.in}:${e.param}` === id)) errors.push(p);
      seen.add(id);
    }
  }
  if (validators.body) {
    if (data.body === undefined) {
      errors.push(problem('missing', undefined, 'body', 'body', 'a JSON body is required', 'send a JSON object with --payload'));
    } else if (!validators.body(data.body)) {
      for (const err of validators.body.errors ?? []) {
        errors.push(bodyProblem(err, err.instancePath.split('/').slice(1), data.body, operation.bodyParams));
      }
    }
  }
  const inBody = bodyNames(operation, data.body);
  const moved = (p: Problem) => (inBody.has(p.param) && p.in === 'query' && p.fix.startsWith(`add ${p.param}=`) ? inBodyProblem(p, operation, form) : p);
  return {
    operationId: operation.operationId,
    method: operation.method,
    endpoint: operation.path,
    valid: errors.length === 0,
    errors: errors.map(moved),
    warnings: extra.warnings.map(moved),
  };
}

/** The names a GET request carries in its body (curl -d state=CA without -G): the API reads none of them. */
function bodyNames(operation: Operation, body: unknown): Set<string> {
  if (operation.hasBody || body === undefined) return new Set();
  if (isPlainObject(body)) return new Set(Object.keys(body));
  return typeof body === 'string' ? new Set(new URLSearchParams(body).keys()) : new Set();
}

/** "add state=CA" would name a value the request already has, in the wrong place: say where it is instead. */
function inBodyProblem(p: Problem, operation: Operation, form?: RequestForm): Problem {
  const where = form?.methodFrom?.startsWith('-d/--data') ? 'in the -d data' : 'in the request body';
  return { ...p, message: `${p.param} is ${where}, but the API reads it only from the query string`,
    fix: form?.methodFrom ? methodFix(operation, form.methodFrom) : `move ${p.param} to the query string` };
}

export async function validateParams(operation: Operation, data: Params, form?: RequestForm): Promise<ValidationResult> {
  return validateWith(await loadValidators(operation), operation, data, form);
}
