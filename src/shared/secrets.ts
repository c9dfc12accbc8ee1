// Where a credential can sit in a request, and the values found there. The request builder fills a request's
// secrets from these; the report and the output boundary remove each of them wherever it shows up.
import { isKeyParam, isSensitiveHeader, safeDecode, splitUserinfo, squashName } from './redact.js';

/** A value that only names a secret kept elsewhere: "$MASHVISOR_API_KEY", "{{apiKey}}", an already masked one. */
export function isReference(value: string): boolean {
  const v = value.trim();
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) || /^\{\{[^}]*\}\}$/.test(v) || v.startsWith('[REDACTED');
}

/**
 * The one rule for "the bare credential" inside a value: without surrounding blanks, quotes or a scheme word
 * ("Bearer ", "Basic ", "Token "). The request builder, the output boundary and the header rules all use it.
 */
export function bareCredential(value: string): string {
  return value.trim().replace(/^["']|["']$/g, '').replace(/^(bearer|basic|token)\s+/i, '').trim();
}

/**
 * A value written where a key goes that is not a key: empty, "...", "<key>", "YOUR_API_KEY", "xxx", the README's
 * and demo's own placeholder, or one of the tool's masks ("[REDACTED:sha256:…]", left by sanitize or a report).
 * Such a value is never sent as a key.
 */
export function isPlaceholderKey(value: string): boolean {
  const bare = bareCredential(value);
  return bare === '' || /^(\.{2,}|\u2026+)$/.test(bare) || /^\{\{[^{}]*\}\}$/.test(bare) || bare.includes('[REDACTED') || /^<[^<>]*>$/.test(bare)
    || /^(x{3,}|\*{3,})$/i.test(bare) || /^(your|my)?[-_ ]?(api|rapidapi|mashvisor)?[-_ ]?key([-_ ]?here)?$/i.test(bare)
    || /^(changeme|replace[-_ ]?me|insert[-_ ]?key[-_ ]?here)$/i.test(bare);
}

/** The value, and the bare credential inside it (see bareCredential). */
function variants(value: string): string[] {
  const trimmed = value.trim();
  const bare = bareCredential(value);
  // "Bearer {{token}}" names a secret kept elsewhere: nothing here to hide.
  if (isReference(bare)) return [];
  return [value, trimmed, bare].filter((v) => v !== '' && !isReference(v));
}

/** The two halves of `user:password` and the pair itself; each may be the key (`KEY:` is a common form). */
export function basicSecrets(user: string, password: string): string[] {
  return [`${user}:${password}`, user, password].filter((v) => v !== '' && !isReference(v));
}

function decodeBasic(credential: string): string[] {
  const decoded = Buffer.from(credential.trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Not base64 of "user:password": nothing more to find (the encoded text itself is already registered).
  if (colon < 0 || /[\u0000-\u001f\uFFFD]/.test(decoded)) return [];
  return basicSecrets(decoded.slice(0, colon), decoded.slice(colon + 1));
}

function cookieValues(value: string): string[] {
  const out: string[] = [];
  for (const pair of value.split(';')) {
    const eq = pair.indexOf('=');
    if (eq >= 0) out.push(pair.slice(eq + 1).trim(), safeDecode(pair.slice(eq + 1).trim()));
  }
  return out;
}

/** The secrets a header carries: its value when the name says it is a credential, and each part of it. */
export function headerSecrets(name: string, value: string): string[] {
  if (typeof value !== 'string' || !isSensitiveHeader(name)) return [];
  const out = variants(value);
  const squashed = squashName(name);
  if (squashed === 'authorization' || squashed === 'proxyauthorization') {
    const m = /^\s*([A-Za-z-]+)\s+(.+)$/s.exec(value);
    if (m) {
      out.push(...variants(m[2]!));
      if (m[1]!.toLowerCase() === 'basic') out.push(...decodeBasic(m[2]!));
    }
  } else if (squashed === 'cookie') {
    out.push(...cookieValues(value));
  } else if (squashed === 'setcookie') {
    for (const line of value.split('\n')) out.push(...cookieValues(line.split(';')[0] ?? ''));
  }
  return out.filter((v) => v !== '' && !isReference(v));
}

export function headersSecrets(headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {}).flatMap(([name, value]) => headerSecrets(name, String(value ?? '')));
}

/** Key-like pairs of `a=1&api_key=K` (a query, a fragment, a form body): their values, raw and decoded. */
export function formSecrets(text: string): string[] {
  const out: string[] = [];
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || !isKeyParam(safeDecode(pair.slice(0, eq)).trim())) continue;
    out.push(pair.slice(eq + 1), safeDecode(pair.slice(eq + 1)));
  }
  return out.filter((v) => v !== '' && !isReference(v));
}

/** URL userinfo (user, password, both) and key-like parameters of its query and fragment. */
export function urlSecrets(url: string | undefined): string[] {
  if (typeof url !== 'string' || url === '') return [];
  const { userinfo, rest } = splitUserinfo(url.trim());
  const out: string[] = [];
  if (userinfo !== null) {
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    const password = colon < 0 ? '' : userinfo.slice(colon + 1);
    out.push(userinfo, safeDecode(userinfo), ...basicSecrets(user, password), ...basicSecrets(safeDecode(user), safeDecode(password)));
  }
  const hashAt = rest.indexOf('#');
  const beforeHash = hashAt < 0 ? rest : rest.slice(0, hashAt);
  const q = beforeHash.indexOf('?');
  if (q >= 0) out.push(...formSecrets(beforeHash.slice(q + 1)));
  if (hashAt >= 0) out.push(...formSecrets(rest.slice(hashAt + 1)));
  return out.filter((v) => v !== '' && !isReference(v));
}

const MAX_DEPTH = 64;

/**
 * Values of key-like names at any depth of parameters or a body: objects, lists, a JSON text, a form text.
 * A key-like name holding an object or a list marks everything inside it.
 */
export function paramSecrets(value: unknown, depth = 0, marked = false): string[] {
  if (depth > MAX_DEPTH) return [];
  if (typeof value === 'string') {
    if (marked) return variants(value);
    const text = value.trim();
    if (/^[[{]/.test(text)) {
      try {
        return paramSecrets(JSON.parse(text), depth + 1);
      } catch {
        return [];
      }
    }
    return text.includes('=') ? formSecrets(text) : [];
  }
  if (typeof value === 'number' && marked) return [String(value)];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => paramSecrets(item, depth + 1, marked));
  return Object.entries(value).flatMap(([name, item]) => paramSecrets(item, depth + 1, marked || isKeyParam(name)));
}

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];

/** Credentials in the proxy URLs of the environment: the HTTP client sends them as Proxy-Authorization. */
export function proxySecrets(env: Record<string, string | undefined> = process.env): string[] {
  return PROXY_VARIABLES.flatMap((name) => {
    const value = env[name];
    if (!value) return [];
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
    return splitUserinfo(url).userinfo === null ? [] : urlSecrets(url.replace(/[?#].*$/, ''));
  });
}
