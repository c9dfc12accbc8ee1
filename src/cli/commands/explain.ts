import { DOCUMENTED_CLASSES, DOCUMENTED_CODES, statusClass, type CodeInfo } from '../../catalog/codes.js';
import { UsageError } from '../../shared/errors.js';
import { print } from '../output.js';

export interface ExplainedCode extends CodeInfo {
  /** False when the code is not on the errors page and what is shown is its class (418 → 4xx). */
  documentedCode: boolean;
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
  const byClass = /^\d{3}$/.test(code) ? own(DOCUMENTED_CLASSES, statusClass(Number(code))) : undefined;
  if (byClass) return { ...byClass, code, documentedCode: false };
  throw new UsageError(`unknown status code: ${input} (try 400, 401, 404, 429, 500, 503, 2xx, 4xx or 5xx)`);
}

function whoseFix(info: CodeInfo): string {
  if (info.code.startsWith('2')) return 'nothing to fix: the request succeeded';
  return info.party === 'client' ? 'a client-side fix: fix this before contacting support' : 'a case for support: contact support and attach the report';
}

export async function run(args: { code: string; json?: boolean }): Promise<number> {
  const info = lookupCode(String(args.code ?? ''));
  if (args.json) {
    const { code, title, documented, party, checkFirst, documentedCode } = info;
    print(JSON.stringify({ code, title, documented, documentedCode, party, checkFirst }, null, 2));
    return 0;
  }
  const note = info.documentedCode ? '' : `\n  (${info.code} is not on the errors page; this is what its class, ${statusClass(Number(info.code))}, means)`;
  const { wrapText } = await import('../text.js');
  print(wrapText([
    `${info.code} ${info.title}`,
    `  Documented: "${info.documented}"${note}`,
    `  Whose fix: ${whoseFix(info)}`,
    '  Check first:',
    ...info.checkFirst.map((c) => `    - ${c}`),
  ].join('\n'), undefined, '  '));
  return 0;
}
