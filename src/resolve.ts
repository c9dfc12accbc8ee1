import { distance } from 'fastest-levenshtein';
import { findByOperationId, loadCatalog } from './catalog.js';
import { UsageError } from './errors.js';
import type { Mode, Operation, QueryValue } from './types.js';

export const DIRECT_BASE_URL = 'https://api.mashvisor.com/v1.1';
export const RAPIDAPI_BASE_URL = 'https://mashvisor-api.p.rapidapi.com';
export const RAPIDAPI_HOST = 'mashvisor-api.p.rapidapi.com';

/** What the user's endpoint argument named, and anything it carried (path values, query, base URL). */
export interface ResolvedEndpoint {
  operation: Operation;
  path: Record<string, string>;
  query: Record<string, QueryValue>;
  /** Set when the endpoint was a full URL: the part before the operation's path. */
  baseUrl?: string;
  /** Set when the form tells: a /client/... path is direct, a RapidAPI path or host is rapidapi. */
  mode?: Mode;
}

interface Match {
  operation: Operation;
  path: Record<string, string>;
  mode: Mode;
  /** Literal segments matched; the more, the more specific (/airbnb-property/super-hosts beats /airbnb-property/{id}). */
  literals: number;
}

function segments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function matchTemplate(template: string, concrete: string[]): { path: Record<string, string>; literals: number } | null {
  const parts = segments(template);
  if (parts.length !== concrete.length) return null;
  const path: Record<string, string> = {};
  let literals = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const value = concrete[i]!;
    if (part.startsWith('{') && part.endsWith('}')) {
      // A path written as the template itself ({state}) names the operation without a value.
      if (value !== part) path[part.slice(1, -1)] = safeDecode(value);
    } else if (part === value) {
      literals++;
    } else {
      return null;
    }
  }
  return { path, literals };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function bestMatch(concrete: string[], mode: Mode | 'any'): Match | null {
  let best: Match | null = null;
  for (const operation of loadCatalog()) {
    const candidates: Array<[string | null, Mode]> = [
      [operation.path, 'direct'],
      [operation.rapidapiPath, 'rapidapi'],
    ];
    for (const [template, templateMode] of candidates) {
      if (!template || (mode !== 'any' && mode !== templateMode)) continue;
      const m = matchTemplate(template, concrete);
      if (m && (!best || m.literals > best.literals)) best = { operation, mode: templateMode, ...m };
    }
  }
  return best;
}

/** Finds the operation in a path, skipping any prefix (a gateway's, or /v1.1) before /client/. */
function matchPath(pathname: string): (Match & { prefix: string }) | null {
  const parts = segments(pathname);
  const clientAt = parts.indexOf('client');
  if (clientAt >= 0) {
    const m = bestMatch(parts.slice(clientAt), 'direct');
    if (m) return { ...m, prefix: parts.slice(0, clientAt).join('/') };
  }
  // RapidAPI paths carry no prefix of their own, but may sit behind one: try the longest tail first.
  for (let start = 0; start < parts.length; start++) {
    const m = bestMatch(parts.slice(start), 'rapidapi');
    if (m) return { ...m, prefix: parts.slice(0, start).join('/') };
  }
  return null;
}

function queryFromSearch(search: URLSearchParams): Record<string, QueryValue> {
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

function resolveUrl(input: string): ResolvedEndpoint | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`not a valid URL: ${input}`);
  }
  const m = matchPath(url.pathname);
  if (!m) return null;
  const prefix = m.prefix ? `/${m.prefix}` : '';
  const mode: Mode = m.mode === 'direct' ? 'direct' : 'rapidapi';
  return { operation: m.operation, path: m.path, query: queryFromSearch(url.searchParams), baseUrl: `${url.origin}${prefix}`, mode };
}

function resolvePath(input: string): ResolvedEndpoint | null {
  const [pathname = '', search = ''] = input.split('?', 2);
  const m = matchPath(pathname.startsWith('/') ? pathname : `/${pathname}`);
  if (!m) return null;
  return { operation: m.operation, path: m.path, query: queryFromSearch(new URLSearchParams(search)), mode: m.mode };
}

/**
 * Resolves what the user typed: an operationId (getRentalRates), a path template (/client/rental-rates),
 * a concrete path (/client/city/properties/TX/Austin), a full URL (query parsed), with or without /v1.1,
 * or a RapidAPI path (/rental-rates). Unknown endpoints are a usage error that suggests the nearest names.
 */
export function resolveEndpoint(input: string): ResolvedEndpoint {
  const trimmed = input.trim();
  if (!trimmed) throw new UsageError('an endpoint is required: an operationId such as getRentalRates, a path or a URL');
  const byId = findByOperationId(trimmed);
  if (byId) return { operation: byId, path: {}, query: {} };
  const resolved = looksLikeUrl(trimmed) ? resolveUrl(trimmed) : resolvePath(trimmed);
  if (resolved) return resolved;
  const near = suggestEndpoints(trimmed);
  const hint = near.length ? ` — did you mean ${near.join(', ')}?` : '';
  throw new UsageError(`unknown endpoint: ${trimmed}${hint} (list them with: mashvisor-preflight endpoints)`);
}

/** The closest operationIds and paths to what the user typed. */
export function suggestEndpoints(input: string, count = 3): string[] {
  const wanted = input.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/?v1\.1/, '').split('?')[0]!.toLowerCase();
  const names = loadCatalog().flatMap((op) => [op.operationId, op.path, ...(op.rapidapiPath ? [op.rapidapiPath] : [])]);
  return names
    .map((name) => ({ name, d: distance(wanted, name.toLowerCase()) / Math.max(name.length, 1) }))
    .filter((x) => x.d < 0.5)
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((x) => x.name);
}

/** The closest known name to an unknown parameter, or null. "zipcode" → "zip_code". */
export function nearestName(name: string, known: string[]): string | null {
  const plain = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: { name: string; d: number } | null = null;
  for (const candidate of known) {
    const d = plain(candidate) === plain(name) ? 0 : distance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= Math.max(2, Math.floor(candidate.length / 3)) && (!best || d < best.d)) best = { name: candidate, d };
  }
  return best?.name ?? null;
}

/** Fills a path template with values, encoding each segment. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : encodeURIComponent(values[name]!),
  );
}
