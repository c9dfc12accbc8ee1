// The one request builder. Flags, payload files, curl, HAR, Postman, the library and the interceptor all describe
// a request differently; each is turned into a RequestSpec here, with one rule for the mode, one for the key, and
// one list of the secrets the request carries (filled from every place a credential can sit).
import { UsageError } from '../shared/errors.js';

/** The key would go where the user did not send it, or is a placeholder: the whole run stops, nothing sent (exit 2). */
export class RefusedError extends UsageError {}
import { keyCarriedBy } from './key-place.js';
import { findHeader } from '../inputs/raw.js';
import { DIRECT_BASE_URL, DIRECT_HOST, RAPIDAPI_BASE_URL, RAPIDAPI_HOST } from '../catalog/hosts.js';
import { fillPath, resolveEndpoint, type ResolvedEndpoint } from '../catalog/resolve.js';
import { bareCredential, headersSecrets, isPlaceholderKey, isReference, paramSecrets, proxySecrets, urlSecrets } from '../shared/secrets.js';
import { isPlainObject, mergeParams, paramsFromPayload } from './params.js';
import { isShownPlaceholder } from '../shared/placeholder.js';
import { MAX_HEADER_BYTES, MAX_HEADERS, isMethodToken } from '../inputs/raw.js';
import type { KeySource, Mode, Params, RequestSpec } from '../types.js';

export interface RequestInput {
  /** For the report: 'flags', 'curl', 'har#3', 'collection#2', 'library', 'interceptor'. */
  origin: string;
  /** An operationId, a path or a full URL (query, userinfo and base URL taken from it). */
  endpoint: string;
  /** Flat parameters or { query, path, body } (a payload file, the library's params), and where they came from. */
  payload?: { value: unknown; source: string };
  /** --param name=value flags; they win over everything else. */
  paramFlags?: string[];
  /** The body as a recorded request carried it: JSON text is parsed, anything else kept as text. */
  body?: unknown;
  /** Headers exactly as the user's request carried them (curl, HAR, collection, library, interceptor). */
  inputHeaders?: Record<string, string>;
  /** Headers added on top (--header, the library's options.headers). */
  extraHeaders?: Record<string, string>;
  /** A key given apart from the request: --key, --key-file, MASHVISOR_API_KEY, the library's key. */
  key?: { key?: string; keySource?: KeySource };
  baseUrl?: string;
  rapidapi?: boolean;
  /** Values the input says are credentials though their place would not tell (a Postman apikey auth header). */
  secrets?: string[];
  /** Where proxy settings are read from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** "$MASHVISOR_API_KEY" copied from a doc: its value, when the caller can tell it. */
  expand?: (value: string) => string;
  /** The method the input used (curl, HAR, collection), and what in the input set it, for messages. */
  method?: string;
  methodFrom?: string;
  /** A curl command's variables were expanded as its shell would; "shell" names the input in the key note. */
  shellExpanded?: boolean;
  /** A key header whose value was only unset shell variables: the command as run sends no key. */
  unsetKey?: { header: string; variables: string[] };
  /**
   * What chose the endpoint URL's host when a file did ("the curl command", "HAR entry 3", "the collection"): that
   * host never receives the user's key unless the user names it (--base-url). Unset: the user typed it.
   */
  hostFrom?: string;
  /** A base URL a file holds (a saved report's), used when --base-url is not given; chosen by `hostFrom`. */
  savedBaseUrl?: string;
  /** This tool is about to send the request: the destination and placeholder rules apply (exit 2, nothing sent). */
  send?: boolean;
  /** --allow-http: the user means to send their key over plain http off loopback. */
  allowHttp?: boolean;
}

export function isRapidApiUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === 'rapidapi.com' || host.endsWith('.rapidapi.com');
  } catch {
    return url.includes(RAPIDAPI_HOST);
  }
}

/**
 * The one mode rule: --rapidapi; else a RapidAPI host (the base URL given, or the endpoint URL's); else the form
 * of a full URL's path (/client/... is direct, a RapidAPI path is not); else RapidAPI headers; else direct.
 */
export function modeFor(input: { rapidapi?: boolean; baseUrl?: string; resolved: ResolvedEndpoint; headers: Record<string, string> }): Mode {
  if (input.rapidapi) return 'rapidapi';
  const base = input.baseUrl ?? input.resolved.baseUrl;
  if (base && isRapidApiUrl(base)) return 'rapidapi';
  if (input.resolved.baseUrl && input.resolved.mode) return input.resolved.mode;
  const carriesRapidApi = ['x-rapidapi-key', 'x-rapidapi-host'].some((h) => findHeader(input.headers, h) !== undefined);
  return carriesRapidApi ? 'rapidapi' : 'direct';
}

function parsedBody(body: unknown): unknown {
  if (typeof body !== 'string') return body === null ? undefined : body;
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body; // the body validator will say it is not a JSON object
  }
}

/** What --key, --key-file or MASHVISOR_API_KEY is called in a sentence. */
const OTHER_KEY: Record<string, string> = { flag: '--key', file: '--key-file', env: 'MASHVISOR_API_KEY' };

type ChosenKey = { key?: string; keySource?: KeySource; keyNote?: string; replaces?: boolean; fromUser?: boolean };

/**
 * A key written in the input is still the user's own when it came from them: a variable expanded from this
 * environment ("$MASHVISOR_API_KEY" in a curl command someone sent), or the very key they gave.
 */
function isUsersKey(carried: string, raw: string, input: RequestInput): boolean {
  if (carried !== raw || carried === input.key?.key) return true;
  const env = input.env ?? process.env;
  return Object.values(env).some((v) => v !== undefined && v.length >= 6 && v === carried);
}

/** Longer text is cut at a word boundary, with an ellipsis: a name cut mid-word reads as a different name. */
function shortText(text: string, max = 64): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > 0 ? cut.slice(0, space) : cut}…`;
}

/** A key as a message may name it: a placeholder as written (control characters escaped), else only what it is. */
function placeholderText(value: string): string {
  const bare = bareCredential(value);
  if (bare === '') return 'empty';
  if (bare.includes('[REDACTED')) return 'a mask left by redaction';
  return isShownPlaceholder(value) ? `the placeholder ${JSON.stringify(shortText(bare))}` : 'a placeholder';
}

/**
 * The key to judge: the one written in the user's request, because that is what their command sends; the one given
 * apart (--key, --key-file, the environment) only when the request carries none (or only unset variables); else an
 * x-api-key given with -H. When the input and an option both have one and differ, or the request's variable was
 * unset, keyNote says which one was used and why.
 */
function keyOf(input: RequestInput, resolved: ResolvedEndpoint): ChosenKey {
  const expand = input.shellExpanded ? (v: string) => v : (input.expand ?? ((v: string) => v));
  const given = input.key ?? {};
  const otherName = OTHER_KEY[given.keySource ?? ''] ?? 'the key option';
  const carriedRaw = input.inputHeaders ? keyCarriedBy(input.inputHeaders, resolved.query) : undefined;
  const carried = carriedRaw === undefined ? undefined : expand(carriedRaw);
  const written = `the key written in the ${input.shellExpanded ? 'curl command' : 'input'}`;
  // A placeholder is never sent as a key: said, and another key used where there is one, else the run stops.
  const skipped: string[] = [];
  const other = given.key !== undefined && isPlaceholderKey(given.key) ? (skipped.push(`${otherName} is ${placeholderText(given.key)}`), {}) : given;
  if (carried !== undefined && isPlaceholderKey(carried)) skipped.push(`${written} is ${placeholderText(carried)}`);
  const real = carried !== undefined && !skipped.some((s) => s.startsWith(written)) ? carried : undefined;
  const skipNote = skipped.length ? `${skipped.join('; ')}, not a key` : '';
  // Offline (--offline, a HAR's entries judged) nothing is sent: the notes say what would be.
  const sent = input.send ? 'is sent' : 'would be sent';
  if (real !== undefined && real.trim() !== '') {
    // The key the user gives on this command line is the one they mean: it wins over one a file holds.
    if (other.key !== undefined && other.key !== real) return { ...other, replaces: true, keyNote: `the key from ${otherName} ${sent} in place of ${written}` };
    return { key: real, keySource: 'input', fromUser: isUsersKey(real, carriedRaw!, input), ...(skipNote ? { keyNote: `${skipNote}: ${written} ${sent}` } : {}) };
  }
  if (other.key !== undefined && carried !== undefined) return { ...other, replaces: true, keyNote: `${skipNote}: the key from ${otherName} ${sent} in its place` };
  // Nothing is sent by this run (offline, the library's own checks): the auth check names the placeholder.
  if (skipNote && !input.send) {
    if (given.key !== undefined && other.key === undefined) return { ...given, keyNote: skipNote };
    if (carried !== undefined && carried.trim() !== '') return { key: carried, keySource: 'input' };
  }
  if (skipNote && input.send) throw new RefusedError(`${skipNote}. Nothing was sent; give your key with --key-file FILE, MASHVISOR_API_KEY or --key`);
  if (input.unsetKey) {
    const names = input.unsetKey.variables.map((n) => '$' + n).join(', ');
    const unsetText = `the command's ${input.unsetKey.header} header is ${names}, which is not set here, so the command as run sends no key`;
    return other.key !== undefined ? { ...other, keyNote: `${unsetText}; the key from ${otherName} ${sent} instead` } : { keyNote: unsetText };
  }
  if (other.key !== undefined) return other;
  const fromHeader = Object.entries(input.extraHeaders ?? {}).find(([name]) => /^(x-api-key|x-rapidapi-key)$/i.test(name));
  return fromHeader ? { key: expand(fromHeader[1]), keySource: 'flag' } : {};
}

/**
 * A value written in the concrete path and given again (--param, --payload) with another value: sending either
 * would not be the request the user wrote, so it is refused, naming both.
 */
export function pathConflict(fromPath: Record<string, string>, merged: Record<string, string>, endpoint: string): string | null {
  for (const [name, written] of Object.entries(fromPath)) {
    const given = merged[name];
    if (given !== undefined && given !== written) {
      return `${name} is ${JSON.stringify(written)} in the path (${endpoint}) but ${JSON.stringify(given)} as a parameter: give it once, in the path or as ${name}=...`;
    }
  }
  return null;
}

/** The user's key put where the input carried its own (same header or parameter, so the request's form is kept). */
function withKeyReplaced(headers: Record<string, string>, query: Params['query'], key: string): Record<string, string> {
  const out = { ...headers };
  const named = Object.keys(out).find((n) => /^(x-api-key|x-rapidapi-key)$/i.test(n));
  const auth = Object.keys(out).find((n) => n.toLowerCase() === 'authorization' && /^bearer\s/i.test(out[n]!));
  if (named) out[named] = key;
  else if (auth) out[auth] = `Bearer ${key}`;
  else {
    const misnamed = Object.keys(out).find((n) => keyCarriedBy({ [n]: out[n]! }, {}) !== undefined);
    if (misnamed) out[misnamed] = key;
    else for (const name of Object.keys(query)) if (keyCarriedBy({}, { [name]: query[name] }) !== undefined) query[name] = key;
  }
  return out;
}

/** Hosts that are the Mashvisor API: direct, or through the RapidAPI gateway. */
export function isMashvisorHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === DIRECT_HOST || h === RAPIDAPI_HOST;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The one destination rule. The user's key (a flag, a key file, the environment) goes to a Mashvisor host or to
 * the host the user named on this command line, never to one a file chose; and over plain http only to loopback,
 * unless --allow-http says the user means it. The message names the host and how to allow it.
 */
export function destinationProblem(d: { baseUrl: string; userKey: boolean; anyKey: boolean; chosenBy?: string; allowHttp?: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(d.baseUrl);
  } catch {
    return null; // not a URL: the exchange fails before anything leaves
  }
  const root = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  if (d.userKey && d.chosenBy && !isMashvisorHost(url.hostname)) {
    return `${d.chosenBy} sends to ${url.host}, which is not a Mashvisor host: your key goes only to a Mashvisor host or the one you name. Nothing was sent; to send your key there, pass --base-url ${root}`;
  }
  if (d.anyKey && url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !d.allowHttp) {
    return `the key would travel over plain http to ${url.host}, readable on the way. Nothing was sent; use https, or pass --allow-http if you mean it`;
  }
  return null;
}

/** Every value in the request that is a credential, wherever it sits. */
export function secretsOfRequest(spec: RequestSpec, extraHeaders: Record<string, string> = {}, env?: Record<string, string | undefined>): string[] {
  const found = new Set<string>(spec.secrets ?? []);
  const add = (values: string[]) => values.forEach((v) => found.add(v));
  if (spec.key) add([spec.key, spec.key.trim(), bareCredential(spec.key)]);
  add(headersSecrets(spec.inputHeaders));
  add(headersSecrets(extraHeaders));
  add(urlSecrets(spec.baseUrl));
  add(paramSecrets(spec.params.query));
  add(paramSecrets(spec.params.body));
  add(proxySecrets(env));
  return [...found].filter((v) => v !== '' && !isReference(v));
}

/** Every input's headers are bounded here, before anything walks them: 10,000 headers cost seconds at each step. */
export function checkHeaderBounds(origin: string, ...lists: Array<Record<string, string> | undefined>): void {
  let count = 0;
  let bytes = 0;
  for (const headers of lists) {
    for (const name in headers) {
      count++;
      bytes += name.length + String(headers[name]).length + 4;
    }
  }
  const what = origin === 'library' ? 'the request' : `${origin}: the request`;
  if (count > MAX_HEADERS) throw new UsageError(`${what} has ${count} headers, more than the ${MAX_HEADERS} any server accepts`);
  if (bytes > MAX_HEADER_BYTES) throw new UsageError(`${what}'s headers are over 64 KiB, more than any server accepts`);
}

/**
 * The parameters of a request, in layers: what the endpoint string carries (path values, URL query), then the
 * payload, the recorded body, the --param flags. A path value written in the endpoint and given again with another
 * value is refused. `validate --batch` runs every line through this too, so a line is judged as one request is.
 */
export function requestParams(resolved: ResolvedEndpoint, input: Pick<RequestInput, 'endpoint' | 'payload' | 'body' | 'paramFlags'>): Params {
  const layers: Params[] = [{ path: resolved.path, query: resolved.query }];
  if (input.payload !== undefined) layers.push(paramsFromPayload(resolved.operation, input.payload.value, input.payload.source));
  const body = parsedBody(input.body);
  if (body !== undefined) layers.push({ path: {}, query: {}, body });
  const params = mergeParams(resolved.operation, layers, input.paramFlags ?? []);
  const clash = pathConflict(resolved.path, params.path, input.endpoint);
  if (clash) throw new UsageError(clash);
  return params;
}

/** Any input → the RequestSpec every command, the library and the interceptor run. */
export function buildSpec(input: RequestInput): RequestSpec {
  checkHeaderBounds(input.origin, input.inputHeaders, input.extraHeaders);
  const resolved = resolveEndpoint(input.endpoint);
  if (input.payload !== undefined && !isPlainObject(input.payload.value) && input.origin === 'library') throw new UsageError('params must be an object');
  const params = requestParams(resolved, input);
  const headers = { ...input.inputHeaders, ...input.extraHeaders };
  const mode = modeFor({ rapidapi: input.rapidapi, baseUrl: input.baseUrl, resolved, headers });
  const fileBase = input.savedBaseUrl ?? resolved.baseUrl;
  const baseUrl = input.baseUrl ?? fileBase ?? (mode === 'rapidapi' ? RAPIDAPI_BASE_URL : DIRECT_BASE_URL);
  const spec: RequestSpec = { operation: resolved.operation, params, mode, baseUrl, origin: input.origin };
  const key = keyOf(input, resolved);
  const headersSent = key.replaces && input.inputHeaders ? withKeyReplaced(input.inputHeaders, params.query, key.key!) : input.inputHeaders;
  if (headersSent) spec.inputHeaders = headersSent;
  if (key.key !== undefined) Object.assign(spec, { key: key.key, keySource: key.keySource });
  if (key.keyNote) spec.keyNote = key.keyNote;
  if (input.send) {
    const chosenBy = input.baseUrl === undefined && fileBase !== undefined ? input.hostFrom : undefined;
    const problem = destinationProblem({ baseUrl, userKey: key.key !== undefined && (key.keySource !== 'input' || Boolean(key.fromUser)), anyKey: key.key !== undefined, chosenBy, allowHttp: input.allowHttp });
    if (problem) throw new RefusedError(`${input.origin}: ${problem}`);
  }
  if (input.method !== undefined) {
    const method = input.method.toUpperCase();
    if (!isMethodToken(method)) throw new UsageError(`${input.origin}: the request's method is not an HTTP method (one word such as GET or POST)`);
    spec.method = method;
    if (input.methodFrom) spec.methodFrom = input.methodFrom;
  }
  spec.secrets = secretsOfRequest({ ...spec, secrets: inputSecrets(input) }, input.extraHeaders, input.env).filter((v) => !isShownPlaceholder(v));
  return spec;
}

/**
 * The secrets an input carries, found without resolving it: the CLI registers them before building, so that even
 * the message of an input that cannot be built (an unknown endpoint URL with a key in it) holds none of them.
 */
export function inputSecrets(input: RequestInput): string[] {
  const found = [
    ...(input.secrets ?? []),
    // The endpoint URL's own userinfo is not part of the spec (the base URL is rebuilt from its origin).
    ...urlSecrets(input.endpoint),
    ...urlSecrets(input.baseUrl),
    // A key given apart stays a secret when the request's own key is used instead.
    ...(input.key?.key ? [input.key.key] : []),
    ...headersSecrets(input.inputHeaders),
    ...headersSecrets(input.extraHeaders),
    ...paramSecrets(input.body),
    ...paramSecrets(input.payload?.value),
    ...(input.paramFlags ?? []).flatMap((flag) => paramSecrets({ [flag.slice(0, Math.max(0, flag.indexOf('=')))]: flag.slice(flag.indexOf('=') + 1) })),
  ];
  return [...new Set(found)].filter((v) => v !== '' && !isReference(v) && !isShownPlaceholder(v));
}

/**
 * The secrets a saved report's request carries, by the same rule as a request being built: a report edited by hand
 * (or written by an older tool) may hold the key in its headers, query or URLs, and the machine rendering it may not
 * have that key in its environment to know it by.
 */
export function savedRequestSecrets(request: { endpoint?: unknown; baseUrl?: unknown; url?: unknown; headers?: unknown; query?: unknown; path?: unknown; body?: unknown }): string[] {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const headers = isPlainObject(request.headers) ? Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v ?? '')])) : {};
  return inputSecrets({
    origin: 'report',
    endpoint: text(request.endpoint),
    baseUrl: text(request.baseUrl),
    secrets: urlSecrets(text(request.url)),
    inputHeaders: headers,
    body: request.body,
    payload: { value: { query: request.query, path: request.path }, source: 'report' },
  });
}

/** The path a spec is sent to: the operation's template (RapidAPI's where it differs), filled in. */
export function requestPath(spec: RequestSpec): string {
  const template = spec.mode === 'rapidapi' ? spec.operation.rapidapiPath ?? spec.operation.path.replace(/^\/client/, '') : spec.operation.path;
  return fillPath(template, spec.params.path);
}
