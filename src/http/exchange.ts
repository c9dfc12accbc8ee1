import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import axios, { type AxiosResponse } from 'axios';
import type { Exchange, HttpMethod, NetworkErrorKind, Timings } from '../types.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  maxBodyBytes?: number;
}

interface Marks {
  start: number;
  lookup?: number;
  connect?: number;
  secure?: number;
  firstByte?: number;
  end?: number;
}

// Socket events give the phases (DNS, connect, TLS, first byte) the way httpstat shows them.
function watch(socket: Socket, marks: Marks): void {
  socket.once('lookup', () => (marks.lookup ??= performance.now()));
  socket.once('connect', () => (marks.connect ??= performance.now()));
  socket.once('secureConnect', () => (marks.secure ??= performance.now()));
  socket.once('data', () => (marks.firstByte ??= performance.now()));
}

function timingAgents(marks: Marks): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  class HttpTiming extends http.Agent {
    override createConnection(...args: Parameters<http.Agent['createConnection']>) {
      const socket = (http.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket }).createConnection.apply(this, args);
      watch(socket, marks);
      return socket;
    }
  }
  class HttpsTiming extends https.Agent {
    override createConnection(...args: Parameters<http.Agent['createConnection']>) {
      const socket = (https.Agent.prototype as unknown as { createConnection: (...a: unknown[]) => Socket }).createConnection.apply(this, args);
      watch(socket, marks);
      return socket;
    }
  }
  return { httpAgent: new HttpTiming({ keepAlive: false }), httpsAgent: new HttpsTiming({ keepAlive: false }) };
}

function round(ms: number | undefined | null): number | null {
  return ms === undefined || ms === null || Number.isNaN(ms) ? null : Math.max(0, Math.round(ms * 10) / 10);
}

function phases(marks: Marks, isTls: boolean, literalIp: boolean): Timings {
  const end = marks.end ?? performance.now();
  const dnsEnd = marks.lookup ?? (literalIp ? marks.start : undefined);
  const connectStart = dnsEnd ?? marks.start;
  const firstByteFrom = marks.secure ?? marks.connect;
  return {
    dns: marks.lookup ? round(marks.lookup - marks.start) : literalIp ? 0 : null,
    connect: marks.connect ? round(marks.connect - connectStart) : null,
    tls: isTls && marks.secure && marks.connect ? round(marks.secure - marks.connect) : isTls ? null : 0,
    firstByte: marks.firstByte && firstByteFrom ? round(marks.firstByte - firstByteFrom) : null,
    download: marks.firstByte ? round(end - marks.firstByte) : null,
    total: round(end - marks.start) ?? 0,
  };
}

/** Node's error codes → the kinds a user can act on. */
export function classifyNetworkError(err: unknown, timedOut: boolean): { kind: NetworkErrorKind; code: string; message: string } {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code && e.code !== 'ERR_CANCELED' && e.code !== 'ECONNABORTED' ? e.code : e?.cause?.code ?? e?.code ?? 'UNKNOWN';
  if (timedOut || code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return { kind: 'timeout', code: 'ETIMEDOUT', message: 'no complete answer within the timeout' };
  }
  const kinds: Record<string, NetworkErrorKind> = {
    ENOTFOUND: 'dns', EAI_AGAIN: 'dns', EAI_FAIL: 'dns', ECONNREFUSED: 'refused', ECONNRESET: 'reset', EPIPE: 'reset',
    ERR_STREAM_PREMATURE_CLOSE: 'reset', UND_ERR_SOCKET: 'reset', EHOSTUNREACH: 'refused', ENETUNREACH: 'refused',
  };
  const kind = kinds[code] ?? (/^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL|EPROTO)/.test(code) ? 'tls' : 'other');
  const messages: Record<NetworkErrorKind, string> = {
    dns: 'the host name could not be resolved', refused: 'the connection was refused', reset: 'the connection was reset',
    timeout: 'no complete answer within the timeout', tls: 'the TLS handshake failed', redirect: 'redirect not followed',
    budget: 'request budget exhausted', other: e?.message ?? 'the request failed',
  };
  return { kind, code, message: messages[kind] };
}

function flatHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Reads a body stream keeping at most `cap` bytes, counting the rest; never holds more than the cap in memory. */
function readCapped(stream: NodeJS.ReadableStream & { destroy?: () => void }, cap: number): Promise<{ kept: Buffer; bytes: number; error: unknown }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let bytes = 0;
    let done = false;
    const finish = (error: unknown) => {
      if (done) return;
      done = true;
      resolve({ kept: Buffer.concat(chunks), bytes, error });
    };
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (kept < cap) {
        const part = chunk.length > cap - kept ? chunk.subarray(0, cap - kept) : chunk;
        chunks.push(part);
        kept += part.length;
      }
    });
    stream.on('end', () => finish(null));
    stream.on('error', (err) => finish(err));
    stream.on('aborted', () => finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    stream.on('close', () => finish(done ? null : Object.assign(new Error('premature close'), { code: 'ECONNRESET' })));
  });
}

/**
 * Sends exactly one request and records everything about it. Never follows a redirect: one request is the budget,
 * and the key must never travel to another host.
 */
export async function performExchange(req: OutgoingRequest): Promise<Exchange> {
  const marks: Marks = { start: performance.now() };
  const target = new URL(req.url);
  const isTls = target.protocol === 'https:';
  const literalIp = isIP(target.hostname.replace(/^\[|\]$/g, '')) !== 0;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const agents = timingAgents(marks);
  const startedAt = new Date().toISOString();
  const exchange: Exchange = {
    startedAt,
    request: { method: req.method, url: req.url, headers: { ...req.headers }, body: req.body },
    response: null,
    timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 0 },
    error: null,
    redirect: null,
  };
  try {
    const res = await axios.request({
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.body ?? undefined,
      responseType: 'stream',
      decompress: true,
      maxRedirects: 0,
      validateStatus: () => true,
      signal: controller.signal,
      timeout: req.timeoutMs,
      // A local target (the simulator, a test server) must never go through a proxy from the environment.
      proxy: literalIp || target.hostname === 'localhost' ? false : undefined,
      transitional: { clarifyTimeoutError: true },
      ...agents,
    });
    marks.firstByte ??= performance.now();
    const body = await readCapped(res.data, req.maxBodyBytes ?? MAX_BODY_BYTES);
    marks.end = performance.now();
    const headers = flatHeaders(res.headers);
    exchange.response = {
      status: res.status,
      statusText: res.statusText ?? '',
      httpVersion: (res.request as { res?: { httpVersion?: string } })?.res?.httpVersion ?? '1.1',
      headers,
      body: body.kept.toString('utf8'),
      bodyBytes: body.bytes,
      truncated: body.bytes > body.kept.length,
    };
    if (body.error) exchange.error = classifyNetworkError(body.error, timedOut);
    if (res.status >= 300 && res.status < 400 && headers.location) {
      const location = new URL(headers.location, req.url);
      exchange.redirect = { status: res.status, location: location.href, crossHost: location.host !== target.host };
    }
  } catch (err) {
    marks.end = performance.now();
    exchange.error = classifyNetworkError(err, timedOut);
  } finally {
    clearTimeout(timer);
    agents.httpAgent.destroy();
    agents.httpsAgent.destroy();
  }
  exchange.timings = phases(marks, isTls, literalIp);
  return exchange;
}
