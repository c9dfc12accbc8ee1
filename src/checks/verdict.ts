import type { CheckResult, Verdict } from '../types.js';

/** One verdict from all checks: whose problem it is, and so whether to contact support. */
export function decideVerdict(checks: CheckResult[]): Verdict {
  const response = checks.find((c) => c.id === 'response');
  const side = response && 'side' in response.details ? response.details.side : undefined;
  if (side === 'network') return 'network-error';
  if (side === 'server') return 'server-error';
  if (checks.some((c) => c.status === 'fail')) return 'client-error';
  return 'pass';
}
