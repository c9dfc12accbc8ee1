import { authPreflight } from './checks/auth.js';
import { CHECKS, judge, type AnyCheck } from './checks/index.js';
import { parseIntendedRate, parseRetryAfter, rateLimitState } from './checks/ratelimit.js';
import { RAPIDAPI_HOST } from './catalog/resolve.js';
import { buildReport, type ReportInput } from './report/build.js';
import { requestPath, secretsOfRequest } from './request/build.js';
import { collectEnvironment } from './report/environment.js';
import { hasHeader } from './shared/headers.js';
import { toolVersion, TOOL_NAME } from './shared/version.js';
import { validateParams } from './catalog/validate.js';
import { DEFAULT_TIMEOUT_MS } from './shared/defaults.js';
import type { OutgoingRequest } from './http/exchange.js';
import { Scrubber } from './shared/scrub.js';
import type { CheckContext, CheckResult, Exchange, NotSent, ProbeResult, RateLimitState, Report, RequestSpec, ValidationResult } from './types.js';

export interface PreflightOptions {
  /** Bounds each exchange as a whole, connect included. Default 30 s. */
  timeoutMs?: number;
  /** Hard budget of requests; default 1 + probe. */
  maxRequests?: number;
  sendAnyway?: boolean;
  /** Extra headers (--header), e.g. x-sandbox-scenario. */
  headers?: Record<string, string>;
  /** The rate the user's app intends: "5/s", "100/min". */
  rate?: string;
  /** Opt-in extra requests to measure the rate-limit window. */
  probe?: number;
  /** Called as each request leaves; the function it returns is called when its exchange ends (the CLI's progress line). */
  onWaiting?: (request: OutgoingRequest) => () => void;
  /** Told before anything billed beyond the one request is sent. */
  onNotice?: (message: string) => void;
  now?: Date;
  /** The run's one redactor (the CLI passes its output boundary's): the report, its writers and the terminal share it. */
  redactor?: Scrubber;
}

export { DEFAULT_TIMEOUT_MS };

// Headers that describe one connection or that the HTTP client sets itself; replaying them would only confuse the server.
const NOT_REPLAYED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'accept-encoding', 'transfer-encoding', 'te', 'upgrade', 'cookie']);

export function queryString(query: RequestSpec['params']['query']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of [value].flat()) search.append(name, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function requestUrl(spec: RequestSpec): string {
  return `${spec.baseUrl.replace(/\/+$/, '')}${requestPath(spec)}${queryString(spec.params.query)}`;
}

/** The headers to send: the user's own (when the input carried them), else ours, plus the key the documented way. */
export function requestHeaders(spec: RequestSpec, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.inputHeaders ?? {})) {
    if (!NOT_REPLAYED.has(name.toLowerCase()) && !name.startsWith(':')) headers[name] = value;
  }
  if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = `${TOOL_NAME}/${toolVersion()}`;
  const keyHeader = spec.mode === 'rapidapi' ? 'x-rapidapi-key' : 'x-api-key';
  // Input that carried its own (maybe wrong) key header is replayed as it was: that is what is being diagnosed.
  const carriesKey = ['x-api-key', 'x-rapidapi-key', 'authorization'].some((h) => hasHeader(headers, h));
  if (spec.key && spec.keySource !== 'input' && !carriesKey) headers[keyHeader] = spec.key;
  if (spec.mode === 'rapidapi' && !hasHeader(headers, 'x-rapidapi-host')) headers['x-rapidapi-host'] = RAPIDAPI_HOST;
  if (spec.operation.hasBody && !hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return { ...headers, ...extra };
}

/** The method sent: the input's own (a params error when the API does not document it), else the operation's. */
export function requestMethod(spec: RequestSpec): string {
  return spec.method ?? spec.operation.method;
}

function bodyText(spec: RequestSpec): string | null {
  if (spec.params.body === undefined) return null;
  // A GET operation takes no body; one sent with another method (--send-anyway) goes as the input had it.
  const method = requestMethod(spec);
  if (!spec.operation.hasBody && (method === spec.operation.method || method === 'GET' || method === 'HEAD')) return null;
  return typeof spec.params.body === 'string' ? spec.params.body : JSON.stringify(spec.params.body);
}

export function outgoingRequest(spec: RequestSpec, options: PreflightOptions): OutgoingRequest {
  return {
    method: requestMethod(spec),
    url: requestUrl(spec),
    headers: requestHeaders(spec, options.headers),
    body: bodyText(spec),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

type Send = (request: OutgoingRequest) => Promise<Exchange>;

function watched(send: Send, onWaiting: NonNullable<PreflightOptions['onWaiting']>): Send {
  return async (request) => {
    const done = onWaiting(request);
    try {
      return await send(request);
    } finally {
      done();
    }
  };
}

/**
 * Opt-in: up to `count` more identical requests, one after the other. Stops at the first 429 (its Retry-After is
 * honoured by sending nothing more) and at any other answer that is not a success or not an answer at all.
 */
async function runProbe(request: OutgoingRequest, count: number, send: Send): Promise<ProbeResult> {
  const probe: ProbeResult = { sent: 0, accepted: 0, hit429: false, retryAfterSeconds: null, stoppedBy: null };
  while (probe.sent < count) {
    const exchange = await send(request);
    probe.sent++;
    const status = exchange.response?.status;
    if (status === 429) {
      probe.hit429 = true;
      probe.retryAfterSeconds = parseRetryAfter(exchange.response!.headers['retry-after'], Date.now());
      probe.stoppedBy = '429';
      break;
    }
    if (status === undefined || status < 200 || status >= 300 || exchange.error) {
      probe.stoppedBy = status === undefined ? `network error ${exchange.error?.code ?? ''}`.trim() : `HTTP ${status}`;
      break;
    }
    probe.accepted++;
  }
  return probe;
}

export interface Evaluation {
  spec: RequestSpec;
  validation: ValidationResult;
  exchange: Exchange | null;
  requestsSent: number;
  request: OutgoingRequest;
  probe?: ProbeResult | null;
  /** Why no request was sent, when none was. */
  notSent?: NotSent;
  /** Who sent the exchange when it was not us: 'your app' (the interceptor), 'the HAR' (a recorded answer). */
  recordedBy?: string;
  /** The version of the axios that sent the request, for the environment block; none when no request was sent. */
  axiosVersion?: string;
}

/** The rate-limit state shown beside the checks; a header shape that defeats the reader costs this block only. */
function rateLimitOf(exchange: Exchange | null, nowMs: number): RateLimitState | null {
  const res = exchange?.response;
  if (!res) return null;
  try {
    return rateLimitState(Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v])), res.status, nowMs);
  } catch {
    return null;
  }
}

/** Checks → verdict → report, from whatever exchange happened (none, ours, or one captured in the user's app). */
export function evaluate(input: Evaluation, options: PreflightOptions = {}, checks: readonly AnyCheck[] = CHECKS): Report {
  const { spec, validation, exchange } = input;
  const nowMs = options.now?.getTime() ?? Date.now();
  const recordedBy = input.recordedBy ?? (spec.origin === 'interceptor' ? 'your app' : undefined);
  const ctx: CheckContext = {
    spec, validation, exchange, sendAnyway: Boolean(options.sendAnyway),
    intendedPerSecond: options.rate ? parseIntendedRate(options.rate) : null,
    probe: input.probe ?? null, nowMs,
    ...(input.notSent ? { notSent: input.notSent } : {}),
    ...(recordedBy ? { recordedBy } : {}),
  };
  const judged = judge(ctx, checks);
  const headers = exchange?.request.headers ?? input.request.headers;
  // Every run passes here, the CLI's and the library's: the request's secrets, with the headers actually sent, are
  // registered in the CLI's output boundary (so later lines mask them too) or in a scrubber of the run's own.
  const redactor = options.redactor ?? new Scrubber();
  for (const secret of secretsOfRequest(spec, headers)) redactor.add(secret);
  const report: ReportInput = {
    spec, validation, exchange, checks: judged.checks, rateLimit: rateLimitOf(exchange, nowMs), verdict: judged.verdict, requestsSent: input.requestsSent,
    environment: collectEnvironment(toolVersion(), input.axiosVersion ?? 'not loaded', options.now ? { now: options.now } : {}),
    url: exchange?.request.url ?? input.request.url,
    headers,
    now: options.now,
    redactor,
  };
  try {
    return buildReport(report);
  } catch (err) {
    // A body the builder cannot walk (JSON nested past the call stack, say) must not cost the report of a request
    // that may have been billed: keep that body as text, and say so on the response row.
    if (!exchange?.response) throw err;
    return buildReport({ ...report, bodyAsText: true, checks: judged.checks.map((c) => (c.id === 'response' ? withBodyNote(c, err) : c)) });
  }
}

function withBodyNote(row: CheckResult, err: unknown): CheckResult {
  const reason = err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'unknown error';
  return { ...row, message: `${row.message} (the body is kept as text only: reading it as JSON failed: ${reason})` };
}

/** Why the request must not be sent, or null when it may be. */
function reasonNotToSend(validation: ValidationResult, spec: RequestSpec, options: PreflightOptions, budget: number): NotSent | null {
  if (!options.sendAnyway && !validation.valid) return 'params';
  // Nothing may be sent (--offline, a budget of 0): the key is not what stopped the request.
  if (budget < 1) return 'budget';
  if (!options.sendAnyway && authPreflight(spec).blocking.length > 0) return 'key';
  return null;
}

/**
 * The whole checklist with at most one request by default: validate offline, stop if the request cannot succeed
 * (invalid parameters, an unusable key, no budget), else send once and judge that one exchange.
 */
export async function runPreflight(spec: RequestSpec, options: PreflightOptions = {}): Promise<Report> {
  const budget = options.maxRequests ?? 1 + (options.probe ?? 0);
  // When a request may be sent, the HTTP client is read from disk while the parameters are validated.
  const client = budget > 0 ? import('./http/exchange.js') : null;
  client?.catch(() => {});
  const validation = await validateParams(spec.operation, spec.params, spec);
  const request = outgoingRequest(spec, options);
  const notSent = reasonNotToSend(validation, spec, options, budget);
  if (notSent) return evaluate({ spec, validation, exchange: null, requestsSent: 0, request, notSent }, options);

  const probeCount = Math.max(0, Math.min(options.probe ?? 0, budget - 1));
  if (probeCount > 0) {
    options.onNotice?.(`--probe: after the check, up to ${probeCount} extra request${probeCount === 1 ? '' : 's'} to measure the rate limit; each may be billed`);
  }
  const { performExchange, AXIOS_VERSION: axiosVersion } = await (client ?? import('./http/exchange.js'));
  const send: Send = options.onWaiting ? watched(performExchange, options.onWaiting) : performExchange;
  const exchange = await send(request);
  let requestsSent = 1;
  let probe: ProbeResult | null = null;
  const succeeded = exchange.response && exchange.response.status >= 200 && exchange.response.status < 300 && !exchange.error;
  // Probing only makes sense from a working request: after a 401 or a 429 every probe would be a wasted call.
  if (probeCount > 0 && succeeded) {
    probe = await runProbe(request, probeCount, send);
    requestsSent += probe.sent;
  } else if (probeCount > 0) {
    probe = { sent: 0, accepted: 0, hit429: false, retryAfterSeconds: null, stoppedBy: 'not run: the check request did not succeed' };
  }
  return evaluate({ spec, validation, exchange, requestsSent, request, probe, axiosVersion }, options);
}
