// The verdict's words and exit codes: the checks decide the verdict, the writers and the CLI show it, so its
// vocabulary sits here where both sides may read it.
import { EXIT } from './errors.js';
import type { Verdict } from '../types.js';

export const EXIT_CODES: Record<Verdict, number> = {
  pass: EXIT.pass,
  'client-error': EXIT.clientError,
  'server-error': EXIT.serverError,
  'network-error': EXIT.networkError,
};

export const VERDICT_TEXT: Record<Verdict, string> = {
  pass: 'pass — the request works; nothing to report',
  'client-error': 'client-error — fix this before contacting support',
  'server-error': 'server-error — contact support and attach the report',
  'network-error': 'network-error — the API could not be reached',
};

/** A network error after a status line arrived: the API was reached, the answer broke off. */
export const BROKE_MID_ANSWER = 'network-error — the connection broke mid-answer';

/** A status outside 100-599 (099, 000, 799): the server answered, but not in HTTP. */
export function notHttpText(error: { code: string; message: string } | null | undefined): string | null {
  if (error?.code !== 'HPE_INVALID_STATUS') return null;
  const status = /status (\S+?),/.exec(error.message)?.[1];
  return `network-error — the server's answer is not valid HTTP${status ? ` (status ${status})` : ''}`;
}

/**
 * The verdict in words; a network error with a status line is a broken answer, and one with a status that is not
 * HTTP is a bad answer: neither is an unreachable API.
 */
export function verdictText(verdict: Verdict, status: number | null | undefined, error?: { code: string; message: string } | null): string {
  const notHttp = verdict === 'network-error' ? notHttpText(error) : null;
  if (notHttp) return notHttp;
  if (verdict === 'network-error' && typeof status === 'number') return BROKE_MID_ANSWER;
  return VERDICT_TEXT[verdict];
}
