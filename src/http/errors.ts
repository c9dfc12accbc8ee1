// What went wrong with an exchange, in the kinds a user can act on. Kept apart from the HTTP client so that the
// interceptor (which watches the app's own axios) can classify an error without loading a client of its own.
import { formatDuration } from '../shared/units.js';
import type { NetworkErrorKind } from '../types.js';

const KIND_BY_CODE: Record<string, NetworkErrorKind> = {
  ENOTFOUND: 'dns', EAI_AGAIN: 'dns', EAI_FAIL: 'dns', EAI_NONAME: 'dns', EAI_NODATA: 'dns',
  ECONNREFUSED: 'refused', EHOSTUNREACH: 'refused', ENETUNREACH: 'refused', EADDRNOTAVAIL: 'refused',
  ECONNRESET: 'reset', EPIPE: 'reset', ERR_STREAM_PREMATURE_CLOSE: 'reset', UND_ERR_SOCKET: 'reset',
};

const KIND_MESSAGE: Record<NetworkErrorKind, string> = {
  dns: 'the host name could not be resolved',
  refused: 'the connection was refused',
  reset: 'the connection was reset',
  timeout: 'no complete answer within the timeout',
  tls: 'the TLS handshake failed',
  redirect: 'redirect not followed',
  budget: 'request budget exhausted',
  other: 'the request failed',
};

/** The system error code behind an axios error (axios wraps it, and names its own cancel/abort codes). */
function systemCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const own = e?.code;
  if (own && own !== 'ERR_CANCELED' && own !== 'ECONNABORTED' && own !== 'ERR_BAD_RESPONSE') return own;
  return e?.cause?.code ?? own ?? 'UNKNOWN';
}

/** Node's error codes → the kinds a user can act on. A timeout we imposed wins over whatever the abort caused. */
export function classifyNetworkError(err: unknown, timedOut: boolean, timeoutMs?: number): { kind: NetworkErrorKind; code: string; message: string } {
  const code = systemCode(err);
  if (timedOut || code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    // Our own timer fired: say how long it was, so that the user knows what a larger --timeout means.
    const message = timedOut && timeoutMs !== undefined ? `no complete answer within the ${formatDuration(timeoutMs)} timeout` : KIND_MESSAGE.timeout;
    return { kind: 'timeout', code: 'ETIMEDOUT', message };
  }
  // Node's HTTP parser refused the answer (a control character in a header, a broken status line): the server
  // answered, but not in HTTP that can be read.
  if (code.startsWith('HPE_')) return { kind: 'other', code, message: 'the server answered, but not in valid HTTP (a malformed status line or header)' };
  const tls = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|EPROTO|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code);
  const kind = KIND_BY_CODE[code] ?? (tls ? 'tls' : 'other');
  const message = kind === 'other' ? (err as Error)?.message || KIND_MESSAGE.other : KIND_MESSAGE[kind];
  return { kind, code, message };
}
