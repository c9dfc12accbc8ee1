import { DOCUMENTED_CLASSES, DOCUMENTED_CODES, EXPLAINED_CODES, statusClass, type CodeInfo } from '../../catalog/codes.js';
import { UsageError } from '../../shared/errors.js';
import { print } from '../output.js';

export interface ExplainedCode extends CodeInfo {
  /** False when the code is not on the errors page and what is shown is its class (418 → 4xx). */
  documentedCode: boolean;
  /** True for a code the errors page's table does not list, explained in this tool's words (3xx, 403, 405, 422). */
  ownWords?: boolean;
}

// Own keys only: "constructor" or "__proto__" must not be found on a plain object's prototype.
function own(table: Record<string, CodeInfo>, key: string): CodeInfo | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** 400 → its entry; 2xx/4xx/5xx → the class; any other 2xx-5xx code → its class. */
export function lookupCode(input: string): ExplainedCode {
  const code = input.trim().toLowerCase();
  const exact = own(DOCUMENTED_CODES, code) ?? own(DOCUMENTED_CLASSES, code);
  if (exact) return { ...exact, documentedCode: true };
  const ours = own(EXPLAINED_CODES, code);
  if (ours) return { ...ours, documentedCode: false, ownWords: true };
  const klass = /^\d{3}$/.test(code) ? statusClass(Number(code)) : '';
  const redirect = klass === '3xx' ? own(EXPLAINED_CODES, '3xx') : undefined;
  if (redirect) return { ...redirect, code, documentedCode: false, ownWords: true };
  const byClass = klass ? own(DOCUMENTED_CLASSES, klass) : undefined;
  if (byClass) return { ...byClass, code, documentedCode: false };
  throw new UsageError(`unknown status code: ${input} (try 400, 401, 403, 404, 405, 422, 429, 500, 503, 3xx, 2xx, 4xx or 5xx)`);
}

function whoseFix(info: CodeInfo): string {
  if (info.code.startsWith('2')) return 'nothing to fix: the request succeeded';
  if (info.code.startsWith('3')) return 'a client-side fix: the base URL or scheme';
  return info.party === 'client' ? 'a client-side fix: fix this before contacting support' : 'a case for support: contact support and attach the report';
}

export async function run(args: { code: string; json?: boolean }): Promise<number> {
  const info = lookupCode(String(args.code ?? ''));
  if (args.json) {
    const { code, title, documented, party, checkFirst, documentedCode } = info;
    print(JSON.stringify({ code, title, documented, documentedCode, party, checkFirst }, null, 2));
    return 0;
  }
  const note = info.documentedCode || info.ownWords ? '' : `\n  (${info.code} is not on the errors page; this is what its class, ${statusClass(Number(info.code))}, means)`;
  const meaning = info.ownWords ? `  Meaning: ${info.documented} (not in the errors page's table)` : `  Documented: "${info.documented}"`;
  const { wrapText } = await import('../text.js');
  print(wrapText([
    `${info.code} ${info.title}`,
    `${meaning}${note}`,
    `  Whose fix: ${whoseFix(info)}`,
    '  Check first:',
    ...info.checkFirst.map((c) => `    - ${c}`),
  ].join('\n'), undefined, '  '));
  return 0;
}
