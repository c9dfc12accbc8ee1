import type { Check, CheckResultOf, Problem } from '../types.js';

// Unknown parameters with no near name share one piece of advice; said once for all of them, it reads as advice
// rather than as a list of the same sentence.
function isUnknownQuery(p: Problem): p is Problem & { operationId: string } {
  return p.kind === 'unknown' && p.in === 'query' && p.severity === 'warning' && p.operationId !== undefined;
}

/** Problems as they are shown: unknown parameters of one operation merged into one, every other problem as it is. */
export function groupProblems(problems: Problem[]): Problem[] {
  const out: Problem[] = [];
  let unknown: { problem: Problem; names: string[]; operationId: string } | null = null;
  for (const p of problems) {
    if (!isUnknownQuery(p)) {
      out.push(p);
      continue;
    }
    if (unknown && unknown.operationId === p.operationId) {
      unknown.names.push(p.param);
      continue;
    }
    unknown = { problem: { ...p }, names: [p.param], operationId: p.operationId };
    out.push(unknown.problem);
  }
  if (unknown && unknown.names.length > 1) {
    const names = unknown.names.join(', ');
    Object.assign(unknown.problem, {
      param: names,
      message: `${names}: unknown parameters for ${unknown.operationId}`,
      fix: `remove them, or see: mashvisor-preflight endpoints ${unknown.operationId}`,
    });
  }
  return out;
}

/** The distinct fixes, in order: two problems with the same fix get it said once. */
function fixes(problems: Problem[]): string[] {
  return [...new Set(problems.map((p) => p.fix).filter(Boolean))];
}

/** The offline validation as a row: its errors stop the call unless --send-anyway. */
export const paramsCheck: Check<'params'> = {
  id: 'params',
  title: 'Parameters & types',
  run({ validation, sendAnyway, recordedBy }): CheckResultOf<'params'> {
    const base = { id: 'params' as const, title: paramsCheck.title };
    const details = { errors: validation.errors, warnings: validation.warnings };
    const errors = groupProblems(validation.errors);
    const warnings = groupProblems(validation.warnings);
    if (!validation.valid) {
      // The warnings stay: a hint such as "did you mean zip_code?" often explains the error.
      const list = errors.map((p) => p.message).join('; ');
      const also = warnings.length ? `. Also: ${warnings.map((p) => p.message).join('; ')}` : '';
      const advice = fixes([...errors, ...warnings]).join('; ');
      return { ...base, status: 'fail', details,
        message: `${errors.length} problem${errors.length === 1 ? '' : 's'}: ${list}${also}`,
        advice: recordedBy ? `${advice}.` : sendAnyway ? 'Sent anyway (--send-anyway).' : `${advice}. No request was sent.` };
    }
    if (warnings.length) {
      return { ...base, status: 'warn', details, message: warnings.map((w) => w.message).join('; '), advice: fixes(warnings).join('; ') };
    }
    return { ...base, status: 'pass', message: 'required fields present, data types match the documentation', advice: '', details };
  },
};
