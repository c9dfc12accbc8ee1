import { print, paint, registerSecrets } from '../output.js';
import { resolveRequest, type SpecInput } from '../../request/spec.js';
import { validateParams } from '../../catalog/validate.js';
import { redactParams } from '../../shared/redact.js';
import type { Problem, ValidationResult } from '../../types.js';

export interface ValidateArgs extends SpecInput {
  json?: boolean;
}

/** Exit 0 when valid (warnings allowed), 1 when not; bad input throws a UsageError (exit 2). */
export async function run(args: ValidateArgs): Promise<number> {
  const spec = await resolveRequest(args);
  const params = spec.params;
  registerSecrets([process.env.MASHVISOR_API_KEY, ...(spec.secrets ?? [])]);
  const result = await validateParams(spec.operation, params);
  if (args.json) print(JSON.stringify({ ...result, params: redactParams(params) }, null, 2));
  else print(await renderResult(result));
  return result.valid ? 0 : 1;
}

export async function renderResult(result: ValidationResult): Promise<string> {
  const counts = `${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')}`;
  const head = result.valid
    ? `${paint('green', '✔')} ${result.operationId} ${result.method} ${result.endpoint}: parameters valid (${counts})`
    : `${paint('red', '✖')} ${result.operationId} ${result.method} ${result.endpoint}: ${counts}`;
  const problems = [...result.errors, ...result.warnings];
  // A short line needs no measuring: the wrapping code is loaded only for a line that might not fit.
  const line = head.length > 60 ? (await import('../text.js')).wrapText(head, undefined, '  ') : head;
  if (!problems.length) return line;
  return `${line}\n${await problemTable(problems)}`;
}

/** Parameter | Severity | Problem | Fix, as wide as the terminal allows. */
export async function problemTable(problems: Problem[], width?: number): Promise<string> {
  const { drawTable } = await import('../table.js');
  const { groupProblems } = await import('../../checks/params.js');
  const rows = groupProblems(problems).map((p) => {
    const severity = p.severity === 'error' ? paint('red', '✖ error') : paint('yellow', '⚠ warning');
    return [paramLabel(p), severity, p.message, p.fix];
  });
  return drawTable(['Parameter', 'Severity', 'Problem', 'Fix'], rows, { width, keepWhole: [1] });
}

/** "state", "state (path)"; body problems already say "body". */
function paramLabel(p: Problem): string {
  const quiet = p.in === 'query' || p.in === 'request' || p.param === p.in || p.param.startsWith(`${p.in}.`);
  return quiet ? p.param : `${p.param} (${p.in})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
