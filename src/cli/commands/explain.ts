import { DOCUMENTED_CLASSES, DOCUMENTED_CODES, EXPLAINED_CODES, statusClass, type CodeInfo } from '../../catalog/codes.js';
import { UsageError } from '../../shared/errors.js';
import { CAUSES, type NextStep } from '../../checks/causes.js';
import { GATEWAY_RULES } from '../../checks/gateway.js';
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
  throw new UsageError(`unknown status code: ${input} (try ${CODES_TRIED})`);
}

/** Every code and class explain knows by name: its help and its error list the same ones. */
export const CODES_TRIED = '200, 400, 401, 403, 404, 405, 422, 429, 500, 503, 3xx, 2xx, 4xx or 5xx';

/** One answer of the same status that means something else: the gateway's own words, a body that is not the API's. */
export interface OtherAnswer {
  /** What the answer looks like. */
  answer: string;
  means: string;
  todo: string;
  /** Fix something now, wait and retry, or support: the same table the verdict reads. */
  next: NextStep;
}

/** Beyond the errors page: what the RapidAPI gateway (or a router) answers with this status, from the verdict's own tables. */
export function otherAnswers(code: string): OtherAnswer[] {
  const status = /^\d{3}$/.test(code) ? Number(code) : null;
  const klass = code.endsWith('xx') ? code[0] : String(status ?? '')[0];
  const out: OtherAnswer[] = [];
  const add = (answer: string, means: string, cause: keyof typeof CAUSES) => out.push({ answer, means, todo: CAUSES[cause].todo, next: CAUSES[cause].next });
  for (const rule of GATEWAY_RULES) {
    const fits = rule.status ? (status !== null ? rule.status.includes(status) : rule.status.some((s) => String(s)[0] === klass))
      : (rule.cause === 'upstream-timeout' ? klass === '2' : klass === '5');
    if (fits) add(`RapidAPI: "${rule.example}"`, rule.means, rule.cause);
  }
  if (status === 401 || code === '4xx') add('RapidAPI: no body, with x-rapidapi-proxy-response: true', 'the gateway refused the key', 'key');
  if (status === 404 || code === '4xx') {
    add('a 404 not in the API\'s {"status":"error"} envelope (a router\'s "Cannot GET", Prism\'s "Route not resolved", an HTML page)',
      'the path does not exist at that base URL', 'no-route');
  }
  if (klass === '2') {
    add('a 2xx whose body is {"status":"error", ...}', 'an error, judged as what it says, not a pass', 'request');
    add('a 2xx whose body does not end within 8 MiB (endless, or larger)', 'a server problem, not a pass: the body was never read whole', 'body-too-large');
  }
  return out;
}


function whoseFix(info: CodeInfo): string {
  if (info.code.startsWith('2')) return 'nothing, when the body is a success';
  if (info.code.startsWith('3')) return 'yours: the base URL or scheme';
  return info.party === 'client' ? 'yours: fix it before contacting support' : "support's: contact support and attach the report";
}

export async function run(args: { code: string; json?: boolean }): Promise<number> {
  const info = lookupCode(String(args.code ?? ''));
  if (args.json) {
    const { code, title, documented, party, checkFirst, documentedCode } = info;
    print(JSON.stringify({ code, title, documented, documentedCode, party, checkFirst, otherAnswers: otherAnswers(code) }, null, 2));
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
    ...otherLines(otherAnswers(info.code)),
  ].join('\n'), undefined, '  '));
  return 0;
}

function otherLines(answers: OtherAnswer[]): string[] {
  if (!answers.length) return [];
  return ['  The same status can mean something else:',
    ...answers.map((a) => `    - ${a.answer}: ${a.means}. What to do: ${a.todo}.`)];
}
