import { authCheck, authPreflight } from './checks/auth.js';
import { paramsCheck } from './checks/params.js';
import { parseIntendedRate, rateLimitCheck } from './checks/ratelimit.js';
import { responseCheck } from './checks/response.js';
import { decideVerdict } from './checks/verdict.js';
import { RAPIDAPI_HOST } from './resolve.js';
import { buildReport, requestPath } from './report/build.js';
import { collectEnvironment } from './report/environment.js';
import { toolVersion, TOOL_NAME } from './version.js';
import { validateParams } from './validate.js';
import type { OutgoingRequest } from './http/exchange.js';
import type { CheckResult, Exchange, Report, RequestSpec, ValidationResult } from './types.js';

export interface PreflightOptions {
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
  /** Told before anything billed beyond the one request is sent. */
  onNotice?: (message: string) => void;
  now?: Date;
}

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

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
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
  if (spec.key && !carriesKey) headers[keyHeader] = spec.key;
  if (spec.mode === 'rapidapi' && !hasHeader(headers, 'x-rapidapi-host')) headers['x-rapidapi-host'] = RAPIDAPI_HOST;
  if (spec.operation.hasBody && !hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return { ...headers, ...extra };
}

export function outgoingRequest(spec: RequestSpec, options: PreflightOptions): OutgoingRequest {
  const body = spec.operation.hasBody && spec.params.body !== undefined
    ? (typeof spec.params.body === 'string' ? spec.params.body : JSON.stringify(spec.params.body))
    : null;
  return { method: spec.operation.method, url: requestUrl(spec), headers: requestHeaders(spec, options.headers), body, timeoutMs: options.timeoutMs ?? 30000 };
}

interface Probe {
  sent: number;
  accepted: number;
  hit429: boolean;
  retryAfterSeconds: number | null;
}

/** Opt-in: up to N more identical requests, stopping at the first 429 (and honouring its Retry-After by not retrying). */
async function runProbe(req: OutgoingRequest, count: number, send: (r: OutgoingRequest) => Promise<Exchange>): Promise<Probe> {
  const probe: Probe = { sent: 0, accepted: 0, hit429: false, retryAfterSeconds: null };
  for (let i = 0; i < count; i++) {
    const ex = await send(req);
    probe.sent++;
    const status = ex.response?.status;
    if (status === 429) {
      probe.hit429 = true;
      const ra = ex.response?.headers['retry-after'];
      probe.retryAfterSeconds = ra && /^\d+$/.test(ra) ? Number(ra) : null;
      break;
    }
    if (status === undefined) break;
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
  probe?: Probe | null;
}

/** Checks → verdict → report, from whatever exchange happened (none, ours, or one captured in the user's app). */
export function evaluate(input: Evaluation, options: PreflightOptions = {}): Report {
  const { spec, validation, exchange } = input;
  const pre = authPreflight(spec);
  const rate = options.rate ? parseIntendedRate(options.rate) : null;
  const rl = rateLimitCheck({ headers: exchange?.response?.headers ?? null, status: exchange?.response?.status ?? null, intendedPerSecond: rate, probe: input.probe ?? null });
  const checks: CheckResult[] = [
    paramsCheck(validation, Boolean(options.sendAnyway)),
    authCheck(spec, pre, exchange),
    rl.check,
    responseCheck(spec, exchange),
  ];
  const verdict = decideVerdict(checks);
  return buildReport({
    spec, validation, exchange, checks, rateLimit: rl.state, verdict, requestsSent: input.requestsSent,
    environment: collectEnvironment(toolVersion(), axiosVersion ?? 'not loaded', options.now ? { now: options.now } : {}),
    url: exchange?.request.url ?? input.request.url,
    headers: exchange?.request.headers ?? input.request.headers,
    now: options.now,
  });
}

let axiosVersion: string | undefined;

/**
 * The whole checklist with at most one request by default: validate offline, stop if the request cannot succeed
 * (invalid parameters, an unusable key), else send once and judge that one exchange.
 */
export async function runPreflight(spec: RequestSpec, options: PreflightOptions = {}): Promise<Report> {
  const validation = await validateParams(spec.operation, spec.params);
  const request = outgoingRequest(spec, options);
  const budget = options.maxRequests ?? 1 + (options.probe ?? 0);
  const blocked = (!validation.valid && !options.sendAnyway) || (authPreflight(spec).blocking.length > 0 && !options.sendAnyway) || budget < 1;
  if (blocked) return evaluate({ spec, validation, exchange: null, requestsSent: 0, request }, options);

  const { performExchange } = await import('./http/exchange.js');
  axiosVersion ??= (await import('axios')).default.VERSION;
  const exchange = await performExchange(request);
  let requestsSent = 1;
  let probe: Probe | null = null;
  const probeCount = Math.min(options.probe ?? 0, budget - requestsSent);
  if (probeCount > 0 && exchange.response && exchange.response.status !== 429) {
    options.onNotice?.(`probing the rate limit: up to ${probeCount} extra request${probeCount === 1 ? '' : 's'}, each may be billed`);
    probe = await runProbe(request, probeCount, performExchange);
    requestsSent += probe.sent;
  }
  return evaluate({ spec, validation, exchange, requestsSent, request, probe }, options);
}
