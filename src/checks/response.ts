import { documentedFor, statusClass } from '../catalog/codes.js';
import { parseJson, type BoundedParse } from '../shared/json.js';
import { refusedBecause } from '../shared/json-bounds.js';
import type { Check, CheckContext, CheckResultOf, Exchange, NetworkErrorKind, NotSent, RequestSpec, ResponseDetails, Side } from '../types.js';
import { formatBytes } from '../shared/units.js';
import { READ_BODY_BYTES } from '../shared/body-limits.js';
import { CAUSES, type Cause } from './causes.js';
import { quotaSpent, readAnswer, type AnswerFrom, type Reading } from './gateway.js';
import { durationText, rateLimitState } from './ratelimit.js';

export type { NotSent, Side } from '../types.js';

export interface Envelope {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  content?: unknown;
}

/** A body the server sent compressed; it is decoded only up to the cap, so its full size is not known. */
function compressed(headers: Record<string, string>): boolean {
  return /\b(?:gzip|deflate|br|compress)\b/i.test(headers['content-encoding'] ?? '');
}

function isHtml(contentType: string | undefined, body: string): boolean {
  return /text\/html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html)/i.test(body);
}

function stateGiven(spec: RequestSpec): boolean {
  return spec.params.query.state !== undefined || spec.params.path.state !== undefined;
}

/** The API's own envelopes: {status:"error", code, message} and {status:"success", content}. Anything else is 'other'. */
export function envelopeKind(value: Envelope | null): 'error' | 'success' | 'other' | null {
  if (!value) return null;
  if (value.status === 'error' && value.message !== undefined) return 'error';
  if (value.status === 'success') return 'success';
  return 'other';
}

/** The server's own message, unless it only repeats the documented text already shown. */
function serverSaid(envelope: Envelope | null, documented: string | null): string {
  if (typeof envelope?.message !== 'string' || envelope.message.trim() === '') return '';
  if (documented && documented.toLowerCase().includes(envelope.message.trim().toLowerCase())) return '';
  return ` The server said: "${envelope.message}"${endsSentence(envelope.message) ? '' : '.'}`;
}

function endsSentence(text: string): boolean {
  return /[.!?]["')]?\s*$/.test(text);
}

/** The documented text as a sentence: the errors page leaves the full stop off some ("…if you're seeing this"). */
function sentence(text: string): string {
  return endsSentence(text) ? text.trimEnd() : `${text.trimEnd()}.`;
}

type Details = Omit<ResponseDetails, 'side'>;

function result(status: CheckResultOf<'response'>['status'], side: Side, message: string, advice: string, details: Details): CheckResultOf<'response'> {
  return { id: 'response', title: 'Response code', status, message, advice, details: { side, ...details } };
}

const SIDE_OF: Record<string, Side> = { pass: 'none', 'client-error': 'client', 'server-error': 'server', 'network-error': 'network' };

/** A row whose side (and so the verdict) is read from the cause's entry in the one table. */
function caused(status: CheckResultOf<'response'>['status'], cause: Cause, message: string, advice: string, details: Details): CheckResultOf<'response'> {
  return result(status, SIDE_OF[CAUSES[cause].verdict]!, message, advice, { ...details, cause });
}

const NOT_SENT_TEXT: Record<NotSent, string> = {
  params: 'no request was sent: the parameters are invalid (see above)',
  key: 'no request was sent: the API key is unusable (see above)',
  budget: 'no request was sent: --offline, or a request budget (--max-requests) of 0',
  offline: 'no request was sent (--offline), and the input recorded no answer',
};

const NETWORK_ADVICE: Partial<Record<NetworkErrorKind, string>> = {
  dns: 'Check the host name in --base-url and your DNS.',
  refused: 'Nothing accepts connections there: check --base-url (host and port), your proxy and firewall.',
  reset: 'The connection was cut: retry; check proxies, VPNs and firewalls between you and the API.',
  timeout: 'Retry with a larger --timeout; check your network, proxy and firewall.',
  tls: 'Check the certificate chain and any TLS-inspecting proxy.',
};

function networkFailure(exchange: Exchange): CheckResultOf<'response'> {
  const e = exchange.error!;
  return caused('fail', 'network', `no response: ${e.message} (${e.code})`,
    NETWORK_ADVICE[e.kind] ?? 'Check the base URL, your network, proxy and firewall.', { error: e });
}

function redirectFailure(exchange: Exchange, details: Details): CheckResultOf<'response'> {
  const r = exchange.redirect!;
  let where = r.location;
  try {
    const url = new URL(r.location);
    where = `${url.host}${url.pathname}`;
  } catch {
    /* shown as received */
  }
  const status = exchange.response!.status;
  return caused('fail', 'redirect',
    `HTTP ${status} redirect to ${r.crossHost ? 'another host' : 'another path'} (${where}); not followed${r.crossHost ? ', so the key never left the base URL\'s host' : ''}`,
    'Check --base-url: the API answers directly, it does not redirect.', { ...details, redirect: r });
}

/** What the API's error envelope means when it arrives under a 2xx: its own code, else a rejected request. */
function envelopeCause(code: unknown): Cause {
  const n = typeof code === 'number' ? code : Number(code);
  if (n === 401) return 'key';
  if (n === 403) return 'subscription';
  if (n === 404) return 'not-found';
  if (n === 429) return 'rate';
  if (n >= 500 && n < 600) return 'server';
  return 'request';
}

const ENVELOPE_ADVICE: Partial<Record<Cause, string>> = {
  key: 'Fix the API key (see the API key row).',
  'not-found': 'Check the values that name the resource: it may not exist there.',
  server: 'A case for support: retry later, and if it persists contact support and attach this report.',
};

/** A body that says "error" in a shape that is not the API's success: judged as what it says, whatever the status. */
function errorShaped(value: Envelope | null): boolean {
  if (!value) return false;
  const v = value as Record<string, unknown>;
  return v.status === 'error' || (v.content === undefined && v.status === undefined && (v.error !== undefined || v.errors !== undefined));
}

function successResult(res: NonNullable<Exchange['response']>, envelope: Envelope | null, parsed: boolean, html: boolean, said: string, details: Details, refused: string | null = null): CheckResultOf<'response'> {
  if (res.bodyNotRecorded) return caused('pass', 'ok', `HTTP ${res.status}: success (the recording kept no body to look into)`, '', details);
  // A body too deep or too large to lay out is not a broken one: say what was done with it, and no more.
  if (refused) return caused('warn', 'ok', `HTTP ${res.status}: success, but ${refused}`, 'Nothing to fix on your side; the report holds the body as text.', details);
  if (res.readStopped) return unendedBody(res, details);
  const size = !res.truncated ? ''
    : compressed(res.headers) ? ' (compressed body: decoding stopped after its first 1 MiB, truncated in the report)'
      : ` (body over 1 MiB: ${formatBytes(res.bodyBytes)}, truncated in the report)`;
  // A body cut at the cap cannot be parsed whole, but its first character already tells whether it can be JSON.
  const cannotBeJson = res.truncated && !/^\s*(?:[{["\-\d]|true|false|null)/.test(res.body.slice(0, 64));
  if (!parsed && (!res.truncated || cannotBeJson)) {
    return caused('fail', 'server', `HTTP ${res.status}, but the body is not valid JSON${html ? ' (an HTML page)' : ''}${size}: a server-side problem`,
      'Contact support and attach the report.', { ...details, diagnosis: html ? 'html-on-success' : 'invalid-json' });
  }
  if (errorShaped(envelope)) {
    const cause = envelopeCause(envelope!.code);
    const code = envelope!.code !== undefined ? ` (code ${String(envelope!.code)})` : '';
    return caused('fail', cause, `HTTP ${res.status}, but the body is an error${code}, not a success: it is judged as what it says.${said}`,
      ENVELOPE_ADVICE[cause] ?? `${capital(CAUSES[cause].todo)}: run \`mashvisor-preflight validate\` on the same request.`, { ...details, diagnosis: 'error under 2xx' });
  }
  if (envelope && envelope.status !== undefined && envelope.status !== 'success') {
    return caused('warn', 'ok', `HTTP ${res.status}, but the envelope says status "${String(envelope.status)}".${said}`, 'Read the message; the request may need other parameters.', details);
  }
  return caused('pass', 'ok', `HTTP ${res.status}: success${size}`, '', details);
}

/**
 * A body that did not end within the read limit was never judged, so it is no pass: a client reading it whole
 * would hang or run out of memory. Keyed on what the exchange did, not on the size alone: a recording (a HAR, the
 * app's own call) of a large body that did end is judged as before.
 */
function unendedBody(res: NonNullable<Exchange['response']>, details: Details): CheckResultOf<'response'> {
  const limit = formatBytes(READ_BODY_BYTES);
  return caused('fail', 'body-too-large',
    `HTTP ${res.status}, but the body did not end within ${limit}: reading stopped after ${formatBytes(res.bodyBytes)}, so the answer was never judged (the first MiB is in the report)`,
    `Nothing to fix on your side: a client reading this body whole would hang or run out of memory. ${capital(CAUSES['body-too-large'].todo)}.`,
    { ...details, diagnosis: `body did not end within ${limit}` });
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function serverErrorResult(res: NonNullable<Exchange['response']>, html: boolean, meaning: string, said: string, details: Details): CheckResultOf<'response'> {
  const page = html ? ' The body is an HTML page: a maintenance / gateway page, not the API.' : '';
  return caused('fail', 'server', `HTTP ${res.status}:${meaning}${said}${page}`,
    'A case for support: retry later, and if it persists contact support and attach this report.',
    { ...details, diagnosis: html ? 'maintenance / gateway page' : null });
}

/** The operation's parameters that name a resource, as the operation spells them: advice names no other. */
function identifying(spec: RequestSpec): string[] {
  const names = new Set(spec.operation.params.map((p) => p.name));
  return ['id', 'pid', 'address', 'zip_code', 'neighborhood', 'city', 'state'].filter((n) => names.has(n));
}

function listed(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function notFoundResult(spec: RequestSpec, url: string, from: AnswerFrom, meaning: string, said: string, details: Details): CheckResultOf<'response'> {
  const method = spec.method?.toUpperCase();
  if (method && method !== spec.operation.method) {
    return caused('fail', 'method', `HTTP 404: the API has no ${method} ${spec.operation.path}; it documents ${spec.operation.method} there.${said}`,
      `Send it as ${spec.operation.method}${spec.methodFrom ? ` (the method came from ${spec.methodFrom})` : ''}.`, { ...details, diagnosis: 'wrong method' });
  }
  // Not the API's envelope (a router's "Cannot GET", a mock's "Route not resolved", an HTML page): nothing at that
  // path answered, so the data was never looked at.
  if (from === 'other') {
    return caused('fail', 'no-route', `HTTP 404 not from the API: nothing answers at ${url.split('?')[0]} (the answer is not the API's error envelope).${said}`,
      `Check --base-url: the path does not exist at that base URL (direct: https://api.mashvisor.com/v1.1, RapidAPI: https://${RAPIDAPI_HOST_NAME}).`,
      { ...details, diagnosis: 'no such path' });
  }
  const names = identifying(spec);
  if (names.includes('state') && !stateGiven(spec)) {
    return caused('fail', 'not-found', `HTTP 404: state missing — the API answers 404 (not 400) when state is absent.${said}`,
      'Add state=XX (two-letter code) to the request.', { ...details, diagnosis: 'state missing' });
  }
  const which = names.length ? `Check ${listed(names)}: the resource may not exist there.` : 'The resource may not exist: check the values you sent.';
  return caused('fail', 'not-found', `HTTP 404: not found — nothing matches these values.${meaning}${said}`, which, { ...details, diagnosis: 'not found' });
}

const RAPIDAPI_HOST_NAME = 'mashvisor-api.p.rapidapi.com';

const CLIENT_ADVICE: Record<number, string> = {
  400: 'Fix the parameters: run `mashvisor-preflight validate` on the same request.',
  401: 'Fix the API key (see the API key row).',
  403: 'The key may not use this API or endpoint: check your plan or RapidAPI subscription.',
  405: 'The path does not take this method: send it with the method the docs give (see `mashvisor-preflight endpoints`).',
  422: 'The API understood the request but rejected a value: check each value against `mashvisor-preflight validate`.',
};

const CLIENT_CAUSE: Record<number, Cause> = { 401: 'key', 403: 'subscription', 405: 'method', 429: 'rate' };

/** A 429: the plan's quota at zero is waited out or bought, a rate is slowed down for. */
function tooManyResult(res: NonNullable<Exchange['response']>, cause: Cause, nowMs: number, meaning: string, said: string, details: Details): CheckResultOf<'response'> {
  if (cause === 'quota') {
    const state = rateLimitState(lower(res.headers), 429, nowMs);
    const reset = state?.resetSeconds ?? state?.retryAfterSeconds ?? null;
    return caused('fail', 'quota', `HTTP 429: the plan's quota is used up.${said}`,
      `${reset !== null ? `Wait for the quota to reset (in ${durationText(reset)})` : "Wait for the plan's quota to reset"} or upgrade the plan; slowing down will not help.`, details);
  }
  return caused('fail', 'rate', `HTTP 429:${meaning}${said}`, 'Slow down (see the rate limit row).', details);
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const GATEWAY_ADVICE: Partial<Record<Cause, string>> = {
  plan: 'Upgrade to a RapidAPI plan that includes this endpoint (the key itself works), or use an endpoint your plan has.',
  subscription: 'Subscribe to the Mashvisor API on RapidAPI with the app whose key you send; check the key is that app\'s key, copied whole.',
  'host-header': `Send x-rapidapi-host: ${RAPIDAPI_HOST_NAME} (the host of the URL), exactly.`,
  key: 'Copy the key again from your RapidAPI app (Apps → Security), and send it in x-rapidapi-key with x-rapidapi-host.',
  'upstream-timeout': 'Retry later; nothing to fix on your side. If it repeats, contact support with the report.',
  server: 'Retry later; if it persists, contact support and attach the report.',
  'no-route': 'Check the path: RapidAPI paths have no /v1.1/client prefix (see `mashvisor-preflight endpoints`).',
};

/** The gateway's own answer, judged by what its words (or its bare mark) ask of the user. */
function gatewayResult(res: NonNullable<Exchange['response']>, reading: Reading, nowMs: number, details: Details): CheckResultOf<'response'> {
  const cause = reading.cause === 'rate' && quotaSpent(res.headers) ? 'quota' : reading.cause!;
  const said = reading.said ? ` The gateway said: "${reading.said}"${endsSentence(reading.said) ? '' : '.'}` : '';
  if (cause === 'quota' || cause === 'rate') return tooManyResult(res, cause, nowMs, ' requests came faster than your plan allows.', said, details);
  return caused('fail', cause, `HTTP ${res.status} from the RapidAPI gateway, not the API: ${reading.means}.${said}`, GATEWAY_ADVICE[cause] ?? capital(`${CAUSES[cause].todo}.`), details);
}

/** Classifies the one response: status class, the documented catalog, the error envelope, Mashvisor's quirks. */
export const responseCheck: Check<'response'> = {
  id: 'response',
  title: 'Response code',
  run: classify,
};

function classify({ spec, exchange, notSent, nowMs }: CheckContext): CheckResultOf<'response'> {
  if (!exchange) return result('skip', 'none', NOT_SENT_TEXT[notSent ?? 'params'], '', { notSent: notSent ?? null });
  const res = exchange.response;
  if (!res) return networkFailure(exchange);
  // A status outside 100-599 (a library-recorded answer; the CLI's exchange refuses it itself) is not HTTP.
  if (!(Number.isInteger(res.status) && res.status >= 100 && res.status <= 599)) {
    const message = `the server answered with status ${String(res.status)}, which is not valid HTTP (a status is 100 to 599)`;
    return networkFailure({ ...exchange, error: { kind: 'other', code: 'HPE_INVALID_STATUS', message } });
  }
  const documented = documentedFor(res.status);
  const details: Details = {
    status: res.status, class: statusClass(res.status), documented: documented?.documented ?? null,
    bodyBytes: res.bodyBytes, truncated: res.truncated,
  };
  if (exchange.error) {
    const e = exchange.error;
    const kept = res.truncated ? ` (first 1 MiB kept)` : '';
    return caused('fail', 'network', `HTTP ${res.status}, but the connection broke mid-answer: ${e.message} (${e.code}) after ${formatBytes(res.bodyBytes)}${kept}`,
      e.kind === 'timeout' ? 'The body did not end within --timeout: retry; if it repeats, contact support with the report.'
        : 'Retry; if it repeats, contact support with the report.', { ...details, error: e });
  }
  if (exchange.redirect) return redirectFailure(exchange, details);

  const html = isHtml(res.headers['content-type'], res.body);
  const parsed: BoundedParse = res.truncated ? { ok: false, reason: 'invalid' } : parseJson(res.body);
  const refused = refusedBecause(parsed);
  if (refused) details.bodyKeptAsText = refused;
  const envelope = parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? (parsed.value as Envelope) : null;
  const kind = envelopeKind(envelope);
  if (envelope) {
    details.envelope = { kind, status: envelope.status ?? null, code: envelope.code ?? null, message: envelope.message ?? null };
  }
  const reading = readAnswer(res.status, res.headers, envelope as Record<string, unknown> | null, kind === 'error' || kind === 'success');
  details.from = reading.from;
  if (reading.from === 'gateway' && reading.cause) return gatewayResult(res, reading, nowMs, details);
  const meaning = documented ? ` ${sentence(documented.documented)}` : '';
  const said = serverSaid(envelope, documented?.documented ?? null);

  if (res.status >= 200 && res.status < 300) return successResult(res, envelope, parsed.ok, html, said, details, refused);
  if (res.status >= 500) return serverErrorResult(res, html, reading.from === 'gateway' ? '' : meaning, said, details);
  if (res.status === 404) return notFoundResult(spec, exchange.request.url, reading.from, reading.from === 'api' ? meaning : '', said, details);
  if (res.status === 429) return tooManyResult(res, quotaSpent(res.headers) ? 'quota' : 'rate', nowMs, meaning, said, details);
  if (res.status >= 400) {
    return caused('fail', CLIENT_CAUSE[res.status] ?? 'request', `HTTP ${res.status}:${meaning}${said}`,
      CLIENT_ADVICE[res.status] ?? 'A client-side fix: check the parameters and the key before contacting support.', details);
  }
  return caused('warn', 'request', `HTTP ${res.status}: unexpected for this API.${said}`, 'Check --base-url.', details);
}
