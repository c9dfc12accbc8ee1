import { UsageError } from '../shared/errors.js';
import { CWD_GONE } from '../shared/files.js';
import { printError } from './output.js';

// A word of 16+ letters and digits (with at least one digit) standing alone: what an API key looks like, and never
// an operationId, a flag, a path or a URL (those hold no digit, or a / . or :).
const KEY_LIKE_WORD = /(?<![\w./:-])(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{16,}(?![\w./:-])/g;

/**
 * An argument yargs did not expect is quoted back in its message ("Unknown command: ..."). A key given where no
 * value belongs (`--rapidapi KEY`) would be printed whole: such a word is named, not shown.
 */
export function hideKeyLikeWords(message: string): string {
  if (!/^Unknown (command|argument)/i.test(message)) return message;
  return message.replace(KEY_LIKE_WORD, '[a value that looks like a key, not shown]');
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** yargs names an unknown --kebab-flag twice (bogus-flag, bogusFlag): once is enough, with a dash as typed. */
export function unknownOnce(message: string): string {
  const m = /^Unknown arguments?: (.*)$/s.exec(message);
  if (!m) return message;
  const names = m[1]!.split(', ');
  const kept = names.filter((n) => !names.some((other) => other !== n && other.includes('-') && camel(other) === n));
  return `Unknown argument${kept.length === 1 ? '' : 's'}: ${kept.join(', ')}`;
}

/**
 * yargs says a value outside an option's choices over two lines ("Invalid values:" then "  Argument: format,
 * Given: "xml", Choices: "table", "md""): a usage error is one line.
 */
export function oneLine(message: string): string {
  if (!message.includes('\n')) return message;
  const choices = [...message.matchAll(/Argument: ([\w-]+), Given: (.*?), Choices: (.*)/g)];
  if (/^Invalid values?:/.test(message) && choices.length) {
    return choices.map(([, name, given, list]) => `--${name} ${given} is not one of ${list!.replace(/"/g, '')}`).join('; ');
  }
  return message.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ');
}

const GLUED_HINTS: Record<string, string> = { p: 'NAME=VALUE', H: '"Name: value"', o: 'FILE' };

/**
 * `-psource=airbnb`: yargs reads a short option glued to its value as a group of one-letter flags and answers
 * "Unknown arguments: s, o, u, r, c, e". Named for what it is, with the form that works. A -p value is shown
 * (a key-like word in it hidden); a header may be a credential, so -H shows a placeholder.
 */
export function gluedShortOption(argv: readonly string[]): string | null {
  const stop = argv.indexOf('--');
  for (const token of stop < 0 ? argv : argv.slice(0, stop)) {
    const m = /^-([pHo])([^=\s-].*)$/s.exec(token);
    if (!m) continue;
    const value = m[1] === 'p' ? m[2]!.replace(KEY_LIKE_WORD, '…') : GLUED_HINTS[m[1]!]!;
    return `-${m[1]} takes its value as the next word: write -${m[1]} ${value} (with a space)`;
  }
  return null;
}

/**
 * A package the bundle leaves to node_modules (yargs, axios, …) that is not there: the install is incomplete
 * (copied without node_modules, or `npm install` never run). Its name, or null for any other error. Only the
 * error path looks: the normal start-up pays nothing.
 */
export function missingDependency(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return null;
  // A bare package name, not a relative or absolute path (a file of the tool's own that is missing).
  return /Cannot find (?:module|package) '((?:@[\w.-]+\/)?[\w.-]+)(?:\/[^']*)?'/.exec((err as Error).message)?.[1] ?? null;
}

/** The last stop of any error: one line on stderr, exit code 2, a stack only when asked for. */
export function fail(err: unknown): void {
  // yargs reports bad flags as YError: those are usage errors too.
  if (err instanceof UsageError || (err instanceof Error && err.name === 'YError')) {
    printError(`mashvisor-preflight: ${oneLine(unknownOnce(hideKeyLikeWords(err.message)))}`);
  } else if ((err as NodeJS.ErrnoException | null)?.syscall === 'uv_cwd') {
    // yargs and path.resolve ask for the current directory; started from one that was deleted, that throws.
    printError(`mashvisor-preflight: ${CWD_GONE}`);
  } else if (missingDependency(err)) {
    printError(`mashvisor-preflight: its dependency '${missingDependency(err)}' is not installed; run npm install`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    printError(`mashvisor-preflight: unexpected error: ${message.split('\n')[0]}`);
    if (process.env.MASHVISOR_PREFLIGHT_DEBUG && err instanceof Error && err.stack) printError(err.stack);
  }
  process.exitCode = 2;
}
