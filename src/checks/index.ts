// The checklist, declared once. Every check is a pure function of one CheckContext (the request, its offline
// validation, the one exchange) to one CheckResult; the runner calls each in order and isolates it, so a bug in
// one check costs its own row, never the report of a request that may already have been billed.
import { paramsCheck } from './params.js';
import { authCheck } from './auth.js';
import { rateLimitCheck } from './ratelimit.js';
import { responseCheck } from './response.js';
import { decideVerdict } from './verdict.js';
import type { Check, CheckContext, CheckId, CheckResult, Verdict } from '../types.js';

/** Any one declared check, whatever its id. */
export type AnyCheck = { [Id in CheckId]: Check<Id> }[CheckId];

/** The errors page's checklist, in the order its rows are shown. */
export const CHECKS: readonly AnyCheck[] = [paramsCheck, authCheck, rateLimitCheck, responseCheck];

/** Longer texts are cut: the row names the error, it does not carry a dump. */
const MAX_ERROR_CHARS = 300;

/** The error's own message (first line, bounded): no stack, which would show paths and nothing a user can act on. */
function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : `thrown: ${String(err)}`;
  const line = text.split(/\r?\n/)[0]!;
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}

/** A check that threw becomes a failed row of its own id and title, naming the error. */
export function internalErrorRow(check: AnyCheck, err: unknown): CheckResult {
  const error = errorText(err);
  return {
    id: check.id, title: check.title, status: 'fail',
    message: `internal error in this check (${error}); the other checks and the report are unaffected`,
    advice: 'A bug in mashvisor-preflight, not in your request: please report it with this report attached.',
    details: { internalError: error },
  } as CheckResult;
}

/** Runs each check on the same context, in order; one that throws yields its internal-error row. */
export function runChecks(ctx: CheckContext, checks: readonly AnyCheck[] = CHECKS): CheckResult[] {
  return checks.map((check) => {
    try {
      return check.run(ctx);
    } catch (err) {
      return internalErrorRow(check, err);
    }
  });
}

/** The rows and the verdict read from them. */
export function judge(ctx: CheckContext, checks: readonly AnyCheck[] = CHECKS): { checks: CheckResult[]; verdict: Verdict } {
  const rows = runChecks(ctx, checks);
  return { checks: rows, verdict: decideVerdict(rows) };
}
