import { distance } from 'fastest-levenshtein';
import { findByOperationId, loadCatalog } from './catalog.js';
import { UsageError } from '../shared/errors.js';
import type { Mode, Operation, QueryValue } from '../types.js';

export { DIRECT_BASE_URL, RAPIDAPI_BASE_URL, RAPIDAPI_HOST } from './hosts.js';

/** What the user's endpoint argument named, and anything it carried (path values, query, base URL). */
export interface ResolvedEndpoint {
  operation: Operation;
  path: Record<string, string>;
  query: Record<string, QueryValue>;
  /** Set when the endpoint was a full URL: the part before the operation's path. */
  baseUrl?: string;
  /** Set when the form tells (by the path, not the host): a /client/... path is direct, a RapidAPI path is rapidapi. */
  mode?: Mode;
}

interface Match {
  operation: Operation;
  path: Record<string, string>;
  mode: Mode;
  /**
   * One character per segment, '1' literal and '0' parameter. More literals win
   * (/airbnb-property/super-hosts beats /airbnb-property/{id}); on a tie, the earlier literal wins, as in most routers.
   */
  rank: string;
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function isSlot(part: string): boolean {
  return part.startsWith('{') && part.endsWith('}');
}

function matchTemplate(template: string, concrete: string[]): { path: Record<string, string>; rank: string } | null {
  const parts = segments(template);
  if (parts.length !== concrete.length) return null;
  const path: Record<string, string> = {};
  let rank = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const value = safeDecode(concrete[i]!);
    if (isSlot(part)) {
      // A path written as the template itself ({state}) names the operation without giving a value.
      if (value !== part) path[part.slice(1, -1)] = value;
      rank += '0';
    } else if (part === value) {
      rank += '1';
    } else {
      return null;
    }
  }
  return { path, rank };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function outranks(a: string, b: string): boolean {
  const count = (rank: string) => rank.split('1').length - 1;
  return count(a) !== count(b) ? count(a) > count(b) : a > b;
}

function bestMatch(concrete: string[], mode: Mode): Match | null {
  let best: Match | null = null;
  for (const operation of loadCatalog()) {
    const template = mode === 'direct' ? operation.path : operation.rapidapiPath;
    const m = template ? matchTemplate(template, concrete) : null;
    if (m && (!best || outranks(m.rank, best.rank))) best = { operation, mode, ...m };
  }
  return best;
}

type PathMatch = Match & { prefix: string[] };

/**
 * Finds the operation in a path and what comes before it: /v1.1, or a gateway's prefix (/mashvisor/v1.1).
 * Direct paths start at a "client" segment; RapidAPI paths have no marker, so each tail is tried, longest first.
 */
function matchPath(pathname: string): PathMatch | null {
  const parts = segments(pathname);
  for (let start = 0; start < parts.length; start++) {
    if (parts[start] !== 'client') continue;
    const m = bestMatch(parts.slice(start), 'direct');
    if (m) return { ...m, prefix: parts.slice(0, start) };
  }
  for (let start = 0; start < parts.length; start++) {
    const m = bestMatch(parts.slice(start), 'rapidapi');
    if (m) return { ...m, prefix: parts.slice(0, start) };
  }
  return null;
}

export function queryFromSearch(search: URLSearchParams): Record<string, QueryValue> {
  const query: Record<string, QueryValue> = {};
  for (const [name, value] of search) {
    const seen = query[name];
    query[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

function looksLikeUrl(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
}

/** "api.mashvisor.com/v1.1/client/..." pasted without its scheme: a host name, then a path. */
function looksLikeHostAndPath(input: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?\//i.test(input);
}

/**
 * A backslash in a URL's authority is read two ways: curl takes `https://a.com\\@b.com/` as user "a.com\\" at host
 * b.com, a WHATWG parser (Node, axios, browsers) as host a.com and path "/@b.com/". Refused, naming the host curl
 * would send to: the request is not one thing to check, and the part before '@' stays a possible credential.
 * The slashes after the scheme count too: WHATWG reads `https:\\\\a.com` as `https://a.com`, curl does not.
 * Used for an endpoint URL and for --base-url; a backslash in the path or query names no host and is left alone.
 */
export function backslashProblem(input: string): string | null {
  const scheme = /^[a-z][a-z0-9+.-]*:([/\\]*)/i.exec(input);
  if (scheme?.[1]!.includes('\\')) return 'the URL\'s "//" is written with a backslash, which other clients read as "/" and curl does not: write it as "//"';
  const afterScheme = scheme ? input.slice(scheme[0].length) : input;
  const authority = afterScheme.slice(0, afterScheme.search(/[/?#]|$/));
  if (!authority.includes('\\')) return null;
  const at = authority.lastIndexOf('@');
  if (at < 0) return 'the URL\'s host holds a backslash, which curl keeps and other clients read as "/": write the host without it';
  return `the URL sends to ${authority.slice(at + 1)} as curl reads it (what comes before "@" is taken as user:password), but to another host as other clients read it (they take the backslash for "/"). Nothing was sent; write the URL with the host you mean`;
}

function resolveUrl(input: string): ResolvedEndpoint | null {
  const ambiguous = backslashProblem(input);
  if (ambiguous) throw new UsageError(ambiguous);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`not a valid URL: ${input}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${input}`);
  const m = matchPath(url.pathname);
  if (!m) return null;
  const prefix = m.prefix.map((p) => `/${p}`).join('');
  return { operation: m.operation, path: m.path, query: queryFromSearch(url.searchParams), baseUrl: `${url.origin}${prefix}`, mode: m.mode };
}

/** Splits "path?query#fragment" at the first '?' (a query may hold more '?'), dropping the fragment. */
function splitPathAndQuery(input: string): [string, string] {
  const noFragment = input.split('#')[0]!;
  const q = noFragment.indexOf('?');
  return q < 0 ? [noFragment, ''] : [noFragment.slice(0, q), noFragment.slice(q + 1)];
}

/**
 * An operationId or a path, either with an optional ?query (getRentalRates?state=CA).
 * Without a host, only /v1.1 may come before the operation's path: anything else is more likely a typo than a gateway.
 */
function resolvePath(input: string): ResolvedEndpoint | null {
  const [pathname, search] = splitPathAndQuery(input);
  const query = queryFromSearch(new URLSearchParams(search));
  const byId = findByOperationId(pathname);
  if (byId) return { operation: byId, path: {}, query };
  const m = matchPath(pathname);
  if (!m) return null;
  const allowed = m.mode === 'direct' && m.prefix.length === 1 && m.prefix[0] === 'v1.1';
  if (m.prefix.length && !allowed) return null;
  return { operation: m.operation, path: m.path, query, mode: m.mode };
}

/**
 * Resolves what the user typed: an operationId (getRentalRates), a path template (/client/rental-rates),
 * a concrete path (/client/city/properties/TX/Austin), a full URL (query parsed, base URL kept, gateway prefix
 * included), with or without /v1.1, or a RapidAPI path (/rental-rates).
 * Unknown endpoints are a usage error that suggests the nearest names.
 */
export function resolveEndpoint(input: string | undefined): ResolvedEndpoint {
  const trimmed = (input ?? '').trim();
  if (!trimmed) throw new UsageError('name an endpoint: an operationId such as getRentalRates, a path or a URL (list them with: mashvisor-preflight endpoints)');
  const resolved = looksLikeUrl(trimmed) ? resolveUrl(trimmed)
    : looksLikeHostAndPath(trimmed) ? resolveUrl(`https://${trimmed}`)
      : resolvePath(trimmed);
  if (resolved) return resolved;
  const near = suggestEndpoints(trimmed);
  const hint = near.length ? ` — did you mean ${near.join(', ')}?` : '';
  throw new UsageError(`unknown endpoint: ${trimmed}${hint} (list them with: mashvisor-preflight endpoints)`);
}

/** The closest operationIds and path templates to what the user typed. */
export function suggestEndpoints(input: string, count = 3): string[] {
  const wanted = splitPathAndQuery(input.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, ''))[0].replace(/^\/?v1\.1(?=\/|$)/i, '').toLowerCase();
  const names = new Set(loadCatalog().flatMap((op) => [op.operationId, op.path, ...(op.rapidapiPath ? [op.rapidapiPath] : [])]));
  return [...names]
    .map((name) => ({ name, d: distance(wanted, name.toLowerCase()) / Math.max(name.length, wanted.length, 1) }))
    .filter((x) => x.d < 0.5)
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((x) => x.name);
}

/**
 * The closest known name to an unknown parameter, or null. "zipcode" → "zip_code", "stat" → "state".
 * Allows about one edit in three letters, and never an edit of the whole name ("ab" is not "id").
 */
export function nearestName(name: string, known: string[]): string | null {
  const plain = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: { name: string; d: number } | null = null;
  for (const candidate of known) {
    const d = plain(candidate) === plain(name) ? 0 : distance(name.toLowerCase(), candidate.toLowerCase());
    const limit = Math.min(Math.max(2, Math.floor(candidate.length / 3)), name.length - 1, candidate.length - 1);
    if (d <= limit && (!best || d < best.d)) best = { name: candidate, d };
  }
  return best?.name ?? null;
}

/** Fills a path template with values, encoding each segment. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : encodeURIComponent(values[name]!),
  );
}
