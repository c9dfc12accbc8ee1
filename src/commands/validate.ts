import { print, paint } from '../output.js';
import { resolveRequest, type SpecInput } from '../spec.js';
import { validateParams } from '../validate.js';
import type { Problem, ValidationResult } from '../types.js';

export interface ValidateArgs extends SpecInput {
  json?: boolean;
}

export async function run(args: ValidateArgs): Promise<number> {
  const { resolved, params } = await resolveRequest(args);
  const result = await validateParams(resolved.operation, params);
  if (args.json) print(JSON.stringify({ ...result, params }, null, 2));
  else print(await renderResult(result));
  return result.valid ? 0 : 1;
}

export async function renderResult(result: ValidationResult): Promise<string> {
  const counts = `${plural(result.errors.length, 'error')}, ${plural(result.warnings.length, 'warning')}`;
  const head = result.valid
    ? `${paint('green', '✔')} ${result.operationId} ${result.method} ${result.endpoint}: parameters valid (${counts})`
    : `${paint('red', '✖')} ${result.operationId} ${result.method} ${result.endpoint}: ${counts}`;
  const problems = [...result.errors, ...result.warnings];
  if (!problems.length) return head;
  return `${head}\n${await problemTable(problems)}`;
}

export async function problemTable(problems: Problem[]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['Parameter', 'Severity', 'Problem', 'Fix'], style: { head: [], border: [] }, wordWrap: true, colWidths: [16, 12, 50, 34] });
  for (const p of problems) {
    const severity = p.severity === 'error' ? paint('red', '✖ error') : paint('yellow', '⚠ warning');
    table.push([`${p.param}${p.in === 'query' || p.in === 'request' ? '' : ` (${p.in})`}`, severity, p.message, p.fix]);
  }
  return table.toString();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
