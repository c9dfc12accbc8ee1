// wrapFetch: attachPreflight (interceptor.ts) for apps on fetch/undici. The app's own call is the exchange the report
// is built from: nothing is sent twice, and the app gets its Response back untouched (the report reads a clone).
import { classifyNetworkError } from '../http/errors.js';
import { resolveEndpoint } from '../catalog/resolve.js';
import { reportFromExchange, specFromCall, type AttachOptions, type PreflightAttachment } from './interceptor.js';
import type { Exchange, HttpMethod, RequestSpec } from '../types.js';

/** What wrapFetch accepts and returns: the shape of the global fetch (undici's fetch fits too). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface WrapFetchOptions extends AttachOptions {
  /** Told when a report could not be made or written; the app's call goes on unchanged. */
  onError?: (error: unknown) => void;
}

/** A network error thrown by the wrapped fetch, with the report of that failed call. */
export type PreflightFetchError = Error & { preflightReport?: PreflightAttachment };

/** The kept part of a body, as the CLI keeps it: the first MiB. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Call {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
}

function plainHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** A request body the report can show; streams, forms and blobs are not read (that would consume them). */
function bodyText(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return null;
}

/** The URL, method and headers of a call, read without touching its body; null when the URL is not one. */
function describeCall(input: string | URL | Request, init: RequestInit | undefined): Call | null {
  const isRequest = typeof Request !== 'undefined' && input instanceof Request;
  let url: URL;
  try {
    url = new URL(isRequest ? (input as Request).url : String(input));
  } catch {
    return null;
  }
  const method = (init?.method ?? (isRequest ? (input as Request).method : 'GET')).toUpperCase() as HttpMethod;
  const headers = plainHeaders(new Headers(init?.headers ?? (isRequest ? (input as Request).headers : undefined)));
  return { url, method, headers, body: bodyText(init?.body) };
}

/** Is this a call the report is about? Decided from the URL alone, before any body is touched. */
function isMashvisorCall(url: URL): boolean {
  try {
    resolveEndpoint(url.href);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Request's own body is a stream the app's fetch will consume: a copy is taken before the call (a tee, so the
 * original still goes out whole), read alongside it, at most the kept MiB, then let go. Never awaited before the
 * call, so an upload of any size or speed goes out as it would unwrapped. A stream given in `init` is never read.
 */
function requestBodyCopy(input: string | URL | Request, init: RequestInit | undefined): Promise<string | null> | null {
  const isRequest = typeof Request !== 'undefined' && input instanceof Request;
  if (!isRequest || init?.body !== undefined || !(input as Request).body || (input as Request).bodyUsed) return null;
  let copy: Request;
  try {
    copy = (input as Request).clone();
  } catch {
    return null;
  }
  return readCapped(copy).then((b) => (b.truncated ? null : b.text)).catch(() => null);
}

/** The first MiB of a body already copied (a clone): the app's Response or Request keeps its own body unread. */
async function readCapped(copy: Response | Request): Promise<{ text: string; bytes: number; truncated: boolean }> {
  if (!copy.body) return { text: '', bytes: 0, truncated: false };
  const reader = copy.body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (kept < MAX_BODY_BYTES) {
        const part = value.subarray(0, MAX_BODY_BYTES - kept);
        chunks.push(part);
        kept += part.byteLength;
      }
      if (kept >= MAX_BODY_BYTES) {
        // Enough for the report; the rest is the app's business (its own copy is unaffected). Not awaited: a
        // branch of a teed body settles its cancel only once the other branch is cancelled too.
        reader.cancel().catch(() => undefined);
        return { text: Buffer.concat(chunks).toString('utf8'), bytes, truncated: true };
      }
    }
  } catch {
    // A body cut off mid-way: the report shows what arrived.
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes, truncated: false };
}

function timings(total: number, firstByte: number | null): Exchange['timings'] {
  const round = (n: number) => Math.round(n * 10) / 10;
  return { dns: null, connect: null, tls: null, firstByte: firstByte === null ? null : round(firstByte), download: firstByte === null ? null : round(total - firstByte), total: round(total) };
}

function baseExchange(call: Call, startedAt: string): Omit<Exchange, 'response' | 'timings' | 'error'> {
  return { startedAt, request: { method: call.method, url: call.url.href, headers: call.headers, body: call.body }, redirect: null };
}

async function report(spec: RequestSpec, exchange: Exchange, options: WrapFetchOptions): Promise<PreflightAttachment | null> {
  try {
    return await reportFromExchange(spec, exchange, 0, options);
  } catch (err) {
    // A report that cannot be made must not change what the app sees.
    options.onError?.(err);
    return null;
  }
}

/**
 * Wraps a fetch function: when a Mashvisor call through it answers 4xx or 5xx, the app gets fetch's own Response at
 * once, unchanged; the report of that very exchange is built in the background from a copy of the body (the first
 * MiB), written (reportsDir) and handed to onReport. When the call fails without an answer, the thrown error
 * carries `preflightReport`. Any other URL passes through untouched, its body never read.
 */
export function wrapFetch<F extends FetchLike>(fetchImpl: F, options: WrapFetchOptions = {}): F {
  const wrapped: FetchLike = async (input, init) => {
    const call = describeCall(input, init);
    if (!call || !isMashvisorCall(call.url)) return fetchImpl(input, init);
    const requestBody = requestBodyCopy(input, init);
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const specOf = async (): Promise<RequestSpec | null> => {
      if (requestBody) call.body = await requestBody;
      return specFromCall(call.url, call.headers, call.body ?? undefined, 'fetch');
    };
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (err) {
      const name = (err as Error)?.name;
      const error = classifyNetworkError(err, name === 'TimeoutError');
      const spec = await specOf().catch(() => null);
      const attachment = spec ? await report(spec, { ...baseExchange(call, startedAt), response: null, error, timings: timings(performance.now() - started, null) }, options) : null;
      if (attachment && err && typeof err === 'object' && Object.isExtensible(err)) (err as PreflightFetchError).preflightReport = attachment;
      throw err;
    }
    if (response.status < 400) return response;
    const firstByte = performance.now() - started;
    let copy: Response;
    try {
      copy = response.clone();
    } catch (err) {
      options.onError?.(err);
      return response;
    }
    void (async () => {
      const body = await readCapped(copy);
      const spec = await specOf();
      if (!spec) return;
      const exchange: Exchange = {
        ...baseExchange(call, startedAt),
        response: {
          status: response.status, statusText: response.statusText, httpVersion: '1.1', headers: plainHeaders(response.headers),
          body: body.text, bodyBytes: body.bytes, truncated: body.truncated,
        },
        error: null,
        timings: timings(performance.now() - started, firstByte),
      };
      await report(spec, exchange, options);
    })().catch((err) => options.onError?.(err));
    return response;
  };
  return wrapped as F;
}
