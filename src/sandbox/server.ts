// A local stand-in for the Mashvisor API (direct and through RapidAPI), built on node:http only.
// It answers from the documented behaviour and its own route table; it shares no code with the checker,
// so tests that run the checker against it cannot simply agree with themselves.
// Here: the one handler, the state it keeps (State) and the API the tests and the CLI start it by. Routes
// (routes.ts), parameter rules (params.ts), scenarios (scenarios.ts), the scenario player with the reply helpers
// (player.ts) and the rate windows and quotas (limits.ts) live apart; the last two are handed the parts of
// State and Settings they use, so none of them closes over this file's variables.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorEnvelope, findRoute, answer, DOCUMENTED } from './routes.js';
import type { SandboxMode } from './routes.js';
import { hitQuota, hitWindow, quotaLowHeaders, rapidHeaders, type RateWindow } from './limits.js';
import { SCENARIOS, SCENARIO_HEADER, isScenario } from './scenarios.js';
import { JSON_TYPE, gone, header, playScenario, sendJson, sleep, type Ctx } from './player.js';

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
  state.requests++;
  const entry: SandboxLogEntry = {
    method: req.method ?? 'GET',
    path: url.pathname,
    url: req.url ?? '/',
    headers: { ...req.headers },
    scenario,
    mode,
    status: 0,
  };
  const ctx: Ctx = { req, res, url, mode, apiPath, scenario, entry, extra: {} };
  state.log.push(entry);

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
