// HAR files as browsers and proxies save them: read the Mashvisor requests out of one, and make a copy that is
// safe to attach to a support ticket.
import { InputError, setHeader, type RawRequest } from './raw.js';
import { DIRECT_HOST, RAPIDAPI_HOST } from '../catalog/hosts.js';
import { isKeyParam, isSensitiveHeader, squashName } from '../shared/redact.js';

interface HarHeader {
  name: string;
  value: string;
}

const MASHVISOR_HOSTS = new Set([DIRECT_HOST, RAPIDAPI_HOST]);

/** Reads every entry's request. Validates only what is needed: log.entries, and a method and URL per request. */
export function readHarEntries(har: unknown): RawRequest[] {
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!isObject(har) || !isObject((har as { log?: unknown }).log)) {
    throw new InputError('not a HAR file: it has no "log" object');
  }
  if (!Array.isArray(entries)) throw new InputError('not a HAR file: log.entries is not a list');
  return entries.map((entry, i) => readEntry(entry, i + 1));
}

function readEntry(entry: unknown, index: number): RawRequest {
  const request = isObject(entry) ? (entry as { request?: unknown }).request : undefined;
  if (!isObject(request)) throw new InputError(`HAR entry ${index} has no request`);
  const { method, url, headers, postData } = request as {
    method?: unknown; url?: unknown; headers?: unknown; postData?: unknown;
  };
  if (typeof method !== 'string' || method === '') throw new InputError(`HAR entry ${index} has no request method`);
  if (typeof url !== 'string' || url === '') throw new InputError(`HAR entry ${index} has no request URL`);
  const notes: string[] = [];
  const out: Record<string, string> = {};
  if (Array.isArray(headers)) {
    for (const h of headers as Partial<HarHeader>[]) {
      if (!isObject(h) || typeof h.name !== 'string') continue;
      // HTTP/2 pseudo headers (:authority, :path, ...) restate the method and URL; they are not headers to check.
      if (h.name.startsWith(':')) continue;
      setHeader(out, h.name, typeof h.value === 'string' ? h.value : String(h.value ?? ''), notes);
    }
  }
  const raw: RawRequest = { method: method.toUpperCase(), url, headers: out, body: readBody(postData), index, methodFrom: `the HAR entry's method (${method})` };
  if (notes.length > 0) raw.notes = notes;
  return raw;
}

function readBody(postData: unknown): string | null {
  if (!isObject(postData)) return null;
  const { text, params } = postData as { text?: unknown; params?: unknown };
  if (typeof text === 'string') return text;
  // Some tools record a form body only as params.
  if (Array.isArray(params)) {
    return params
      .filter((p): p is { name: string; value?: string } => isObject(p) && typeof (p as { name?: unknown }).name === 'string')
      .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value ?? '')}`)
      .join('&');
  }
  return null;
}

/**
 * A Mashvisor API call: the direct host, the RapidAPI host, or any host whose path has /v1.1/client/
 * (a local simulator or a proxy in front of the API).
 */
export function isMashvisorUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return MASHVISOR_HOSTS.has(parsed.hostname.toLowerCase()) || parsed.pathname.includes('/v1.1/client/');
}

/** Keeps the Mashvisor calls; each keeps its `index` (1-based position in the HAR) so users can find it. */
export function filterMashvisor(entries: RawRequest[]): RawRequest[] {
  return entries.filter((e) => isMashvisorUrl(e.url));
}

// ---------------------------------------------------------------------------------------------------------------
// sanitizing

export interface Removal {
  /** 1-based HAR entry; 0 for something outside the entries (pages, creator, comments). */
  entry: number;
  where: 'request' | 'response' | 'entry' | 'log';
  /** The header, cookie, parameter or field, never its value. */
  what: string;
}

export interface SanitizeOptions {
  /**
   * 'redact' (default) keeps a sensitive header or parameter and replaces its value with [REDACTED], so the copy
   * still shows that a key was sent and where; 'remove' drops it.
   */
  mode?: 'redact' | 'remove';
}

export const REDACTED = '[REDACTED]';

/** Shorter values are too likely to be ordinary words or numbers to be replaced everywhere. */
const MIN_ECHO_LENGTH = 6;

/**
 * A deep copy of a HAR with keys, cookies and credentials taken out of requests and responses, and any echo of
 * those values elsewhere (bodies, other headers, URLs, comments) replaced by [REDACTED]. Everything else is kept
 * as it was, so the copy still opens in browser devtools.
 */
export function sanitizeHar(har: object, options: SanitizeOptions = {}): { har: object; removed: Removal[] } {
  const mode = options.mode ?? 'redact';
  if (!isObject(har) || !isObject((har as { log?: unknown }).log)) throw new InputError('not a HAR file: it has no "log" object');
  const copy = JSON.parse(JSON.stringify(har)) as { log: { entries?: unknown[] } & Record<string, unknown> };
  const removed: Removal[] = [];
  const secrets = new Set<string>();
  const entries = Array.isArray(copy.log.entries) ? copy.log.entries : [];

  entries.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const n = i + 1;
    const e = entry as { request?: Record<string, unknown>; response?: Record<string, unknown> };
    for (const where of ['request', 'response'] as const) {
      const part = e[where];
      if (!isObject(part)) continue;
      scrubHeaders(part, n, where, mode, secrets, removed);
      scrubCookies(part, n, where, secrets, removed);
    }
    if (isObject(e.request)) scrubQuery(e.request, n, mode, secrets, removed);
    if (isObject(e.request)) scrubFormParams(e.request, n, mode, secrets, removed);
  });

  // A server (or a proxy error page) may echo a key back: replace every copy of every removed value anywhere.
  const needles = echoForms(secrets);
  if (needles.length > 0) {
    entries.forEach((entry, i) => {
      if (!isObject(entry)) return;
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
        const where = key === 'request' || key === 'response' ? key : 'entry';
        const replaced = replaceEverywhere(value, needles, key, i + 1, where, removed);
        if (replaced !== undefined) (entry as Record<string, unknown>)[key] = replaced;
      }
    });
    for (const [key, value] of Object.entries(copy.log)) {
      if (key === 'entries') continue;
      const replaced = replaceEverywhere(value, needles, `log.${key}`, 0, 'log', removed);
      if (replaced !== undefined) copy.log[key] = replaced;
    }
  }
  return { har: copy, removed };
}

function scrubHeaders(
  part: Record<string, unknown>, entry: number, where: 'request' | 'response', mode: 'redact' | 'remove',
  secrets: Set<string>, removed: Removal[],
): void {
  if (!Array.isArray(part.headers)) return;
  const kept: unknown[] = [];
  for (const h of part.headers as Partial<HarHeader>[]) {
    if (!isObject(h) || typeof h.name !== 'string' || !isSensitiveHeader(h.name)) {
      kept.push(h);
      continue;
    }
    collectHeaderSecrets(h.name, String(h.value ?? ''), secrets);
    removed.push({ entry, where, what: `header ${h.name}` });
    if (mode === 'redact') kept.push({ ...h, value: REDACTED });
  }
  part.headers = kept;
}

/** The whole value, and the parts a server might echo on their own: the token after "Bearer", cookie values. */
function collectHeaderSecrets(name: string, value: string, secrets: Set<string>): void {
  addSecret(secrets, value);
  const lower = squashName(name);
  if (lower === 'authorization' || lower === 'proxyauthorization') {
    const credential = value.replace(/^\s*[A-Za-z-]+\s+/, '');
    addSecret(secrets, credential);
    if (/^\s*basic\s/i.test(value)) {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) addSecret(secrets, decoded.slice(colon + 1));
    }
  } else if (lower === 'cookie') {
    for (const pair of value.split(';')) addSecret(secrets, pair.slice(pair.indexOf('=') + 1).trim());
  } else if (lower === 'setcookie') {
    for (const line of value.split('\n')) {
      const first = line.split(';')[0];
      addSecret(secrets, first.slice(first.indexOf('=') + 1).trim());
    }
  }
}

function scrubCookies(
  part: Record<string, unknown>, entry: number, where: 'request' | 'response', secrets: Set<string>, removed: Removal[],
): void {
  if (!Array.isArray(part.cookies) || part.cookies.length === 0) return;
  for (const c of part.cookies as Array<{ name?: unknown; value?: unknown }>) {
    if (!isObject(c)) continue;
    if (typeof c.value === 'string') addSecret(secrets, c.value);
    removed.push({ entry, where, what: `cookie ${typeof c.name === 'string' ? c.name : '(unnamed)'}` });
  }
  part.cookies = [];
}

function scrubQuery(
  request: Record<string, unknown>, entry: number, mode: 'redact' | 'remove', secrets: Set<string>, removed: Removal[],
): void {
  const names = new Set<string>();
  if (Array.isArray(request.queryString)) {
    const kept: unknown[] = [];
    for (const q of request.queryString as Array<{ name?: unknown; value?: unknown }>) {
      if (!isObject(q) || typeof q.name !== 'string' || !isKeyParam(q.name)) {
        kept.push(q);
        continue;
      }
      if (typeof q.value === 'string') addSecret(secrets, q.value);
      names.add(q.name);
      if (mode === 'redact') kept.push({ ...q, value: REDACTED });
    }
    request.queryString = kept;
  }
  if (typeof request.url === 'string') {
    request.url = scrubUrlQuery(request.url, mode, secrets, names);
  }
  for (const name of names) removed.push({ entry, where: 'request', what: `query parameter ${name}` });
}

/** Rewrites only the sensitive pairs of the query string; every other byte of the URL stays as recorded. */
function scrubUrlQuery(url: string, mode: 'redact' | 'remove', secrets: Set<string>, names: Set<string>): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = hash >= 0 ? url.slice(q + 1, hash) : url.slice(q + 1);
  const tail = hash >= 0 ? url.slice(hash) : '';
  const pairs: string[] = [];
  let changed = false;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq >= 0 ? pair.slice(0, eq) : pair;
    const name = safeDecode(rawName);
    if (!isKeyParam(name)) {
      pairs.push(pair);
      continue;
    }
    changed = true;
    names.add(name);
    if (eq >= 0) {
      const rawValue = pair.slice(eq + 1);
      addSecret(secrets, rawValue);
      addSecret(secrets, safeDecode(rawValue));
    }
    if (mode === 'redact') pairs.push(`${rawName}=${encodeURIComponent(REDACTED)}`);
  }
  if (!changed) return url;
  const rest = pairs.join('&');
  return url.slice(0, q) + (rest === '' ? '' : '?' + rest) + tail;
}

function scrubFormParams(
  request: Record<string, unknown>, entry: number, mode: 'redact' | 'remove', secrets: Set<string>, removed: Removal[],
): void {
  const postData = request.postData as { params?: unknown } | undefined;
  if (!isObject(postData) || !Array.isArray(postData.params)) return;
  const kept: unknown[] = [];
  for (const p of postData.params as Array<{ name?: unknown; value?: unknown }>) {
    if (!isObject(p) || typeof p.name !== 'string' || !isKeyParam(p.name)) {
      kept.push(p);
      continue;
    }
    if (typeof p.value === 'string') addSecret(secrets, p.value);
    removed.push({ entry, where: 'request', what: `form field ${p.name}` });
    if (mode === 'redact') kept.push({ ...p, value: REDACTED });
  }
  postData.params = kept;
}

function addSecret(secrets: Set<string>, value: string): void {
  const v = value.trim();
  if (v.length >= MIN_ECHO_LENGTH && v !== REDACTED) secrets.add(v);
}

/** The forms in which a value can show up elsewhere: as is, percent-encoded, escaped inside a JSON string. */
function echoForms(secrets: Set<string>): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    try {
      forms.add(encodeURIComponent(s));
    } catch {
      // a lone surrogate: no encoded form to look for
    }
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(s.replace(/\//g, '\\/'));
  }
  // Longest first, so a value is replaced whole before any shorter value inside it.
  return [...forms].filter((f) => f.length >= MIN_ECHO_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Returns a replaced copy of `value` when some string inside it held a secret (recording each place), or undefined
 * when nothing changed. Base64 response bodies are decoded, scrubbed and re-encoded.
 */
function replaceEverywhere(
  value: unknown, needles: string[], path: string, entry: number, where: Removal['where'], removed: Removal[],
): unknown {
  if (typeof value === 'string') {
    const out = replaceAll(value, needles);
    if (out === value) return undefined;
    removed.push({ entry, where, what: `${path} (echo of a removed value)` });
    return out;
  }
  if (Array.isArray(value)) {
    let changed = false;
    value.forEach((item, i) => {
      const r = replaceEverywhere(item, needles, `${path}[${i}]`, entry, where, removed);
      if (r !== undefined) {
        value[i] = r;
        changed = true;
      }
    });
    return changed ? value : undefined;
  }
  if (isObject(value)) {
    const obj = value as Record<string, unknown>;
    let changed = false;
    const base64 = obj.encoding === 'base64' && typeof obj.text === 'string';
    for (const [key, v] of Object.entries(obj)) {
      let r: unknown;
      if (base64 && key === 'text') r = replaceInBase64(v as string, needles, `${path}.text`, entry, where, removed);
      else r = replaceEverywhere(v, needles, `${path}.${key}`, entry, where, removed);
      if (r !== undefined) {
        obj[key] = r;
        changed = true;
      }
    }
    return changed ? obj : undefined;
  }
  return undefined;
}

function replaceInBase64(
  text: string, needles: string[], path: string, entry: number, where: Removal['where'], removed: Removal[],
): string | undefined {
  // latin1 maps bytes to characters one to one, so any UTF-8 needle can be searched as its bytes.
  const decoded = Buffer.from(text, 'base64').toString('latin1');
  const byteNeedles = needles.map((n) => Buffer.from(n, 'utf8').toString('latin1'));
  const out = replaceAll(decoded, byteNeedles);
  if (out === decoded) return undefined;
  removed.push({ entry, where, what: `${path} (echo of a removed value, base64)` });
  return Buffer.from(out, 'latin1').toString('base64');
}

function replaceAll(text: string, needles: string[]): string {
  let out = text;
  for (const n of needles) if (out.includes(n)) out = out.split(n).join(REDACTED);
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
