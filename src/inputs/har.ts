// HAR files as browsers and proxies save them: read the Mashvisor requests out of one, each with its recorded answer.
// Making a copy safe to attach to a support ticket is har-sanitize.ts; what both need is in har-shared.ts.
import { InputError, setHeader, type RawRequest } from './raw.js';
import { DIRECT_HOST, RAPIDAPI_HOST } from '../catalog/hosts.js';
import type { Exchange, HttpMethod, Timings } from '../types.js';
import { isObject, requireHarLog, type HarHeader } from './har-shared.js';

const MASHVISOR_HOSTS = new Set([DIRECT_HOST, RAPIDAPI_HOST]);

/** Reads every entry's request. Validates only what is needed: log.entries, and a method and URL per request. */
export function readHarEntries(har: unknown): RawRequest[] {
  const entries = (har as { log?: { entries?: unknown } } | null)?.log?.entries;
  requireHarLog(har);
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
  const recorded = recordedExchange(entry as Record<string, unknown>, raw);
  if (recorded) raw.recorded = recorded;
  return raw;
}

/** A recorded body is kept up to the size a live answer's is, so an offline reading costs no more than a live one. */
const MAX_RECORDED_BODY_BYTES = 1024 * 1024;

/** HAR timings use -1 for "does not apply". */
function phase(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function recordedTimings(entry: Record<string, unknown>): Timings {
  const t = isObject(entry.timings) ? entry.timings as Record<string, unknown> : {};
  const tls = phase(t.ssl);
  const connect = phase(t.connect);
  const total = phase(entry.time) ?? [t.blocked, t.dns, t.connect, t.send, t.wait, t.receive].map(phase).reduce<number>((sum, v) => sum + (v ?? 0), 0);
  // HAR counts TLS inside connect; ours are consecutive phases.
  return { dns: phase(t.dns), connect: connect !== null && tls !== null ? Math.max(0, connect - tls) : connect, tls, firstByte: phase(t.wait), download: phase(t.receive), total };
}

/** Response headers as a live answer has them: lower-case names, repeats joined, HTTP/2 pseudo headers left out. */
function recordedHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(headers)) return out;
  for (const h of headers as Array<{ name?: unknown; value?: unknown }>) {
    if (!isObject(h) || typeof h.name !== 'string' || h.name.startsWith(':')) continue;
    const name = h.name.toLowerCase();
    const value = typeof h.value === 'string' ? h.value : String(h.value ?? '');
    out[name] = out[name] === undefined ? value : `${out[name]}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  return out;
}

/** The recorded body as text (base64 decoded), cut where a live answer would be cut. */
function recordedBody(content: unknown): { body: string; bodyBytes: number; truncated: boolean; bodyNotRecorded?: true } {
  const c = isObject(content) ? content as { text?: unknown; encoding?: unknown; size?: unknown } : {};
  const size = typeof c.size === 'number' && c.size >= 0 ? c.size : 0;
  if (typeof c.text !== 'string') return { body: '', bodyBytes: size, truncated: false, ...(size > 0 ? { bodyNotRecorded: true as const } : {}) };
  const bytes = c.encoding === 'base64' ? Buffer.from(c.text, 'base64') : Buffer.from(c.text, 'utf8');
  const truncated = bytes.length > MAX_RECORDED_BODY_BYTES;
  return { body: (truncated ? bytes.subarray(0, MAX_RECORDED_BODY_BYTES) : bytes).toString('utf8'), bodyBytes: Math.max(bytes.length, size), truncated };
}

/**
 * The entry's answer as an Exchange, for the same checks a live answer goes through. Null when the HAR holds no
 * answer; a status of 0 (a browser that got none: blocked, aborted, offline) is a request without a response.
 */
export function recordedExchange(entry: Record<string, unknown>, raw: RawRequest): Exchange | null {
  const response = entry.response;
  if (!isObject(response)) return null;
  const r = response as { status?: unknown; statusText?: unknown; httpVersion?: unknown; headers?: unknown; content?: unknown; redirectURL?: unknown };
  if (typeof r.status !== 'number' || !Number.isInteger(r.status)) return null;
  const request: Exchange['request'] = { method: raw.method.toUpperCase() as HttpMethod, url: raw.url, headers: raw.headers, body: raw.body };
  const base = { startedAt: typeof entry.startedDateTime === 'string' ? entry.startedDateTime : '', request, timings: recordedTimings(entry) };
  if (r.status < 100 || r.status > 599) {
    return { ...base, response: null, redirect: null,
      error: { kind: 'other', code: 'NO_RECORDED_RESPONSE', message: `the HAR recorded no answer (status ${r.status}): the request was blocked, aborted or never sent` } };
  }
  const headers = recordedHeaders(r.headers);
  const location = typeof r.redirectURL === 'string' && r.redirectURL ? r.redirectURL : headers.location;
  return {
    ...base,
    response: {
      status: r.status, statusText: typeof r.statusText === 'string' ? r.statusText : '',
      httpVersion: typeof r.httpVersion === 'string' ? r.httpVersion.replace(/^HTTP\//i, '') : '1.1',
      headers, ...recordedBody(r.content),
    },
    error: null,
    redirect: r.status >= 300 && r.status < 400 && location ? { status: r.status, location, crossHost: crossesHost(raw.url, location) } : null,
  };
}

function crossesHost(from: string, to: string): boolean {
  try {
    return new URL(to, from).host !== new URL(from).host;
  } catch {
    return true;
  }
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
