// HAR 1.2 with the one exchange, so the request can be opened in browser dev tools, Postman or a HAR viewer.
import { formatBytes } from '../shared/units.js';
import type { QueryValue, Report } from '../types.js';
import { exchangeTimings } from './json.js';
import { findHeader } from '../shared/headers.js';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    comment: string;
    entries: HarEntry[];
  };
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: never[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: never[];
    headers: HarNameValue[];
    content: { size: number; mimeType: string; text?: string; comment?: string };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    /** Chrome's extension field for a request that got no response. */
    _error?: string;
  };
  cache: Record<string, never>;
  timings: {
    blocked: number;
    dns: number;
    connect: number;
    ssl: number;
    send: number;
    wait: number;
    receive: number;
  };
  comment?: string;
}

function nameValues(record: Record<string, string>): HarNameValue[] {
  return Object.entries(record ?? {}).map(([name, value]) => ({ name, value: String(value) }));
}

function queryString(query: Record<string, QueryValue>): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: String(v) });
  }
  return out;
}

function headerValue(headers: Record<string, string>, name: string): string | null {
  const hit = findHeader(headers ?? {}, name);
  return hit === undefined ? null : String(hit);
}

/** HAR wants "HTTP/1.1"; Node reports "1.1". */
function httpVersion(version: string | undefined): string {
  if (!version) return 'HTTP/1.1';
  return /^\d/.test(version) ? `HTTP/${version}` : version;
}

/** HAR's -1 means "does not apply / not measured". */
function ms(value: number | null | undefined): number {
  return value === null || value === undefined || !Number.isFinite(value) ? -1 : Math.round(value * 1000) / 1000;
}

export function renderHar(report: Report): HarLog {
  const q = report.request;
  const r = report.response;
  const t = exchangeTimings(report);

  const requestBody =
    q.body === null || q.body === undefined ? null : typeof q.body === 'string' ? q.body : JSON.stringify(q.body);
  const request: HarEntry['request'] = {
    method: q.method,
    url: q.url,
    httpVersion: httpVersion(r?.httpVersion),
    cookies: [],
    headers: nameValues(q.headers),
    queryString: queryString(q.query),
    headersSize: -1,
    bodySize: requestBody === null ? 0 : Buffer.byteLength(requestBody, 'utf8'),
  };
  if (requestBody !== null) {
    request.postData = { mimeType: headerValue(q.headers, 'content-type') ?? 'application/json', text: requestBody };
  }

  let response: HarEntry['response'];
  if (r) {
    const content: HarEntry['response']['content'] = {
      size: r.bodyBytes,
      mimeType: r.contentType ?? headerValue(r.headers, 'content-type') ?? 'x-unknown',
      text: r.bodyText,
    };
    if (r.truncated) content.comment = `truncated: ${formatBytes(r.bodyBytes)} received, only the beginning kept`;
    response = {
      status: r.status,
      statusText: r.statusText,
      httpVersion: httpVersion(r.httpVersion),
      cookies: [],
      headers: nameValues(r.headers),
      content,
      redirectURL: headerValue(r.headers, 'location') ?? '',
      headersSize: -1,
      bodySize: r.bodyBytes,
    };
  } else {
    const e = report.error;
    response = {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _error: e ? `${e.kind} (${e.code}): ${e.message}` : report.requestsSent === 0 ? 'not sent' : 'no response',
    };
  }

  // HAR counts TLS inside connect; our phases are consecutive, so connect here is TCP + TLS.
  const connect = t && t.connect !== null ? t.connect + (t.tls ?? 0) : null;
  const entry: HarEntry = {
    startedDateTime: report.createdAt,
    time: Math.max(0, ms(t?.total ?? null)),
    request,
    response,
    cache: {},
    timings: {
      blocked: -1,
      dns: ms(t?.dns),
      connect: ms(connect),
      ssl: ms(t?.tls),
      // Sending is not measured separately; it is part of the wait.
      send: t ? 0 : -1,
      wait: ms(t?.firstByte),
      receive: ms(t?.download),
    },
    comment: `${report.verdict}: ${report.summary}`,
  };

  return {
    log: {
      version: '1.2',
      creator: { name: report.tool.name, version: report.tool.version },
      comment: `${report.tool.name} report, verdict ${report.verdict}. Credentials are redacted.`,
      entries: [entry],
    },
  };
}
