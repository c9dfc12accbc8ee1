// Credential naming and structural redaction: which headers, parameters and URL parts hold a credential, and the
// masked copies of them that reports show. Free-text removal of known secrets is the Scrubber's (scrub.ts).
import { maskFor } from './fingerprint.js';
import { deepMap, isVariableName, MIN_SECRET_LENGTH, Scrubber } from './scrub.js';

export { keyFingerprint, maskFor } from './fingerprint.js';
export { MIN_SECRET_LENGTH, Scrubber } from './scrub.js';

export type Redactor = (text: string) => string;

/** A function that replaces every known encoding of every secret with '[REDACTED:<fingerprint>]'. */
export function makeRedactor(secrets: string[]): Redactor {
  return new Scrubber(secrets).scrub;
}

/** Headers whose values are credentials whatever they contain. Lower case. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-rapidapi-key',
  'x-rapidapi-proxy-secret',
  'api-key',
  'apikey',
  'x-apikey',
  'x-api-token',
  'x-auth-token',
  'x-access-token',
  'x-amz-security-token',
  'api-token',
  'rapidapi-key',
]);

/**
 * Credential names are compared with case and separators dropped, so x-api-key, X_API_KEY and apikey are one name:
 * a misspelt header still carries a secret.
 */
export function squashName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const SENSITIVE_SQUASHED: ReadonlySet<string> = new Set([...SENSITIVE_HEADERS].map(squashName));

/** Any name that says it holds a credential: x-mashvisor-token, X-Client-Secret, my-api-key, session-id, ... */
const CREDENTIAL_WORDS = /apikey|token|secret|passw|credential|session|cookie|auth(?!or)|signature|key$/;
/** Names that hold one of those words but describe, rather than carry, a credential. */
const NOT_CREDENTIALS: ReadonlySet<string> = new Set([
  'wwwauthenticate', 'proxyauthenticate', 'authenticationinfo', 'accesscontrolallowcredentials',
  'accesscontrolallowheaders', 'accesscontrolexposeheaders', 'keepalive',
]);

function looksLikeCredential(squashed: string): boolean {
  return SENSITIVE_SQUASHED.has(squashed) || (CREDENTIAL_WORDS.test(squashed) && !NOT_CREDENTIALS.has(squashed));
}

/** Headers whose first word is a public scheme name worth keeping ('Bearer [REDACTED:…]'). */
const SCHEME_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxyauthorization']);

export function isSensitiveHeader(name: string): boolean {
  return looksLikeCredential(squashName(String(name)));
}

/** A credential value as a report shows it: the scheme kept, the secret replaced by its fingerprint. */
export function maskCredential(headerName: string, value: string): string {
  // An empty value hides nothing and is itself a finding ("the key header was sent empty").
  if (value.trim() === '' || isVariableName(value)) return value;
  if (SCHEME_HEADERS.has(squashName(headerName))) {
    const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+(\S.*)$/s.exec(value);
    // Basic carries a user's password: never a fingerprint that could be checked against guesses.
    if (m) return `${m[1]} ${/^basic$/i.test(m[1]!) ? '[REDACTED]' : maskFor(m[2]!.trim())}`;
  }
  return maskFor(value);
}

/** A copy of the headers with credential values masked and every other value passed through the redactor. */
export function redactHeaders(headers: Record<string, string>, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = Array.isArray(value) ? (value as unknown[]).join(', ') : String(value ?? '');
    out[redactor(name)] = isSensitiveHeader(name) ? maskCredential(name, text) : redactor(text);
  }
  return out;
}

/** Parameter names that carry credentials whatever else they say. */
const KEY_PARAMS: ReadonlySet<string> = new Set([
  'api_key', 'apikey', 'api-key', 'key', 'x-api-key', 'x_api_key', 'token', 'access_token', 'auth_token',
  'rapidapi-key', 'rapidapi_key', 'x-rapidapi-key', 'password', 'client_secret', 'api_token', 'sig', 'pass', 'pwd',
]);

const KEY_PARAMS_SQUASHED: ReadonlySet<string> = new Set([...KEY_PARAMS].map(squashName));

/** A query, form or JSON parameter whose value is a credential: api_key, key, token, clientSecret, ... */
export function isKeyParam(name: string): boolean {
  const squashed = squashName(String(name));
  return KEY_PARAMS_SQUASHED.has(squashed) || (CREDENTIAL_WORDS.test(squashed) && !NOT_CREDENTIALS.has(squashed));
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Splits 'scheme://userinfo@host/...' around the userinfo; the password may itself hold '@', so the last one counts. */
export function splitUserinfo(url: string): { prefix: string; userinfo: string | null; rest: string } {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?/.exec(url)?.[0] ?? '';
  const afterScheme = url.slice(scheme.length);
  const end = afterScheme.search(/[/?#]/);
  const authority = end === -1 ? afterScheme : afterScheme.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at === -1) return { prefix: scheme, userinfo: null, rest: afterScheme };
  return { prefix: scheme, userinfo: authority.slice(0, at), rest: afterScheme.slice(at + 1) };
}

/** `a=1&api_key=K&b=2` with each key-like pair's value masked; every other byte kept. */
export function redactFormText(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1 || !isKeyParam(safeDecode(pair.slice(0, eq)).trim())) return pair;
      const value = safeDecode(pair.slice(eq + 1));
      return value === '' || value.startsWith('[REDACTED') ? pair : `${pair.slice(0, eq)}=${maskFor(value)}`;
    })
    .join('&');
}

/**
 * A URL without credentials: userinfo dropped, key-like parameters of the query and of the fragment
 * (#access_token=...) masked, the rest through the redactor. Works on the text rather than through `new URL()`
 * so the URL keeps the exact encoding it was sent with.
 */
export function redactUrl(url: string, redactor: Redactor = (t) => t): string {
  if (typeof url !== 'string' || url === '') return url;
  const { prefix, rest } = splitUserinfo(url);
  const hashAt = rest.indexOf('#');
  const beforeHash = hashAt === -1 ? rest : rest.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : `#${redactFormText(rest.slice(hashAt + 1))}`;
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt === -1 ? beforeHash : `${beforeHash.slice(0, queryAt)}?${redactFormText(beforeHash.slice(queryAt + 1))}`;
  return redactor(prefix + path + hash);
}

/** A proxy URL for messages: whatever is before '@' (user, password, token) is masked, host and port kept. */
export function redactProxyUrl(url: string): string {
  if (typeof url !== 'string') return url;
  const { prefix, userinfo, rest } = splitUserinfo(url.trim());
  if (userinfo === null) return url.trim();
  return `${prefix}[REDACTED]@${rest}`;
}

/**
 * Parameters (query, path, a JSON body) with the value of every key-like name masked, at any depth; a form-encoded
 * body text has its key-like pairs masked. Everything else is kept as it is.
 */
export function redactParams<T>(value: T): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return /^[^\s={}[\]"]+=[^&]*(&|$)/.test(v) ? redactFormText(v) : v;
    if (v === null || typeof v !== 'object' || depth > 64) return v;
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) copy[k] = isKeyParam(k) ? maskValue(item) : walk(item, depth + 1);
    return copy;
  };
  return walk(value, 0) as T;
}

function maskValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValue);
  if (value === null || value === undefined || value === '' || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.startsWith('[REDACTED') ? text : maskFor(text);
}

/** A deep copy in which every string, and every object key, went through the redactor. */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  return deepMap(value, redactor);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const HEADER_LINE = new RegExp(
  // The value ends before trailing blanks and a table border: a cell line must keep its layout.
  `(^|[\\s"'{,])(${[...SENSITIVE_HEADERS].map(escapeRegExp).join('|')})(["']?\\s*[:=]\\s*["']?)([^\\r\\n"'\u2502]*?)(?=\\s*(?:\u2502|["'\\r\\n]|$))`,
  'gim',
);
const KEY_PARAM_IN_TEXT = new RegExp(`([?&#](?:${[...KEY_PARAMS].map(escapeRegExp).join('|')})=)([^&#\\s"'<>]+)`, 'gi');
const USERINFO_IN_TEXT = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/g;

/**
 * Last line of defence for free text the CLI prints (messages, errors, stack-free diagnostics):
 * the redactor, plus masking of anything that looks like a credential header, key query parameter or
 * URL userinfo, in case a secret reached the text in a form the redactor was not told about.
 * Shell references such as "$MASHVISOR_API_KEY" are left alone so printed curl lines stay usable.
 */
export function scrubOutput(text: string, redactor: Redactor): string {
  if (typeof text !== 'string' || text === '') return text;
  return redactor(text)
    .replace(HEADER_LINE, (all, lead: string, name: string, sep: string, value: string) => {
      const v = value.trim();
      if (v === '' || v.startsWith('$') || v.startsWith('[REDACTED')) return all;
      return `${lead}${name}${sep}${maskCredential(name, value).replace(/\[REDACTED:[^\]]*\]/, '[REDACTED]')}`;
    })
    .replace(KEY_PARAM_IN_TEXT, (all, head: string, value: string) =>
      value.startsWith('[REDACTED') || value.startsWith('$') ? all : `${head}[REDACTED]`,
    )
    .replace(USERINFO_IN_TEXT, '$1[REDACTED]@');
}

