import { documentedFor, statusClass } from '../codes.js';
import type { CheckResult, Exchange, RequestSpec } from '../types.js';

export type Side = 'client' | 'server' | 'network' | 'none';

export interface Envelope {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  content?: unknown;
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isHtml(contentType: string | undefined, body: string): boolean {
  return /text\/html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html)/i.test(body);
}

function stateGiven(spec: RequestSpec): boolean {
  return spec.params.query.state !== undefined || spec.params.path.state !== undefined;
}

function result(status: CheckResult['status'], side: Side, message: string, advice: string, details: Record<string, unknown>): CheckResult {
  return { id: 'response', title: 'Response code', status, message, advice, details: { side, ...details } };
}

/** Classifies the one response: status class, the documented catalog, the error envelope, Mashvisor's quirks. */
export function responseCheck(spec: RequestSpec, exchange: Exchange | null): CheckResult {
  if (!exchange) return result('skip', 'none', 'no request was sent', '', {});
  const res = exchange.response;
  if (!res) {
    const e = exchange.error!;
    return result('fail', 'network', `no response: ${e.message} (${e.code})`,
      e.kind === 'dns' ? 'Check the host name in --base-url and your DNS.'
        : e.kind === 'timeout' ? 'Retry with a larger --timeout; check your network, proxy and firewall.'
          : e.kind === 'tls' ? 'Check the certificate chain and any TLS-inspecting proxy.'
            : 'Check the base URL, your network, proxy and firewall.', { error: e });
  }
  const documented = documentedFor(res.status);
  const details: Record<string, unknown> = {
    status: res.status, class: statusClass(res.status), documented: documented?.documented ?? null,
    bodyBytes: res.bodyBytes, truncated: res.truncated,
  };
  if (exchange.error) {
    return result('fail', 'network', `HTTP ${res.status}, but the body broke off: ${exchange.error.message} (${exchange.error.code}) after ${res.bodyBytes} bytes`,
      'Retry; if it repeats, contact support with the report.', { ...details, error: exchange.error });
  }
  if (exchange.redirect) {
    const r = exchange.redirect;
    return result('fail', 'client', `HTTP ${res.status} redirect to ${r.crossHost ? 'another host' : 'another path'}: ${new URL(r.location).host}${new URL(r.location).pathname}; not followed${r.crossHost ? ', so the key never left the base URL\'s host' : ''}`,
      'Check --base-url: the API should answer directly, not redirect.', { ...details, redirect: r });
  }
  const html = isHtml(res.headers['content-type'], res.body);
  const parsed = parseJson(res.body);
  const envelope = parsed.ok && parsed.value && typeof parsed.value === 'object' ? (parsed.value as Envelope) : null;
  if (envelope) details.envelope = { status: envelope.status ?? null, code: envelope.code ?? null, message: envelope.message ?? null };
  const said = typeof envelope?.message === 'string' ? ` The server said: "${envelope.message}".` : '';
  const meaning = documented ? ` ${documented.documented}` : '';

  if (res.status >= 200 && res.status < 300) {
    if (!parsed.ok && !res.truncated) {
      return result('fail', 'server', `HTTP ${res.status}, but the body is not valid JSON${html ? ' (an HTML page)' : ''}: a server-side problem`,
        'Contact support and attach the report.', { ...details, diagnosis: html ? 'html-on-success' : 'invalid-json' });
    }
    if (envelope && envelope.status !== undefined && envelope.status !== 'success') {
      return result('warn', 'none', `HTTP ${res.status}, but the envelope says status "${String(envelope.status)}".${said}`, 'Read the message; the request may need other parameters.', details);
    }
    return result('pass', 'none', `HTTP ${res.status}: success${res.truncated ? ` (body over 1 MiB: ${res.bodyBytes} bytes, truncated in the report)` : ''}`, '', details);
  }
  if (res.status >= 500) {
    const diagnosis = html ? 'maintenance / gateway page' : null;
    return result('fail', 'server', `HTTP ${res.status}:${meaning}${said}${diagnosis ? ` The body is an HTML page: a maintenance / gateway page, not the API.` : ''}`,
      'A case for support: retry later, and if it persists contact support and attach this report.', { ...details, diagnosis });
  }
  if (res.status === 404) {
    const missing = !stateGiven(spec);
    return result('fail', 'client', missing
      ? `HTTP 404: state missing — the API answers 404 (not 400) when state is absent.${said}`
      : `HTTP 404: not found — check the id/address.${meaning}${said}`,
      missing ? 'Add state=XX (two-letter code) to the request.' : 'Check the id, address, city and state: the resource may not exist there.',
      { ...details, diagnosis: missing ? 'state missing' : 'not found' });
  }
  if (res.status >= 400) {
    const advice: Record<number, string> = {
      400: 'Fix the parameters: run `mashvisor-preflight validate` on the same request.',
      401: 'Fix the API key (see the API key row).',
      429: 'Slow down (see the rate limit row).',
    };
    return result('fail', 'client', `HTTP ${res.status}:${meaning}${said}`, advice[res.status] ?? 'A client-side fix: check the parameters and the key before contacting support.', details);
  }
  return result('warn', 'client', `HTTP ${res.status}: unexpected for this API.${said}`, 'Check --base-url.', details);
}
