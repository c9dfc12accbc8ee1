// A local stand-in for the Mashvisor API (direct and through RapidAPI), built on node:http only.
// It answers from the documented behaviour and its own route table; it shares no code with the checker,
// so tests that run the checker against it cannot simply agree with themselves.
// Over 450 lines: routes (routes.ts), parameter rules (params.ts), scenarios (scenarios.ts) and the rate windows
// and quotas (limits.ts) live apart; what is left is the one handler, its scenario player and the state they share
// (Ctx, State). Moving the scenario player out needs that state passed explicitly: the next split.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { errorEnvelope, findRoute, answer, DOCUMENTED } from './routes.js';
import type { SandboxMode } from './routes.js';
import { hitQuota, hitWindow, quotaLowHeaders, rapidHeaders, type RateWindow } from './limits.js';
import {
  SCENARIOS, SCENARIO_HEADER, isScenario, maintenancePage, badGatewayPage, htmlOkPage, brokenJson,
  streamHuge, streamEndless, RECOVERING_FAILURES,
} from './scenarios.js';

export { SCENARIOS, SCENARIO_HEADER } from './scenarios.js';
export type { ScenarioInfo } from './scenarios.js';

/** Test key for the direct API (header x-api-key). Public on purpose: it only opens this sandbox. */
export const SANDBOX_KEY = 'sbx_live_7f3c9a2e51d84b06';
/** Test key for the RapidAPI way (header x-rapidapi-key). */
export const SANDBOX_RAPIDAPI_KEY = 'sbxrapid00msh3d9e61c0a7b24f58p1c0a7bjsn3d9e61c0a7b2';
export const RAPIDAPI_HOST = 'mashvisor-api.p.rapidapi.com';

export const RAPIDAPI_INVALID_KEY = 'Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.';
export const RAPIDAPI_NOT_SUBSCRIBED = 'You are not subscribed to this API.';
export const RAPIDAPI_RATE_EXCEEDED = 'You have exceeded the rate limit per minute for your plan, BASIC, by the API provider';
export const RAPIDAPI_QUOTA_EXCEEDED = 'You have exceeded the MONTHLY quota for Requests on your current plan, BASIC. Upgrade your plan to continue.';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Added before every API response. */
  latencyMs?: number;
  /** Scenario for requests that carry no x-sandbox-scenario header. */
  scenario?: string;
  /** Per key; default 100 requests per 60 s window. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** RapidAPI plan quota per key and calendar month (UTC); default 1000. hard: answer 429 once spent (default: overage, still 200). */
  quota?: { limit: number; hard?: boolean };
  /** Size of the `huge` scenario's body; default 300 MiB. */
  hugeBodyBytes?: number;
}

export interface SandboxLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path and query as received. */
  url: string;
  /** Request headers as received (they hold the test keys; keep this log in memory). */
  headers: Record<string, string | string[] | undefined>;
  scenario: string;
  mode: SandboxMode;
  /** 0 until a status line has been sent (e.g. `hang`). */
  status: number;
}

export interface Sandbox {
  url: string;
  directBaseUrl: string;
  rapidapiBaseUrl: string;
  port: number;
  /** API requests seen (not /__sandbox/*). */
  readonly requests: number;
  log: SandboxLogEntry[];
  resetStats(): void;
  close(): Promise<void>;
}

interface State {
  requests: number;
  byStatus: Record<string, number>;
  log: SandboxLogEntry[];
  windows: Map<string, RateWindow>;
  quota: Map<string, { period: string; used: number }>;
  timers: Set<NodeJS.Timeout>;
  closing: boolean;
  /** Requests the `recovering` scenario has answered since the last reset. */
  recovering: number;
}

interface Settings {
  host: string;
  latencyMs: number;
  scenario: string;
  rateLimit: { limit: number; windowSeconds: number };
  quota: { limit: number; hard: boolean };
  hugeBodyBytes: number;
  port: number;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  mode: SandboxMode;
  /** Path inside the operation table: after /v1.1/client on the direct API; null when it cannot be an operation. */
  apiPath: string | null;
  scenario: string;
  entry: SandboxLogEntry | null;
  /** Headers every answer of this request carries (RapidAPI's rate-limit families). */
  extra: Record<string, string>;
}

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';
const BODY_LIMIT = 1024 * 1024;
const SLOW_MS = 1500;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const settings: Settings = {
    host: options.host ?? '127.0.0.1',
    latencyMs: Math.max(0, options.latencyMs ?? 0),
    scenario: options.scenario ?? 'ok',
    rateLimit: options.rateLimit ?? { limit: 100, windowSeconds: 60 },
    quota: { limit: options.quota?.limit ?? 1000, hard: options.quota?.hard ?? false },
    hugeBodyBytes: options.hugeBodyBytes ?? 300 * 1024 * 1024,
    port: 0,
  };
  if (!isScenario(settings.scenario)) {
    throw new Error(`unknown sandbox scenario '${settings.scenario}'; valid: ${scenarioNames()}`);
  }
  const state: State = {
    requests: 0,
    byStatus: {},
    log: [],
    windows: new Map(),
    quota: new Map(),
    timers: new Set(),
    closing: false,
    recovering: 0,
  };

  const server = createServer((req, res) => {
    handle(req, res, settings, state).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': JSON_TYPE });
        res.end(JSON.stringify(errorEnvelope(500).body));
      } else {
        res.destroy();
      }
    });
  });
  // A client that vanishes mid-request must never take the sandbox down.
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });

  await listen(server, options.port ?? 0, settings.host);
  const port = (server.address() as AddressInfo).port;
  settings.port = port;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${hostForUrl}:${port}`;

  const resetStats = (): void => {
    state.requests = 0;
    state.byStatus = {};
    state.log.length = 0;
    state.windows.clear();
    state.quota.clear();
    state.recovering = 0;
  };

  return {
    url,
    directBaseUrl: `${url}/v1.1`,
    rapidapiBaseUrl: url,
    port,
    get requests() {
      return state.requests;
    },
    log: state.log,
    resetStats,
    close: () => closeServer(server, state),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server, state: State): Promise<void> {
  if (state.closing) return Promise.resolve();
  state.closing = true;
  for (const timer of state.timers) clearTimeout(timer);
  state.timers.clear();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // hang, endless and keep-alive connections would otherwise hold close() forever.
    server.closeAllConnections();
  });
}

function scenarioNames(): string {
  return SCENARIOS.map((s) => s.name).join(', ');
}

function sleep(state: State, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      resolve();
    }, ms);
    state.timers.add(timer);
  });
}

function gone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Direct API when the path holds a /v1.1 segment (any gateway prefix before it); RapidAPI otherwise. */
function classify(pathname: string): { mode: SandboxMode; apiPath: string | null } {
  let rest: string | null = null;
  const at = pathname.indexOf('/v1.1/');
  if (at >= 0) rest = pathname.slice(at + '/v1.1'.length);
  else if (pathname.endsWith('/v1.1')) rest = '';
  if (rest === null) return { mode: 'rapidapi', apiPath: pathname };
  return { mode: 'direct', apiPath: rest.startsWith('/client/') ? rest.slice('/client'.length) : null };
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (value: Buffer | null): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => finish(size > BODY_LIMIT ? Buffer.alloc(0) : Buffer.concat(chunks)));
    req.on('error', () => finish(null));
    req.on('close', () => finish(null));
  });
}

function record(state: State, ctx: Ctx, status: number): void {
  state.byStatus[String(status)] = (state.byStatus[String(status)] ?? 0) + 1;
  if (ctx.entry) ctx.entry.status = status;
}

function send(state: State, ctx: Ctx, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const { res } = ctx;
  if (gone(res)) return;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  record(state, ctx, status);
  res.writeHead(status, { ...ctx.extra, ...headers, 'content-length': String(payload.length) });
  res.end(payload);
}

function sendJson(state: State, ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  let payload = Buffer.from(JSON.stringify(body));
  const out: Record<string, string> = { 'content-type': JSON_TYPE, ...headers };
  if (ctx.scenario === 'gzip') {
    payload = gzipSync(payload);
    out['content-encoding'] = 'gzip';
  } else if (ctx.scenario === 'deflate') {
    payload = deflateSync(payload);
    out['content-encoding'] = 'deflate';
  }
  send(state, ctx, status, out, payload);
}

async function handle(req: IncomingMessage, res: ServerResponse, settings: Settings, state: State): Promise<void> {
  res.on('error', () => {});
  req.on('error', () => {});
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://sandbox.local');
  } catch {
    url = new URL('http://sandbox.local/');
  }

  if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/')) {
    req.resume();
    control(req, res, url, state);
    return;
  }

  const { mode, apiPath } = classify(url.pathname);
  const requested = header(req, SCENARIO_HEADER)?.trim().toLowerCase();
  const scenario = requested || settings.scenario;
  const ctx: Ctx = { req, res, url, mode, apiPath, scenario, entry: null, extra: {} };
  state.requests++;
  ctx.entry = {
    method: req.method ?? 'GET',
    path: url.pathname,
    url: req.url ?? '/',
    headers: { ...req.headers },
    scenario,
    mode,
    status: 0,
  };
  state.log.push(ctx.entry);

  let body: Buffer | null = null;
  if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') body = await readBody(req);
  else req.resume();

  const rapidKey = header(req, 'x-rapidapi-key');
  const rapidAuthOk = mode === 'rapidapi' && rapidapiAuthFailure(req) === null;
  // RapidAPI adds its quota and window headers to every answer it relays (not to its own key rejections).
  if (mode === 'rapidapi') ctx.extra = rapidHeaders(settings, state, rapidKey ?? '');

  await sleep(state, settings.latencyMs + (scenario === 'slow' ? SLOW_MS : 0));
  if (gone(res)) return;

  if (!isScenario(scenario)) {
    sendJson(state, ctx, 400, {
      status: 'error',
      code: 400,
      message: `Unknown sandbox scenario '${scenario}'. Valid scenarios: ${scenarioNames()}`,
      scenarios: SCENARIOS.map((s) => s.name),
    });
    return;
  }

  if (await playScenario(ctx, settings, state)) return;

  // Normal behaviour: authentication, per-key rate window, RapidAPI quota, then the route itself.
  let key: string;
  if (mode === 'direct') {
    const given = header(req, 'x-api-key');
    if (given !== SANDBOX_KEY) {
      sendJson(state, ctx, 401, { status: 'error', code: 401, message: 'Invalid api access Key' });
      return;
    }
    key = given;
  } else {
    if (!rapidAuthOk) {
      ctx.extra = {};
      sendJson(state, ctx, 401, { message: rapidapiAuthFailure(req) });
      return;
    }
    key = rapidKey ?? '';
  }

  const window = hitWindow(settings, state, key);
  if (!window.allowed) {
    const retry = { 'retry-after': String(window.resetSeconds) };
    if (mode === 'direct') {
      sendJson(state, ctx, 429, errorEnvelope(429).body, retry);
    } else {
      ctx.extra = rapidHeaders(settings, state, key);
      sendJson(state, ctx, 429, { message: RAPIDAPI_RATE_EXCEEDED }, retry);
    }
    return;
  }
  if (mode === 'rapidapi') {
    const quota = hitQuota(settings, state, key);
    ctx.extra = rapidHeaders(settings, state, key);
    if (quota.exceeded && settings.quota.hard) {
      sendJson(state, ctx, 429, { message: RAPIDAPI_QUOTA_EXCEEDED });
      return;
    }
  }
  if (ctx.scenario === 'quota-low') ctx.extra = { ...ctx.extra, ...quotaLowHeaders(settings, mode) };

  const notFound = (): void => {
    if (mode === 'rapidapi') sendJson(state, ctx, 404, { message: `Endpoint '${url.pathname}' does not exist` });
    else sendJson(state, ctx, 404, errorEnvelope(404).body);
  };
  if (apiPath === null) {
    notFound();
    return;
  }
  const match = findRoute(mode, req.method ?? 'GET', apiPath);
  if (!match) {
    notFound();
    return;
  }
  const result = answer(match, url.searchParams, body);
  sendJson(state, ctx, result.status, result.body);
}

/** Plays the forced scenarios. Returns false for those that continue into normal behaviour. */
async function playScenario(ctx: Ctx, settings: Settings, state: State): Promise<boolean> {
  const { res, req } = ctx;
  switch (ctx.scenario) {
    case 'ok':
    case 'slow':
    case 'gzip':
    case 'deflate':
    case 'quota-low':
      return false;
    case 'maintenance':
      send(state, ctx, 503, { 'content-type': HTML_TYPE }, maintenancePage());
      return true;
    case 'recovering':
      // Down for the first requests, then the normal answer (authentication included).
      if (state.recovering++ >= RECOVERING_FAILURES) return false;
      send(state, ctx, 503, { 'content-type': HTML_TYPE, 'retry-after': '1' }, maintenancePage());
      return true;
    case 'bad-gateway':
      send(state, ctx, 502, { 'content-type': HTML_TYPE }, badGatewayPage());
      return true;
    case 'server-error':
      sendJson(state, ctx, 500, errorEnvelope(500).body);
      return true;
    case 'not-found':
      sendJson(state, ctx, 404, errorEnvelope(404).body);
      return true;
    case 'bad-request':
      sendJson(state, ctx, 400, errorEnvelope(400).body);
      return true;
    case 'unauthorized':
      sendJson(state, ctx, 401, errorEnvelope(401).body);
      return true;
    case 'rate-limited': {
      const limit = String(settings.rateLimit.limit);
      const family: Record<string, string> = ctx.mode === 'rapidapi'
        ? { 'x-ratelimit-limit': limit, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' }
        : { 'ratelimit-limit': limit, 'ratelimit-remaining': '0', 'ratelimit-reset': '30' };
      sendJson(state, ctx, 429, errorEnvelope(429).body, { ...family, 'retry-after': '30' });
      return true;
    }
    case 'invalid-json':
      send(state, ctx, 200, { 'content-type': JSON_TYPE }, brokenJson());
      return true;
    case 'html-200':
      send(state, ctx, 200, { 'content-type': HTML_TYPE }, htmlOkPage());
      return true;
    case 'echo-key': {
      const keys = receivedKeys(req, ctx.url);
      const headers: Record<string, string> = {};
      const joined = Object.values(keys).join(', ');
      if (joined && isHeaderSafe(joined)) headers['x-echo-key'] = joined;
      sendJson(state, ctx, 200, { status: 'success', content: { echo: keys } }, headers);
      return true;
    }
    case 'redirect': {
      const location = `http://127.0.0.2:${settings.port}${req.url ?? '/'}`;
      send(state, ctx, 302, { location, 'content-type': 'text/plain; charset=utf-8' }, `Found. Redirecting to ${location}\n`);
      return true;
    }
    case 'hang':
      // Accepted, never answered: only the client's timeout (or close()) ends it.
      return true;
    case 'reset': {
      const full = JSON.stringify({ status: 'success', content: { rental_rates: { studio_value: 1480, one_room_value: 1710 } } });
      record(state, ctx, 200);
      res.writeHead(200, { ...ctx.extra, 'content-type': JSON_TYPE, 'content-length': String(full.length) });
      res.write(full.slice(0, Math.floor(full.length / 2)), () => {
        // Give the client a moment to read the headers, then drop the connection with a TCP reset.
        sleep(state, 30).then(() => {
          const socket = res.socket ?? req.socket;
          if (!socket || socket.destroyed) return;
          if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
          else socket.destroy();
        });
      });
      return true;
    }
    case 'huge':
      record(state, ctx, 200);
      res.writeHead(200, { ...ctx.extra, 'content-type': JSON_TYPE });
      await streamHuge(res, settings.hugeBodyBytes);
      return true;
    case 'endless':
      record(state, ctx, 200);
      res.writeHead(200, { ...ctx.extra, 'content-type': JSON_TYPE });
      await streamEndless(res);
      return true;
    default:
      return false;
  }
}

function isHeaderSafe(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
}

const KEY_HEADERS = ['x-api-key', 'x-rapidapi-key', 'authorization'];
const KEY_QUERY = ['api_key', 'apikey', 'key', 'x-api-key'];

function receivedKeys(req: IncomingMessage, url: URL): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const name of KEY_HEADERS) {
    const value = header(req, name);
    if (value !== undefined) keys[name] = value;
  }
  for (const name of KEY_QUERY) {
    const value = url.searchParams.get(name);
    if (value !== null) keys[`query:${name}`] = value;
  }
  return keys;
}

/** The RapidAPI gateway's own rejection text, or null when the key and host are right. */
function rapidapiAuthFailure(req: IncomingMessage): string | null {
  const key = header(req, 'x-rapidapi-key');
  if (key !== SANDBOX_RAPIDAPI_KEY) return RAPIDAPI_INVALID_KEY;
  // The host header picks the API on RapidAPI; the right key for another API is not subscribed to this one.
  if (header(req, 'x-rapidapi-host') !== RAPIDAPI_HOST) return RAPIDAPI_NOT_SUBSCRIBED;
  return null;
}

function control(req: IncomingMessage, res: ServerResponse, url: URL, state: State): void {
  const reply = (status: number, body: unknown): void => {
    if (gone(res)) return;
    const payload = JSON.stringify(body);
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  };
  if (url.pathname === '/__sandbox/stats' && req.method === 'GET') {
    reply(200, { requests: state.requests, byStatus: { ...state.byStatus } });
  } else if (url.pathname === '/__sandbox/reset' && req.method === 'POST') {
    state.requests = 0;
    state.byStatus = {};
    state.log.length = 0;
    state.windows.clear();
    state.quota.clear();
    state.recovering = 0;
    reply(200, { reset: true });
  } else if (url.pathname === '/__sandbox/scenarios' && req.method === 'GET') {
    reply(200, { scenarios: SCENARIOS });
  } else {
    reply(404, { message: 'sandbox control paths: GET /__sandbox/stats, POST /__sandbox/reset, GET /__sandbox/scenarios' });
  }
}

// Re-exported so docs and tests can quote the same texts the sandbox serves.
export { DOCUMENTED };
