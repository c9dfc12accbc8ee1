import { EXIT } from '../shared/errors.js';
import type { CheckResult, Verdict } from '../types.js';

/** One verdict from all checks: whose problem it is, and so whether to contact support. */
export function decideVerdict(checks: CheckResult[]): Verdict {
  const response = checks.find((c) => c.id === 'response');
  const side = response?.details.side;
  if (side === 'network') return 'network-error';
  if (side === 'server') return 'server-error';
  if (checks.some((c) => c.status === 'fail')) return 'client-error';
  return 'pass';
}

export const EXIT_CODES: Record<Verdict, number> = {
  pass: EXIT.pass,
  'client-error': EXIT.clientError,
  'server-error': EXIT.serverError,
  'network-error': EXIT.networkError,
};

/** A network error after a status line arrived: the API was reached, the answer broke off. */
export const BROKE_MID_ANSWER = 'network-error — the connection broke mid-answer';

/** The verdict in words; a network error with a status line is a broken answer, not an unreachable API. */
export function verdictText(verdict: Verdict, status: number | null | undefined): string {
  if (verdict === 'network-error' && typeof status === 'number') return BROKE_MID_ANSWER;
  return VERDICT_TEXT[verdict];
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  pass: 'pass — the request works; nothing to report',
  'client-error': 'client-error — fix this before contacting support',
  'server-error': 'server-error — contact support and attach the report',
  'network-error': 'network-error — the API could not be reached',
};
