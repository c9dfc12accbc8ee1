// What an answer asks of the user, declared once. The response check names a cause for every answer; the verdict,
// the advice's first words and `explain` read this table, and so can anything built on top of a report (a watch
// loop asks `nextStep`: fix something now, or wait and try again).
import type { Cause, CheckResult, Report, Verdict } from '../types.js';

export type { Cause } from '../types.js';

/** Who moves next: nothing to do, the user fixes something, the user waits (and retries), or support looks at it. */
export type NextStep = 'none' | 'fix' | 'wait' | 'support';

export interface CauseInfo {
  verdict: Verdict;
  next: NextStep;
  /** What to do, as a short imperative: the first words of the advice. */
  todo: string;
}

export const CAUSES: Record<Cause, CauseInfo> = {
  ok: { verdict: 'pass', next: 'none', todo: 'nothing to fix' },
  request: { verdict: 'client-error', next: 'fix', todo: 'fix the parameters' },
  'not-found': { verdict: 'client-error', next: 'fix', todo: 'check the values that name the resource' },
  'no-route': { verdict: 'client-error', next: 'fix', todo: 'fix the base URL or the path' },
  method: { verdict: 'client-error', next: 'fix', todo: 'send the documented method' },
  redirect: { verdict: 'client-error', next: 'fix', todo: 'fix the base URL' },
  key: { verdict: 'client-error', next: 'fix', todo: 'fix the key' },
  subscription: { verdict: 'client-error', next: 'fix', todo: 'subscribe to the API with this key' },
  plan: { verdict: 'client-error', next: 'fix', todo: 'upgrade to a plan that includes this endpoint' },
  'host-header': { verdict: 'client-error', next: 'fix', todo: 'fix the x-rapidapi-host header' },
  quota: { verdict: 'client-error', next: 'wait', todo: "wait for the plan's quota to reset, or upgrade" },
  rate: { verdict: 'client-error', next: 'wait', todo: 'slow down' },
  'upstream-timeout': { verdict: 'server-error', next: 'wait', todo: 'retry later' },
  server: { verdict: 'server-error', next: 'wait', todo: 'retry later, then contact support' },
  // A 200 whose body did not end within the read limit: never judged, and a client reading it whole would hang or
  // run out of memory. The server's to mend; a retry may meet a healthy instance, so a watch waits (within budget).
  'body-too-large': { verdict: 'server-error', next: 'wait', todo: 'write to support with this report, then retry later' },
  network: { verdict: 'network-error', next: 'wait', todo: 'check the network and retry' },
};

/** Whether the user can act now (fix something) or should wait: none when nothing is wrong. */
export function nextStep(cause: Cause): NextStep {
  return CAUSES[cause].next;
}

export function userCanFix(cause: Cause): boolean {
  return CAUSES[cause].next === 'fix';
}

/** The cause the response row of a report names; null when no answer was judged (nothing sent, or an old report). */
export function causeOf(report: Pick<Report, 'checks'> | { checks: readonly CheckResult[] }): Cause | null {
  const row = report.checks.find((c) => c.id === 'response');
  const cause = row && 'cause' in row.details ? row.details.cause : null;
  return typeof cause === 'string' && Object.hasOwn(CAUSES, cause) ? (cause as Cause) : null;
}
