import { DOCUMENTED_CLASSES, DOCUMENTED_CODES, statusClass, type CodeInfo } from '../codes.js';
import { UsageError } from '../errors.js';
import { print } from '../output.js';

export function lookupCode(input: string): CodeInfo & { documentedCode: boolean } {
  const code = input.trim().toLowerCase();
  if (DOCUMENTED_CODES[code]) return { ...DOCUMENTED_CODES[code], documentedCode: true };
  if (DOCUMENTED_CLASSES[code]) return { ...DOCUMENTED_CLASSES[code], documentedCode: false };
  if (/^[1-5]\d\d$/.test(code) && DOCUMENTED_CLASSES[statusClass(Number(code))]) {
    return { ...DOCUMENTED_CLASSES[statusClass(Number(code))]!, code, documentedCode: false };
  }
  throw new UsageError(`unknown status code: ${input} (try 400, 401, 404, 429, 500, 503, 2xx, 4xx or 5xx)`);
}

export async function run(args: { code: string; json?: boolean }): Promise<number> {
  const info = lookupCode(String(args.code));
  const fix = info.party === 'client' ? 'a client-side fix: fix this before contacting support' : 'a case for support: contact support and attach the report';
  if (args.json) {
    print(JSON.stringify({ code: info.code, title: info.title, documented: info.documented, party: info.party, checkFirst: info.checkFirst }, null, 2));
    return 0;
  }
  const note = info.documentedCode ? '' : `\n  (${info.code} is not in the errors page's catalog; this is what its class means)`;
  print([
    `${info.code} ${info.title}`,
    `  Documented: "${info.documented}"${note}`,
    `  Whose fix: ${fix}`,
    '  Check first:',
    ...info.checkFirst.map((c) => `    - ${c}`),
  ].join('\n'));
  return 0;
}
