import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import axios, { type AxiosResponse } from 'axios';
import { classifyNetworkError } from './errors.js';
import { KEPT_BODY_BYTES, READ_BODY_BYTES, readStopped } from '../shared/body-limits.js';
import type { Exchange, HttpMethod, Timings } from '../types.js';

export { classifyNetworkError } from './errors.js';

/** The axios this exchange runs on, for the report's environment block. */
export const AXIOS_VERSION: string = axios.VERSION;

/** The report keeps this many bytes of a body (see shared/body-limits.ts). */
export const MAX_BODY_BYTES = KEPT_BODY_BYTES;

/** What a Node timer holds; a longer delay would fire at once. The CLI refuses more; a library caller gets this. */
const MAX_TIMER_MS = 2_147_483_647;

export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** Bounds the whole exchange: connect, headers and body. */
  timeoutMs: number;
  maxBodyBytes?: number;
}

/** performance.now() at each step of the exchange. */
interface Marks {
  start: number;
  /** The agent created the socket: axios's own set-up is over, the network part begins. */
  socket?: number;
  lookup?: number;
  connect?: number;
  secure?: number;
  firstByte?: number;
  end?: number;
}

// Socket events give the phases (DNS, connect, TLS, first byte) the way httpstat shows them.
function watch(socket: Socket, marks: Marks): void {
  marks.socket ??= performance.now();
  socket.once('lookup', () => (marks.lookup ??= performance.now()));
  socket.once('connect', () => (marks.connect ??= performance.now()));
  socket.once('secureConnect', () => (marks.secure ??= performance.now()));
  socket.once('data', () => (marks.firstByte ??= performance.now()));
}

type CreateConnection = (...args: unknown[]) => Socket;

/** An agent that reports its new socket to `marks`. No keep-alive: one exchange, one connection, closed after. */
function timingAgent(isTls: boolean, marks: Marks): { httpAgent: http.Agent } | { httpsAgent: https.Agent } {
  const Base = isTls ? https.Agent : http.Agent;
  const create = Base.prototype.createConnection as unknown as CreateConnection;
  class Timing extends Base {
    override createConnection(...args: Parameters<http.Agent['createConnection']>) {
      const socket = create.apply(this, args);
      watch(socket, marks);
      return socket;
    }
  }
  const agent = new Timing({ keepAlive: false });
  return isTls ? { httpsAgent: agent as unknown as https.Agent } : { httpAgent: agent };
}

function round(ms: number | undefined): number | null {
  return ms === undefined || Number.isNaN(ms) ? null : Math.max(0, Math.round(ms * 10) / 10);
}

function between(from: number | undefined, to: number | undefined): number | null {
  return from === undefined || to === undefined ? null : round(to - from);
}

/**
 * The phases of one exchange. DNS and connect are measured from the moment the socket exists, so the HTTP
 * client's own set-up is not counted as network time; the total runs from the start of performExchange.
 */
export function phases(marks: Marks, isTls: boolean, literalIp: boolean): Timings {
  const end = marks.end ?? performance.now();
  // A literal IP needs no lookup (Node emits no 'lookup' event): DNS is 0 and connect starts with the socket.
  const dnsDone = marks.lookup ?? (literalIp ? marks.socket : undefined);
  const requestSent = isTls ? marks.secure : marks.connect;
  return {
    dns: literalIp && marks.socket !== undefined ? 0 : between(marks.socket, marks.lookup),
    connect: between(dnsDone, marks.connect),
    tls: isTls ? between(marks.connect, marks.secure) : 0,
    firstByte: between(requestSent, marks.firstByte),
    download: between(marks.firstByte, end),
    total: round(end - marks.start) ?? 0,
  };
}

/**
 * Response headers, lower-cased, repeated ones joined. Read from the raw header list when there is one:
 * axios deletes content-encoding once it has decoded the body, and the report should still say gzip.
 */
function responseHeaders(res: AxiosResponse): Record<string, string> {
  const raw = (res.request as { res?: { rawHeaders?: string[] } } | undefined)?.res?.rawHeaders;
  const out: Record<string, string> = {};
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    out[lower] = out[lower] === undefined ? value : `${out[lower]}, ${value}`;
  };
  if (Array.isArray(raw) && raw.length) {
    for (let i = 0; i + 1 < raw.length; i += 2) add(raw[i]!, raw[i + 1]!);
    return out;
  }
  for (const [name, value] of Object.entries(res.headers ?? {})) {
    if (value !== undefined && value !== null) add(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
  return out;
}

interface CappedBody {
  kept: Buffer;
  /** Every byte read, kept or not. */
  bytes: number;
  error: unknown;
}

/** Content codings axios decodes on the fly; a few compressed bytes can decode to gigabytes. */
const DECODED = /^(?:x-)?(?:gzip|deflate|br|compress)$/i;

/** True when the body stream carries decoded bytes (the server sent it compressed). */
function isDecoded(headers: Record<string, string>): boolean {
  return (headers['content-encoding'] ?? '').split(',').some((coding) => DECODED.test(coding.trim()));
}

/**
 * Reads a body stream keeping at most `cap` bytes and counting the rest, up to `limit` bytes read: past that the
 * stream is closed (see shared/body-limits.ts), so memory never holds more than the limit's worth of reads. A
 * decoded body (stopAtCap) is not read past the cap at all: decompressing a bomb to count it would cost the CPU
 * and memory the cap is there to save, so reading stops and the body is marked truncated.
 */
function readCapped(stream: NodeJS.ReadableStream & { destroy?: () => void }, cap: number, stopAtCap = false, limit = READ_BODY_BYTES): Promise<CappedBody> {
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
      if (done) return;
      bytes += chunk.length;
      if (bytes > limit || (kept >= cap && stopAtCap)) {
        finish(null);
        stream.destroy?.();
        return;
      }
      if (kept >= cap) return;
      const part = chunk.length > cap - kept ? chunk.subarray(0, cap - kept) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    stream.on('end', () => finish(null));
    stream.on('error', (err) => finish(err));
    stream.on('aborted', () => finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    // 'close' without 'end' is a body that broke off.
    stream.on('close', () => finish(Object.assign(new Error('premature close'), { code: 'ECONNRESET' })));
  });
}

/** A 3xx with a Location is recorded, never followed; crossHost when it points at another host or port. */
/** HTTP status codes are 100-599 (RFC 9110 §15); the report's schema holds no other. */
export function validStatus(status: unknown): status is number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599;
}

class InvalidStatus extends Error {
  constructor(readonly status: number) {
    super('invalid status');
  }
}

export function invalidStatusError(status: unknown): { kind: 'other'; code: string; message: string } {
  return { kind: 'other', code: 'HPE_INVALID_STATUS', message: `the server answered with status ${String(status)}, which is not valid HTTP (a status is 100 to 599)` };
}

function redirectOf(status: number, location: string | undefined, requestUrl: string): Exchange['redirect'] {
  if (status < 300 || status >= 400 || !location) return null;
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return { status, location, crossHost: true };
  }
  return { status, location: target.href, crossHost: target.host !== new URL(requestUrl).host };
}

function emptyExchange(req: OutgoingRequest): Exchange {
  return {
    startedAt: new Date().toISOString(),
    request: { method: req.method, url: req.url, headers: { ...req.headers }, body: req.body },
    response: null,
    timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 0 },
    error: null,
    redirect: null,
  };
}

/**
 * Sends exactly one request and records everything about it. Never follows a redirect: one request is the budget,
 * and the key must never travel to another host. Never throws: a failure is recorded in `error`.
 */
export async function performExchange(req: OutgoingRequest): Promise<Exchange> {
  const marks: Marks = { start: performance.now() };
  let target: URL;
  try {
    target = new URL(req.url);
  } catch {
    return { ...emptyExchange(req), error: { kind: 'other', code: 'ERR_INVALID_URL', message: `not a valid URL: ${req.url}` } };
  }
  const isTls = target.protocol === 'https:';
  const literalIp = isIP(target.hostname.replace(/^\[|\]$/g, '')) !== 0;
  const exchange = emptyExchange(req);
  // One timer bounds everything, the body included: axios's own timeout only watches for an idle socket,
  // which a server dripping an endless body never is.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, Math.min(req.timeoutMs, MAX_TIMER_MS));
  const agents = timingAgent(isTls, marks);
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
      // A local target (the simulator, a test server) must never go through a proxy from the environment.
      proxy: literalIp || target.hostname === 'localhost' ? false : undefined,
      ...agents,
    });
    marks.firstByte ??= performance.now();
    if (!validStatus(res.status)) {
      // Node's parser takes any three digits (099, 799): such an answer is not HTTP, as a malformed status line is not.
      (res.data as { destroy?: () => void }).destroy?.();
      throw new InvalidStatus(res.status);
    }
    const headers = responseHeaders(res);
    const body = await readCapped(res.data, req.maxBodyBytes ?? MAX_BODY_BYTES, isDecoded(headers));
    marks.end = performance.now();
    exchange.response = {
      status: res.status,
      statusText: res.statusText ?? '',
      httpVersion: (res.request as { res?: { httpVersion?: string } } | undefined)?.res?.httpVersion ?? '1.1',
      headers,
      body: body.kept.toString('utf8'),
      bodyBytes: body.bytes,
      truncated: body.bytes > body.kept.length,
      ...(readStopped(body.bytes) ? { readStopped: true as const } : {}),
    };
    if (body.error) exchange.error = classifyNetworkError(body.error, timedOut, req.timeoutMs);
    exchange.redirect = redirectOf(res.status, headers.location, req.url);
  } catch (err) {
    marks.end = performance.now();
    exchange.error = err instanceof InvalidStatus ? invalidStatusError(err.status) : classifyNetworkError(err, timedOut, req.timeoutMs);
  } finally {
    clearTimeout(timer);
    ('httpAgent' in agents ? agents.httpAgent : agents.httpsAgent).destroy();
  }
  exchange.timings = phases(marks, isTls, literalIp);
  return exchange;
}
