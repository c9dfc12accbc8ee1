// Secrets never leave the process: everything that is written or printed goes through these functions first.
import { nodeCrypto } from './lazy-builtins.js';

export type Redactor = (text: string) => string;

/** Shorter strings are too likely to occur by chance ("1234" in a price) to be replaced everywhere. */
const MIN_SECRET_LENGTH = 4;

/** A stable, non-reversible name for a key, so two reports can be compared without either holding the key. */
export function keyFingerprint(key: string): { fingerprint: string; last4: string } {
  const hex = nodeCrypto().createHash('sha256').update(key, 'utf8').digest('hex');
  // For very short keys the last four characters would be most of the key: show none.
  const last4 = key.length >= 8 ? key.slice(-4) : '';
  return { fingerprint: `sha256:${hex.slice(0, 12)}`, last4 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The way HTML forms and URLSearchParams encode: stricter than encodeURIComponent, spaces as '+'. */
function formEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

/**
 * Base64 pieces that appear whenever the secret is base64-encoded inside a longer text
 * (e.g. "Basic base64(user:key)"): the secret can start at any of three byte offsets in a 3-byte group,
 * and only the groups made entirely of secret bytes encode the same way whatever surrounds them.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  const whole = bytes.toString('base64');
  forms.push(whole, whole.replace(/=+$/, ''), bytes.toString('base64url'));
  for (let offset = 0; offset < 3; offset++) {
    const lead = offset === 0 ? 0 : 3 - offset; // secret bytes that share the first group with foreign bytes
    const usable = Math.floor((bytes.length - lead) / 3) * 3;
    if (usable < 6) continue;
    const core = bytes.subarray(lead, lead + usable);
    forms.push(core.toString('base64'), core.toString('base64url'));
  }
  return forms;
}

function secretForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const forms = [
    secret,
    uri,
    uri.replace(/%20/g, '+'),
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    formEncode(secret),
    encodeURIComponent(uri), // a URL carried inside another URL's query
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret)).slice(1, -1), // JSON inside a JSON string (e.g. a HAR's postData.text)
    ...base64Forms(secret),
  ];
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * Returns a function that replaces every known encoding of every secret with '[REDACTED:<fingerprint>]'.
 * One regular expression with the longest forms first, applied in a single pass, so a replacement is never
 * itself rewritten and a longer encoding wins over a shorter one that it contains.
 */
export function makeRedactor(secrets: string[]): Redactor {
  const secretOf = new Map<string, string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of secretForms(secret)) {
      if (!secretOf.has(form)) secretOf.set(form, secret);
    }
  }
  if (secretOf.size === 0) return (text: string) => text;
  // Labels are made on first use: hashing needs node:crypto, which most runs would otherwise load before sending.
  const labels = new Map<string, string>();
  const labelFor = (secret: string) => {
    let label = labels.get(secret);
    if (label === undefined) labels.set(secret, (label = `[REDACTED:${keyFingerprint(secret).fingerprint}]`));
    return label;
  };
  const forms = [...secretOf.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  return (text: string) => {
    if (typeof text !== 'string' || text.length === 0) return text;
    return text.replace(pattern, (match) => {
      const secret = secretOf.get(match);
      return secret === undefined ? '[REDACTED]' : labelFor(secret);
    });
  };
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

/** Headers whose first word is a public scheme name worth keeping ('Bearer [REDACTED]'). */
const SCHEME_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization']);

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_SQUASHED.has(squashName(name));
}

function maskCredential(headerName: string, value: string): string {
  // An empty value hides nothing and is itself a finding ("the key header was sent empty").
  if (value.trim() === '') return value;
  if (SCHEME_HEADERS.has(headerName.toLowerCase())) {
    const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s+\S/.exec(value);
    if (m) return `${m[1]} [REDACTED]`;
  }
  return '[REDACTED]';
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

/** Query parameter names that carry credentials, compared in lower case. */
const KEY_PARAMS: ReadonlySet<string> = new Set([
  'api_key',
  'apikey',
  'api-key',
  'key',
  'x-api-key',
  'x_api_key',
  'token',
  'access_token',
  'auth_token',
  'rapidapi-key',
  'rapidapi_key',
  'x-rapidapi-key',
  'password',
  'client_secret',
  'api_token',
]);

const KEY_PARAMS_SQUASHED: ReadonlySet<string> = new Set([...KEY_PARAMS].map(squashName));

/** A query (or payload) parameter whose value is a credential: api_key, key, token, ... */
export function isKeyParam(name: string): boolean {
  return KEY_PARAMS_SQUASHED.has(squashName(name));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Splits 'scheme://userinfo@host/...' around the userinfo; the password may itself hold '@', so the last one counts. */
function splitUserinfo(url: string): { prefix: string; userinfo: string | null; rest: string } {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?/.exec(url)?.[0] ?? '';
  const afterScheme = url.slice(scheme.length);
  const end = afterScheme.search(/[/?#]/);
  const authority = end === -1 ? afterScheme : afterScheme.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at === -1) return { prefix: scheme, userinfo: null, rest: afterScheme };
  return { prefix: scheme, userinfo: authority.slice(0, at), rest: afterScheme.slice(at + 1) };
}

/**
 * A URL without credentials: userinfo dropped, key-like query parameters masked, the rest through the redactor.
 * Works on the text rather than through `new URL()` so the URL keeps the exact encoding it was sent with.
 */
export function redactUrl(url: string, redactor: Redactor): string {
  if (typeof url !== 'string' || url === '') return url;
  const { prefix, rest } = splitUserinfo(url);
  const hashAt = rest.indexOf('#');
  const beforeHash = hashAt === -1 ? rest : rest.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : rest.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  let result = prefix + beforeHash;
  if (queryAt !== -1) {
    const query = beforeHash
      .slice(queryAt + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq === -1 ? pair : pair.slice(0, eq);
        if (eq !== -1 && KEY_PARAMS.has(safeDecode(name).trim().toLowerCase())) return `${name}=[REDACTED]`;
        return pair;
      })
      .join('&');
    result = prefix + beforeHash.slice(0, queryAt) + '?' + query;
  }
  return redactor(result + hash);
}

/** A proxy URL for messages: whatever is before '@' (user, password, token) is masked, host and port kept. */
export function redactProxyUrl(url: string): string {
  if (typeof url !== 'string') return url;
  const { prefix, userinfo, rest } = splitUserinfo(url.trim());
  if (userinfo === null) return url.trim();
  return `${prefix}[REDACTED]@${rest}`;
}

/** A deep copy in which every string, and every object key, went through the redactor. */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactor(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (v instanceof Date) return new Date(v.getTime());
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(walk(item));
      return copy;
    }
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    for (const [k, item] of Object.entries(v)) copy[redactor(k)] = walk(item);
    return copy;
  };
  return walk(value) as T;
}

const HEADER_LINE = new RegExp(
  `(^|[\\s"'{,])(${[...SENSITIVE_HEADERS].map(escapeRegExp).join('|')})(["']?\\s*[:=]\\s*["']?)([^\\r\\n"']*)`,
  'gim',
);
const KEY_PARAM_IN_TEXT = new RegExp(`([?&](?:${[...KEY_PARAMS].map(escapeRegExp).join('|')})=)([^&#\\s"'<>]+)`, 'gi');
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
      return `${lead}${name}${sep}${maskCredential(name, value)}`;
    })
    .replace(KEY_PARAM_IN_TEXT, (all, head: string, value: string) =>
      value.startsWith('[REDACTED') || value.startsWith('$') ? all : `${head}[REDACTED]`,
    )
    .replace(USERINFO_IN_TEXT, '$1[REDACTED]@');
}
