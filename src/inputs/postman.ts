// Postman collections (v2.0 and v2.1) and environments: every request, with {{variables}} resolved and auth applied
// the way Postman would send them.
import { createRequire } from 'node:module';
import type * as PostmanSdk from 'postman-collection';
import { InputError, findHeader, setHeader, type RawRequest } from './raw.js';

export interface CollectionAuth {
  key: string;
  in: 'header' | 'query';
  value: string;
}

export interface LoadedCollection {
  name: string;
  requests: RawRequest[];
  /** The collection's api-key auth (or, when the collection has none, the first request's), resolved. */
  auth: CollectionAuth | null;
  /** {{names}} no variable source could resolve, sorted. */
  unresolved: string[];
}

export interface LoadOptions {
  /** A Postman environment export: { name, values: [{ key, value, enabled }] }. */
  env?: unknown;
  /** --var name=value pairs; they win over the environment and the collection. */
  vars?: Record<string, string>;
}

type Sdk = typeof PostmanSdk;
type VariableSource = Record<string, unknown>;

// postman-collection takes a quarter of a second to load: only commands that read a collection pay for it.
let sdkCache: Sdk | null = null;
function sdk(): Sdk {
  if (!sdkCache) sdkCache = createRequire(import.meta.url)('postman-collection') as Sdk;
  return sdkCache;
}

const VARIABLE = /{{([^{}]*?)}}/g;

/**
 * Some exporters write a request's URL as an object holding only `raw` (no host, no path); the SDK reads the parsed
 * fields and would lose it. Such a URL is given to the SDK as its raw text. The input itself is not changed.
 */
function withRawUrls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withRawUrls);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withRawUrls(v);
  const url = out.url as { raw?: unknown; host?: unknown; path?: unknown } | undefined;
  if (url && typeof url === 'object' && !Array.isArray(url) && typeof url.raw === 'string' && url.host === undefined && url.path === undefined) out.url = url.raw;
  return out;
}

/**
 * The SDK holds every item several times over: 500 small requests took a run from 69 to 86 MiB, 1000 to 106 MiB, and
 * 200,000 ran out of stack. Above these the collection is refused, naming the limit, to keep a run within 100 MiB.
 */
export const MAX_COLLECTION_ITEMS = 400;
/** Folders inside folders: the SDK and the walk below recurse once a level. */
export const MAX_COLLECTION_DEPTH = 16;

/** Counts requests and folder levels without recursion, stopping at the first limit passed. */
function checkCollectionBounds(items: unknown[]): void {
  const stack: Array<{ list: unknown[]; depth: number }> = [{ list: items, depth: 1 }];
  let count = 0;
  while (stack.length) {
    const { list, depth } = stack.pop()!;
    if (depth > MAX_COLLECTION_DEPTH) throw new InputError(`folders are nested more than ${MAX_COLLECTION_DEPTH} levels deep (the limit)`);
    for (const entry of list) {
      const sub = isObject(entry) ? (entry as { item?: unknown }).item : undefined;
      if (Array.isArray(sub)) stack.push({ list: sub, depth: depth + 1 });
      else if (++count > MAX_COLLECTION_ITEMS) throw new InputError(`more than ${MAX_COLLECTION_ITEMS} requests (the limit, to keep a run within 100 MiB); split the collection`);
    }
  }
}

export function loadCollection(json: unknown, options: LoadOptions = {}): LoadedCollection {
  checkCollectionShape(json);
  checkCollectionBounds((json as { item: unknown[] }).item);
  grown = 0;
  const { Collection } = sdk();
  const collection = new Collection(withRawUrls(json) as PostmanSdk.CollectionDefinition);
  // Highest precedence first: --var, then the environment, then the collection's own variables.
  const sources: VariableSource[] = [
    { ...(options.vars ?? {}) },
    environmentValues(options.env),
    collectionValues(json as { variable?: unknown }),
  ];
  const unresolved = new Set<string>();
  const requests: RawRequest[] = [];
  let firstItemAuth: CollectionAuth | null = null;

  const walk = (group: PostmanSdk.ItemGroup<PostmanSdk.Item>, prefix: string[]): void => {
    group.items.each((child: PostmanSdk.Item | PostmanSdk.ItemGroup<PostmanSdk.Item>) => {
      const name = [...prefix, child.name ?? ''];
      if (sdk().ItemGroup.isItemGroup(child)) {
        walk(child as PostmanSdk.ItemGroup<PostmanSdk.Item>, name);
        return;
      }
      const { request, auth } = readItem(child as PostmanSdk.Item, sources, unresolved);
      request.name = name.join(' / ');
      request.index = requests.length + 1;
      requests.push(request);
      if (auth && !firstItemAuth) firstItemAuth = auth;
    });
  };
  walk(collection as unknown as PostmanSdk.ItemGroup<PostmanSdk.Item>, []);

  const collectionAuth = readApiKeyAuth((collection as unknown as { auth?: PostmanSdk.RequestAuth }).auth, sources, unresolved);
  return {
    name: String((json as { info: { name?: unknown } }).info.name ?? ''),
    requests,
    auth: collectionAuth ?? firstItemAuth,
    unresolved: [...unresolved].sort(),
  };
}

function checkCollectionShape(json: unknown): void {
  if (!isObject(json)) throw new InputError('not a Postman collection: expected a JSON object');
  const c = json as { info?: unknown; item?: unknown; requests?: unknown; order?: unknown };
  if (!isObject(c.info) && Array.isArray(c.requests)) {
    throw new InputError('this is a Postman collection in the old v1 format; export it again as Collection v2.1');
  }
  if (!isObject(c.info) || !Array.isArray(c.item)) {
    throw new InputError('not a Postman collection: it needs "info" and an "item" list (export as Collection v2.1)');
  }
  const schema = (c.info as { schema?: unknown }).schema;
  if (typeof schema === 'string' && !/\/v2\.[01]\.\d+\//.test(schema)) {
    throw new InputError('unsupported Postman collection schema; export it as Collection v2.0 or v2.1');
  }
}

function collectionValues(json: { variable?: unknown }): VariableSource {
  const out: VariableSource = {};
  if (!Array.isArray(json.variable)) return out;
  for (const v of json.variable as Array<{ key?: unknown; id?: unknown; value?: unknown; disabled?: unknown }>) {
    if (!isObject(v) || v.disabled === true) continue;
    const key = typeof v.key === 'string' ? v.key : typeof v.id === 'string' ? v.id : null;
    if (key !== null && v.value !== undefined && v.value !== null) out[key] = String(v.value);
  }
  return out;
}

function environmentValues(env: unknown): VariableSource {
  const out: VariableSource = {};
  if (env === undefined || env === null) return out;
  const values = isObject(env) ? (env as { values?: unknown }).values : undefined;
  if (!Array.isArray(values)) throw new InputError('not a Postman environment: it has no "values" list');
  for (const v of values as Array<{ key?: unknown; value?: unknown; enabled?: unknown }>) {
    if (!isObject(v) || typeof v.key !== 'string' || v.enabled === false) continue;
    if (v.value !== undefined && v.value !== null) out[v.key] = String(v.value);
  }
  return out;
}

function substitute(text: string, sources: VariableSource[], unresolved: Set<string>): string {
  const out = expandVariables(text, sources);
  for (const m of out.matchAll(VARIABLE)) unresolved.add(m[1]);
  return out;
}

/** Postman's own limit: a value is substituted again at most this many times (variables holding variables). */
const MAX_PASSES = 19;
/** How much substitution may add to one value. Nested variables grow a value exponentially (a 2.3 KB collection
 * would expand to gigabytes); no real URL, header or body grows by a megabyte through its variables. */
export const MAX_VARIABLE_GROWTH = 1024 * 1024;

/**
 * {{name}} replaced as Postman does (the first source that has the name wins; the result is substituted again while
 * something was replaced, up to MAX_PASSES times), but refused as soon as the value would grow by more than
 * MAX_VARIABLE_GROWTH: the size is counted while replacing, before a larger string is built.
 */
/** ...and the whole collection's requests by more than this, over all their values. */
const MAX_TOTAL_GROWTH = 8 * 1024 * 1024;
let grown = 0;

function expandVariables(text: string, sources: VariableSource[]): string {
  if (!text.includes('{{')) return text;
  const start = text.length;
  let out = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let size = out.length;
    let matched = false;
    out = out.replace(VARIABLE, (whole, name: string) => {
      matched = true;
      const value = lookup(name, sources);
      if (value === undefined) return whole;
      size += value.length - whole.length;
      if (size - start > MAX_VARIABLE_GROWTH) {
        throw new InputError(`the collection's variables expand one value by more than 1 MiB ({{${name.slice(0, 40)}}} and the variables it holds): check for variables that repeat or nest each other`);
      }
      return value;
    });
    if (!matched) break;
  }
  grown += Math.max(0, out.length - start);
  if (grown > MAX_TOTAL_GROWTH) {
    throw new InputError('the collection\'s variables expand its requests by more than 8 MiB in all: check for variables that repeat or nest each other');
  }
  return out;
}

function lookup(name: string, sources: VariableSource[]): string | undefined {
  for (const source of sources) if (Object.hasOwn(source, name)) return String(source[name]);
  // Postman's dynamic variables ({{$guid}}, {{$timestamp}}...): one token, which the SDK resolves or leaves as is.
  if (!name.startsWith('$')) return undefined;
  const token = `{{${name}}}`;
  const value = sdk().Property.replaceSubstitutions(token, []);
  return value === token ? undefined : value;
}

/** Every string in a request definition substituted (keys are not), as the SDK's replaceSubstitutionsIn does. */
function substituteIn(value: unknown, sources: VariableSource[]): unknown {
  if (typeof value === 'string') return expandVariables(value, sources);
  if (Array.isArray(value)) return value.map((v) => substituteIn(v, sources));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = substituteIn(v, sources);
  return out;
}

function readItem(
  item: PostmanSdk.Item, sources: VariableSource[], unresolved: Set<string>,
): { request: RawRequest; auth: CollectionAuth | null } {
  const { Request } = sdk();
  const notes: string[] = [];
  const own = new Set<string>();
  // Postman resolves variables in the request definition first, then builds the URL from it (path variables
  // like :id come from url.variable, disabled query parameters are left out).
  const json = substituteIn(item.request.toJSON(), sources);
  const resolved = new Request(json as PostmanSdk.RequestDefinition);
  let url = resolved.url.toString();
  collect(url, own);

  const headers: Record<string, string> = {};
  resolved.headers.each((h: PostmanSdk.Header) => {
    if (h.disabled || !h.key) return;
    const value = h.value == null ? '' : String(h.value);
    collect(h.key + value, own);
    setHeader(headers, h.key, value, notes);
  });

  const body = readBody(resolved, headers, notes);
  if (body !== null) collect(body, own);

  // Auth set on the request, or inherited from its folders and the collection.
  const authDef = item.getAuth() as PostmanSdk.RequestAuth | undefined;
  let apiKey: CollectionAuth | null = null;
  if (authDef) {
    const params = authDef.parameters().toObject() as Record<string, unknown>;
    const param = (name: string): string => substitute(String(params[name] ?? ''), sources, own);
    switch (authDef.type) {
      case 'apikey': {
        apiKey = apiKeyFrom(params, sources, own);
        if (apiKey.in === 'query') {
          url = appendQueryParam(url, apiKey.key, apiKey.value);
        } else if (findHeader(headers, apiKey.key) === undefined) {
          headers[apiKey.key] = apiKey.value;
        } else {
          notes.push(`header ${apiKey.key} is set on the request, so the api-key auth does not add it`);
        }
        break;
      }
      case 'bearer':
        if (findHeader(headers, 'Authorization') === undefined) headers.Authorization = `Bearer ${param('token')}`;
        break;
      case 'basic':
        if (findHeader(headers, 'Authorization') === undefined) {
          const credentials = `${param('username')}:${param('password')}`;
          headers.Authorization = 'Basic ' + Buffer.from(credentials, 'utf8').toString('base64');
        }
        break;
      case 'noauth':
        break;
      default:
        notes.push(`Postman auth type "${authDef.type}" is not applied; the Mashvisor API takes an x-api-key header`);
    }
  }

  for (const name of own) unresolved.add(name);
  if (own.size > 0) notes.push(`unresolved variables: ${[...own].sort().join(', ')}`);
  const method = (resolved.method || 'GET').toUpperCase();
  const request: RawRequest = { method, url, headers, body, methodFrom: `the collection request's method (${method})` };
  if (notes.length > 0) request.notes = notes;
  return { request, auth: apiKey };
}

function collect(text: string, into: Set<string>): void {
  for (const m of text.matchAll(VARIABLE)) into.add(m[1]);
}

function readBody(request: PostmanSdk.Request, headers: Record<string, string>, notes: string[]): string | null {
  const body = request.body as (PostmanSdk.RequestBody & { graphql?: { query?: string; variables?: unknown }; disabled?: boolean; options?: unknown }) | undefined;
  if (!body || body.disabled || !body.mode) return null;
  const setType = (type: string): void => {
    if (findHeader(headers, 'Content-Type') === undefined) headers['Content-Type'] = type;
  };
  switch (body.mode) {
    case 'raw': {
      if (!body.raw) return null;
      const language = (body.options as { raw?: { language?: string } } | undefined)?.raw?.language;
      // Postman adds the Content-Type matching the body's language when the request sets none.
      if (language === 'json') setType('application/json');
      return body.raw;
    }
    case 'urlencoded': {
      const pairs: string[] = [];
      body.urlencoded?.each((p: PostmanSdk.QueryParam) => {
        if (p.disabled || !p.key) return;
        pairs.push(`${encodeURIComponent(p.key)}=${encodeURIComponent(p.value ?? '')}`);
      });
      setType('application/x-www-form-urlencoded');
      return pairs.join('&');
    }
    case 'graphql':
      setType('application/json');
      return JSON.stringify({ query: body.graphql?.query ?? '', variables: body.graphql?.variables });
    default:
      notes.push(`a "${body.mode}" body is not supported and was left out; the Mashvisor API takes a JSON body`);
      return null;
  }
}

function apiKeyFrom(params: Record<string, unknown>, sources: VariableSource[], unresolved: Set<string>): CollectionAuth {
  const key = substitute(String(params.key ?? ''), sources, unresolved);
  const value = substitute(String(params.value ?? ''), sources, unresolved);
  const where = String(params.in ?? 'header');
  return { key, value, in: where === 'query' ? 'query' : 'header' };
}

function readApiKeyAuth(
  auth: PostmanSdk.RequestAuth | undefined, sources: VariableSource[], unresolved: Set<string>,
): CollectionAuth | null {
  if (!auth || auth.type !== 'apikey') return null;
  return apiKeyFrom(auth.parameters().toObject() as Record<string, unknown>, sources, unresolved);
}

function appendQueryParam(url: string, key: string, value: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const tail = hash >= 0 ? url.slice(hash) : '';
  const sep = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
  return `${base}${sep}${encodeQueryPart(key)}=${encodeQueryPart(value)}${tail}`;
}

// As Postman encodes query values: only what would break the query apart, so {{unresolved}} stays readable.
function encodeQueryPart(text: string): string {
  return text.replace(/[ "#&'<=>]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
