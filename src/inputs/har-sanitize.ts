// A copy of a HAR that is safe to attach to a support ticket: keys, cookies and credentials taken out of requests
// and responses, and every echo of them replaced. Reading a HAR for its requests is har.ts.
import { isKeyParam, isSensitiveHeader, safeDecode, splitUserinfo } from '../shared/redact.js';
import { MIN_SECRET_LENGTH, Scrubber } from '../shared/scrub.js';
import { formSecrets, headerSecrets, paramSecrets, urlSecrets } from '../shared/secrets.js';
import { isObject, requireHarLog, type HarHeader } from './har-shared.js';

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
const MIN_ECHO_LENGTH = MIN_SECRET_LENGTH;

/**
 * A deep copy of a HAR with keys, cookies and credentials taken out of requests and responses, and any echo of
 * those values elsewhere (bodies, other headers, URLs, comments) replaced by [REDACTED]. Everything else is kept
 * as it was, so the copy still opens in browser devtools.
 */
export function sanitizeHar(har: object, options: SanitizeOptions = {}): { har: object; removed: Removal[]; secrets: string[] } {
  const mode = options.mode ?? 'redact';
  requireHarLog(har);
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
    if (isObject(e.request)) scrubUrlRest(e.request, n, mode, secrets, removed);
    if (isObject(e.request)) scrubFormParams(e.request, n, mode, secrets, removed);
    if (isObject(e.request)) scrubPostText(e.request, n, mode, secrets, removed);
    if (isObject(e.response)) scrubResponseJson(e.response, n, mode, secrets, removed);
  });

  // A server (or a proxy error page) may echo a key back: replace every copy of every removed value anywhere.
  const needles = echoScrubbers(secrets);
  if (needles) {
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
  return { har: copy, removed, secrets: [...secrets] };
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

/** The whole value, and the parts a server might echo on their own: the token after "Bearer", Basic's user and
 * password, cookie values. */
function collectHeaderSecrets(name: string, value: string, secrets: Set<string>): void {
  addSecret(secrets, value);
  for (const part of headerSecrets(name, value)) addSecret(secrets, part);
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
  if (Array.isArray(request.queryString)) request.queryString = scrubPairs(request.queryString, mode, secrets, (name) => names.add(name));
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
  postData.params = scrubPairs(postData.params, mode, secrets, (name) => removed.push({ entry, where: 'request', what: `form field ${name}` }));
}

/** A HAR name/value list (query or form) without its key-like pairs, or with their values redacted; found(name) for each. */
function scrubPairs(list: unknown[], mode: 'redact' | 'remove', secrets: Set<string>, found: (name: string) => void): unknown[] {
  const kept: unknown[] = [];
  for (const p of list as Array<{ name?: unknown; value?: unknown }>) {
    if (!isObject(p) || typeof p.name !== 'string' || !isKeyParam(p.name)) {
      kept.push(p);
      continue;
    }
    if (typeof p.value === 'string') addSecret(secrets, p.value);
    found(p.name);
    if (mode === 'redact') kept.push({ ...p, value: REDACTED });
  }
  return kept;
}

/** URL userinfo, and key-like pairs of the fragment (#access_token=...): the query has its own pass. */
function scrubUrlRest(
  request: Record<string, unknown>, entry: number, mode: 'redact' | 'remove', secrets: Set<string>, removed: Removal[],
): void {
  if (typeof request.url !== 'string') return;
  let url = request.url;
  const { prefix, userinfo, rest } = splitUserinfo(url);
  if (userinfo !== null) {
    for (const s of urlSecrets(url)) addSecret(secrets, s);
    url = prefix + rest;
    removed.push({ entry, where: 'request', what: 'URL userinfo' });
  }
  const hash = url.indexOf('#');
  if (hash >= 0) {
    const fragment = url.slice(hash + 1);
    const found = formSecrets(fragment);
    if (found.length > 0) {
      for (const s of found) addSecret(secrets, s);
      url = url.slice(0, hash + 1) + maskPairs(fragment, mode);
      removed.push({ entry, where: 'request', what: 'URL fragment credential' });
    }
  }
  request.url = url;
}

/** `a=1&token=T` with each key-like pair's value replaced (or the pair dropped). */
function maskPairs(text: string, mode: 'redact' | 'remove'): string {
  const out: string[] = [];
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || !isKeyParam(safeDecode(pair.slice(0, eq)).trim())) out.push(pair);
    else if (mode === 'redact') out.push(`${pair.slice(0, eq)}=${encodeURIComponent(REDACTED)}`);
  }
  return out.join('&');
}

/** A JSON body's key-like fields at any depth, or a form body's key-like pairs. */
function scrubPostText(
  request: Record<string, unknown>, entry: number, mode: 'redact' | 'remove', secrets: Set<string>, removed: Removal[],
): void {
  const postData = request.postData as { text?: unknown } | undefined;
  if (!isObject(postData) || typeof postData.text !== 'string' || postData.text === '') return;
  const found = paramSecrets(postData.text);
  if (found.length === 0) return;
  for (const s of found) addSecret(secrets, s);
  const text = postData.text.trim();
  if (/^[[{]/.test(text)) {
    postData.text = JSON.stringify(maskJson(JSON.parse(text), mode));
  } else {
    postData.text = maskPairs(postData.text, mode);
  }
  removed.push({ entry, where: 'request', what: 'postData.text credential' });
}

/**
 * A JSON answer may hand out a credential of its own (`"token": "..."`, `"api_key": ...`): its key-like fields are
 * masked like a request body's, and their values removed wherever else they appear.
 */
function scrubResponseJson(
  response: Record<string, unknown>, entry: number, mode: 'redact' | 'remove', secrets: Set<string>, removed: Removal[],
): void {
  const content = response.content as { text?: unknown; encoding?: unknown } | undefined;
  if (!isObject(content) || typeof content.text !== 'string' || content.encoding !== undefined) return;
  const text = content.text.trim();
  if (!/^[[{]/.test(text)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return; // not JSON after all: the echo pass still removes every known value from it
  }
  const found = paramSecrets(parsed);
  if (found.length === 0) return;
  for (const s of found) addSecret(secrets, s);
  content.text = JSON.stringify(maskJson(parsed, mode));
  removed.push({ entry, where: 'response', what: 'content.text credential field' });
}

function maskJson(value: unknown, mode: 'redact' | 'remove', depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => maskJson(v, mode, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!isKeyParam(k)) out[k] = maskJson(v, mode, depth + 1);
    else if (mode === 'redact') out[k] = REDACTED;
  }
  return out;
}

function addSecret(secrets: Set<string>, value: string): void {
  const v = value.trim();
  if (v.length >= MIN_ECHO_LENGTH && v !== REDACTED) secrets.add(v);
}

interface EchoScrubbers {
  text: Scrubber;
  /** The same secrets as their UTF-8 bytes read as latin1: for decoded base64 bodies. */
  bytes: Scrubber;
}

/** Every value found, in every form it can show up elsewhere (the shared scrubber's forms), replaced by [REDACTED]. */
function echoScrubbers(secrets: Set<string>): EchoScrubbers | null {
  const text = new Scrubber(secrets, REDACTED);
  if (text.size === 0) return null;
  const bytes = new Scrubber([...secrets].map((s) => Buffer.from(s, 'utf8').toString('latin1')), REDACTED);
  return { text, bytes };
}

/**
 * Returns a replaced copy of `value` when some string inside it held a secret (recording each place), or undefined
 * when nothing changed. Base64 response bodies are decoded, scrubbed and re-encoded.
 */
function replaceEverywhere(
  value: unknown, needles: EchoScrubbers, path: string, entry: number, where: Removal['where'], removed: Removal[],
): unknown {
  if (typeof value === 'string') {
    const out = needles.text.scrub(value);
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
  text: string, needles: EchoScrubbers, path: string, entry: number, where: Removal['where'], removed: Removal[],
): string | undefined {
  const bytes = Buffer.from(text, 'base64');
  let utf8: string | null = null;
  try {
    utf8 = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // not text: searched as bytes below
  }
  // Text is searched as text (every escaping applies); anything else as bytes: latin1 maps bytes to characters one
  // to one, so any UTF-8 needle can be searched as its bytes.
  const decoded = utf8 ?? bytes.toString('latin1');
  const out = utf8 !== null ? needles.text.scrub(decoded) : needles.bytes.scrub(decoded);
  if (out === decoded) return undefined;
  removed.push({ entry, where, what: `${path} (echo of a removed value, base64)` });
  return Buffer.from(out, utf8 !== null ? 'utf8' : 'latin1').toString('base64');
}
