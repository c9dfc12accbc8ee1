import type { Check, CheckResultOf } from '../types.js';

/** The offline validation as a row: its errors stop the call unless --send-anyway. */
export const paramsCheck: Check<'params'> = {
  id: 'params',
  title: 'Parameters & types',
  run({ validation, sendAnyway, recordedBy }): CheckResultOf<'params'> {
    const base = { id: 'params' as const, title: paramsCheck.title };
    const details = { errors: validation.errors, warnings: validation.warnings };
    if (!validation.valid) {
      const list = validation.errors.map((e) => e.message).join('; ');
      return { ...base, status: 'fail', details,
        message: `${validation.errors.length} problem${validation.errors.length === 1 ? '' : 's'}: ${list}`,
        advice: recordedBy ? `${validation.errors.map((e) => e.fix).join('; ')}.`
          : sendAnyway ? 'Sent anyway (--send-anyway).' : `${validation.errors.map((e) => e.fix).join('; ')}. No request was sent.` };
    }
    if (validation.warnings.length) {
      return { ...base, status: 'warn', details, message: validation.warnings.map((w) => w.message).join('; '), advice: validation.warnings.map((w) => w.fix).join('; ') };
    }
    return { ...base, status: 'pass', message: 'required fields present, data types match the documentation', advice: '', details };
  },
};
