import { documentedFor, statusClass } from '../catalog/codes.js';
import { parseJson, type BoundedParse } from '../shared/json.js';
import { refusedBecause } from '../shared/json-bounds.js';
import type { Check, CheckContext, CheckResultOf, Exchange, NetworkErrorKind, NotSent, RequestSpec, ResponseDetails, Side } from '../types.js';
import { formatBytes } from '../shared/units.js';
import { READ_BODY_BYTES, readStopped } from '../shared/body-limits.js';

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
  return result('fail', 'network', `no response: ${e.message} (${e.code})`,
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
  return result('fail', 'client',
    `HTTP ${status} redirect to ${r.crossHost ? 'another host' : 'another path'} (${where}); not followed${r.crossHost ? ', so the key never left the base URL\'s host' : ''}`,
    'Check --base-url: the API answers directly, it does not redirect.', { ...details, redirect: r });
}

function successResult(res: NonNullable<Exchange['response']>, envelope: Envelope | null, parsed: boolean, html: boolean, said: string, details: Details, refused: string | null = null): CheckResultOf<'response'> {
  if (res.bodyNotRecorded) return result('pass', 'none', `HTTP ${res.status}: success (the recording kept no body to look into)`, '', details);
  // A body too deep or too large to lay out is not a broken one: say what was done with it, and no more.
  if (refused) return result('warn', 'none', `HTTP ${res.status}: success, but ${refused}`, 'Nothing to fix on your side; the report holds the body as text.', details);
  const size = readStopped(res.bodyBytes) ? ` (body over ${formatBytes(READ_BODY_BYTES)}: reading stopped after ${formatBytes(res.bodyBytes)}; the first MiB is in the report)`
    : !res.truncated ? ''
    : compressed(res.headers) ? ' (compressed body: decoding stopped after its first 1 MiB, truncated in the report)'
      : ` (body over 1 MiB: ${formatBytes(res.bodyBytes)}, truncated in the report)`;
  // A body cut at the cap cannot be parsed whole, but its first character already tells whether it can be JSON.
  const cannotBeJson = res.truncated && !/^\s*(?:[{["\-\d]|true|false|null)/.test(res.body.slice(0, 64));
  if (!parsed && (!res.truncated || cannotBeJson)) {
    return result('fail', 'server', `HTTP ${res.status}, but the body is not valid JSON${html ? ' (an HTML page)' : ''}${size}: a server-side problem`,
      'Contact support and attach the report.', { ...details, diagnosis: html ? 'html-on-success' : 'invalid-json' });
  }
  if (envelope && envelope.status !== undefined && envelope.status !== 'success') {
    return result('warn', 'none', `HTTP ${res.status}, but the envelope says status "${String(envelope.status)}".${said}`, 'Read the message; the request may need other parameters.', details);
  }
  return result('pass', 'none', `HTTP ${res.status}: success${size}`, '', details);
}

function serverErrorResult(res: NonNullable<Exchange['response']>, html: boolean, meaning: string, said: string, details: Details): CheckResultOf<'response'> {
  const page = html ? ' The body is an HTML page: a maintenance / gateway page, not the API.' : '';
  return result('fail', 'server', `HTTP ${res.status}:${meaning}${said}${page}`,
    'A case for support: retry later, and if it persists contact support and attach this report.',
    { ...details, diagnosis: html ? 'maintenance / gateway page' : null });
}

function notFoundResult(spec: RequestSpec, envelope: Envelope | null, meaning: string, said: string, details: Details): CheckResultOf<'response'> {
  const method = spec.method?.toUpperCase();
  if (method && method !== spec.operation.method) {
    return result('fail', 'client', `HTTP 404: the API has no ${method} ${spec.operation.path}; it documents ${spec.operation.method} there.${said}`,
      `Send it as ${spec.operation.method}${spec.methodFrom ? ` (the method came from ${spec.methodFrom})` : ''}.`, { ...details, diagnosis: 'wrong method' });
  }
  // A gateway (RapidAPI) that knows no such path says so in its own words; that is not the API's 404.
  if (typeof envelope?.message === 'string' && /endpoint .* does not exist/i.test(envelope.message)) {
    return result('fail', 'client', `HTTP 404: the endpoint path does not exist on this host.${said}`,
      'Check --base-url and --rapidapi: direct paths start with /v1.1/client, RapidAPI paths do not.', { ...details, diagnosis: 'no such endpoint' });
  }
  if (!stateGiven(spec)) {
    return result('fail', 'client', `HTTP 404: state missing — the API answers 404 (not 400) when state is absent.${said}`,
      'Add state=XX (two-letter code) to the request.', { ...details, diagnosis: 'state missing' });
  }
  return result('fail', 'client', `HTTP 404: not found — check the id/address.${meaning}${said}`,
    'Check the id, address, city and state: the resource may not exist there.', { ...details, diagnosis: 'not found' });
}

const CLIENT_ADVICE: Record<number, string> = {
  400: 'Fix the parameters: run `mashvisor-preflight validate` on the same request.',
  401: 'Fix the API key (see the API key row).',
  403: 'The key is known but not allowed here: check your plan or RapidAPI subscription.',
  405: 'The path does not take this method: send it with the method the docs give (see `mashvisor-preflight endpoints`).',
  422: 'The API understood the request but rejected a value: check each value against `mashvisor-preflight validate`.',
  429: 'Slow down (see the rate limit row).',
};

/** Classifies the one response: status class, the documented catalog, the error envelope, Mashvisor's quirks. */
export const responseCheck: Check<'response'> = {
  id: 'response',
  title: 'Response code',
  run: classify,
};

function classify({ spec, exchange, notSent }: CheckContext): CheckResultOf<'response'> {
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
    return result('fail', 'network', `HTTP ${res.status}, but the connection broke mid-answer: ${e.message} (${e.code}) after ${formatBytes(res.bodyBytes)}${kept}`,
      e.kind === 'timeout' ? 'The body did not end within --timeout: retry; if it repeats, contact support with the report.'
        : 'Retry; if it repeats, contact support with the report.', { ...details, error: e });
  }
  if (exchange.redirect) return redirectFailure(exchange, details);

  const html = isHtml(res.headers['content-type'], res.body);
  const parsed: BoundedParse = res.truncated ? { ok: false, reason: 'invalid' } : parseJson(res.body);
  const refused = refusedBecause(parsed);
  if (refused) details.bodyKeptAsText = refused;
  const envelope = parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? (parsed.value as Envelope) : null;
  if (envelope) {
    details.envelope = { kind: envelopeKind(envelope), status: envelope.status ?? null, code: envelope.code ?? null, message: envelope.message ?? null };
  }
  const meaning = documented ? ` ${sentence(documented.documented)}` : '';
  const said = serverSaid(envelope, documented?.documented ?? null);

  if (res.status >= 200 && res.status < 300) return successResult(res, envelope, parsed.ok, html, said, details, refused);
  if (res.status >= 500) return serverErrorResult(res, html, meaning, said, details);
  if (res.status === 404) return notFoundResult(spec, envelope, meaning, said, details);
  if (res.status >= 400) {
    return result('fail', 'client', `HTTP ${res.status}:${meaning}${said}`,
      CLIENT_ADVICE[res.status] ?? 'A client-side fix: check the parameters and the key before contacting support.', details);
  }
  return result('warn', 'client', `HTTP ${res.status}: unexpected for this API.${said}`, 'Check --base-url.', details);
}
