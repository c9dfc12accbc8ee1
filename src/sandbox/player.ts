// The scenario player: the forced answers of the x-sandbox-scenario header (maintenance and gateway pages, the
// envelopes, broken or HTML bodies, hang, reset, huge and endless bodies, recovering), and the reply helpers every
// answer goes through (gzip and deflate included). It owns no state: the handler (server.ts) builds each request's
// Ctx and passes in the state and settings it keeps, so what a scenario reads or changes is in its parameters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { errorEnvelope } from './routes.js';
import type { SandboxMode } from './routes.js';
import {
  maintenancePage, badGatewayPage, htmlOkPage, brokenJson, streamHuge, streamEndless, RECOVERING_FAILURES,
} from './scenarios.js';

/** One request as the handler sees it. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  mode: SandboxMode;
  /** Path inside the operation table: after /v1.1/client on the direct API; null when it cannot be an operation. */
  apiPath: string | null;
  scenario: string;
  /** The request's log entry: its status is set when a status line goes out. */
  entry: { status: number } | null;
  /** Headers every answer of this request carries (RapidAPI's rate-limit families). */
  extra: Record<string, string>;
}

/** What of the sandbox's state the player touches. The handler owns it; a reset replaces byStatus, so the
 * player is handed the holder, never the record itself. */
export interface PlayerState {
  byStatus: Record<string, number>;
  /** Pending sleeps, so that close() can clear them. */
  timers: Set<NodeJS.Timeout>;
  /** Requests the `recovering` scenario has answered since the last reset. */
  recovering: number;
}

/** What of the sandbox's settings the player reads. */
export interface PlayerSettings {
  rateLimit: { limit: number };
  hugeBodyBytes: number;
  /** The port listened on: `redirect` points at the same port on another loopback address. */
  port: number;
}

export const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';

export function sleep(state: PlayerState, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      resolve();
    }, ms);
    state.timers.add(timer);
  });
}

export function gone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function record(state: PlayerState, ctx: Ctx, status: number): void {
  state.byStatus[String(status)] = (state.byStatus[String(status)] ?? 0) + 1;
  if (ctx.entry) ctx.entry.status = status;
}

function send(state: PlayerState, ctx: Ctx, status: number, headers: Record<string, string>, body: string | Buffer): void {
  const { res } = ctx;
  if (gone(res)) return;
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  record(state, ctx, status);
  res.writeHead(status, { ...ctx.extra, ...headers, 'content-length': String(payload.length) });
  res.end(payload);
}

export function sendJson(state: PlayerState, ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
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

/** Scenarios that answer with the API's own error envelope, and its status. */
const ENVELOPE_STATUS: Record<string, number> = { 'server-error': 500, 'not-found': 404, 'bad-request': 400, unauthorized: 401 };

/** Plays the forced scenarios. Returns false for those that continue into normal behaviour. */
export async function playScenario(ctx: Ctx, settings: PlayerSettings, state: PlayerState): Promise<boolean> {
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
    case 'not-found':
    case 'bad-request':
    case 'unauthorized':
      sendJson(state, ctx, ENVELOPE_STATUS[ctx.scenario]!, errorEnvelope(ENVELOPE_STATUS[ctx.scenario]!).body);
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
