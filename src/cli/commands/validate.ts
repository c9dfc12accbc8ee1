import { cellText, print, paint, registerSecrets } from '../output.js';
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
  if (!problems.length) return head;
  return `${head}\n${await problemTable(problems)}`;
}

/** Parameter | Severity | Problem | Fix, as wide as the terminal (or $COLUMNS) allows; 120 columns when unknown. */
export async function problemTable(problems: Problem[], width = terminalWidth()): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const [problemWidth, fixWidth] = textColumns(problems, Math.max(60, width - 16 - 12 - 5));
  const table = new Table({
    head: ['Parameter', 'Severity', 'Problem', 'Fix'], style: { head: [], border: [] }, wordWrap: true,
    colWidths: [16, 12, problemWidth, fixWidth],
  });
  for (const p of problems) {
    const severity = p.severity === 'error' ? paint('red', '✖ error') : paint('yellow', '⚠ warning');
    table.push([cellText(paramLabel(p)), severity, cell(cellText(p.message), problemWidth), cell(cellText(p.fix), fixWidth)]);
  }
  return table.toString();
}

/** Widths of the Problem and Fix columns: as wide as their text when it fits in `free`, else about 55/45. */
function textColumns(problems: Problem[], free: number): [number, number] {
  const want = (texts: string[], header: string) => Math.max(header.length, ...texts.map((t) => t.length)) + 2;
  const problemWant = want(problems.map((p) => p.message), 'Problem');
  const fixWant = want(problems.map((p) => p.fix), 'Fix');
  if (problemWant + fixWant <= free) return [problemWant, fixWant];
  const fixShare = Math.min(fixWant, free - Math.floor(free * 0.55));
  const problemWidth = Math.min(problemWant, free - fixShare);
  return [problemWidth, free - problemWidth];
}

function terminalWidth(): number {
  const fromEnv = Number(process.env.COLUMNS);
  return process.stdout.columns || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 120);
}

/** "state", "state (path)"; body problems already say "body". */
function paramLabel(p: Problem): string {
  const quiet = p.in === 'query' || p.in === 'request' || p.param === p.in || p.param.startsWith(`${p.in}.`);
  return quiet ? p.param : `${p.param} (${p.in})`;
}

/** A word longer than the column (a path, a URL) would be cut with '…': break such a cell anywhere instead. */
function cell(text: string, width: number): string | { content: string; wrapOnWordBoundary: boolean } {
  const longest = Math.max(...text.split(/\s+/).map((w) => w.length));
  return longest > width - 2 ? { content: text, wrapOnWordBoundary: false } : text;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
