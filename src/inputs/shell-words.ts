// The shells a pasted curl command was written for: bash (POSIX quoting, $VAR, comments, line continuations)
// and Windows cmd.exe as Chrome's "Copy as cURL (cmd)" writes it. Each turns the text into the words curl
// would receive; what curl then does with the words is in curl.ts.
import { parse as shellParse, type ParseEntry } from 'shell-quote';
import { InputError } from './raw.js';

// ---------------------------------------------------------------------------------------------------------------
// bash

// An unset variable leaves this mark in its word until the words are known, so that a key header made only of
// unset variables can be named; the mark is then removed (the shell passes empty text).
const UNSET_MARK = /\u0000([^\u0000]*)\u0000/g;

/**
 * The words bash passes to curl. $VAR and ${VAR} come from `env` where bash expands them; `unsetIn` gets, per word
 * index, the variables that were not set there. What a shell would do differently is said in `notes`.
 */
export function tokenizeBash(text: string, notes: string[], env: Record<string, string | undefined>, unsetIn: Map<number, string[]>): string[] {
  const prepared = prepareBash(text, notes);
  const expanded = new Set<string>();
  const unset = new Set<string>();
  const entries: ParseEntry[] = shellParse(prepared, (name: string): string => {
    if (name === '') return '$';
    // ${NAME:-default} and ${NAME-default}: the default when NAME is unset (with ':', also when it is empty).
    const withDefault = /^([A-Za-z_][A-Za-z0-9_]*)(:?)-(.*)$/s.exec(name);
    if (withDefault) {
      const [, base, colon, fallback] = withDefault;
      const set = Object.hasOwn(env, base!) ? env[base!] : undefined;
      if (set !== undefined && !(colon && set === '')) {
        expanded.add(base!);
        return set;
      }
      return fallback!;
    }
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value === undefined) {
      unset.add(name);
      return `\u0000${name}\u0000`;
    }
    expanded.add(name);
    return value;
  });
  const written = (names: Set<string>) => [...names].map((n) => '$' + n).join(', ');
  if (expanded.size > 0) notes.push(`shell variables expanded from the environment, as a shell would: ${written(expanded)}`);
  if (unset.size > 0) notes.push(`not set in the environment, so a shell passes empty text: ${written(unset)}`);
  const words = splitWords(entries, notes);
  const tokens: string[] = [];
  for (const word of words) {
    const names = [...word.matchAll(UNSET_MARK)].map((m) => m[1]!);
    const clean = word.replace(UNSET_MARK, '');
    // A word that was only an unset variable, unquoted, disappears in a shell; here it cannot be told from "",
    // which a shell keeps, so it stays as an empty word.
    if (names.length) unsetIn.set(tokens.length, names);
    tokens.push(clean);
  }
  return tokens;
}

function splitWords(entries: ParseEntry[], notes: string[]): string[] {
  const tokens: string[] = [];
  let skipNext = false;
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (skipNext) skipNext = false;
      else tokens.push(entry);
      continue;
    }
    if ('comment' in entry) break;
    if (entry.op === 'glob') {
      // An unquoted ? or * (common in URLs): the shell would try to match files, find none, and pass it on.
      if (skipNext) skipNext = false;
      else tokens.push(entry.pattern);
      continue;
    }
    const op: string = entry.op;
    if (REDIRECTS.has(op)) {
      // "2>&1", "> out.json": the file descriptor and target are the shell's business, not curl's.
      if (/^\d$/.test(tokens[tokens.length - 1] ?? '')) tokens.pop();
      skipNext = true;
      continue;
    }
    if (op === '&') {
      notes.push("an unquoted '&' ends the command in a shell, so everything after it was not part of the request; quote the URL");
    } else if (op === '|' || op === '|&') {
      notes.push('the output is piped to another command; only the curl command was read');
    } else {
      notes.push(`the command line goes on after '${op}'; only the curl command was read`);
    }
    break;
  }
  return tokens;
}

const REDIRECTS = new Set(['>', '>>', '<', '>&', '<&', '&>', '&>>', '>|', '<>', '<<<']);

/**
 * Checks quoting and joins lines before shell-quote splits the words: shell-quote accepts an unterminated quote
 * silently and reads a newline as a plain space, and neither is what a shell does. This does not split words.
 */
function prepareBash(src: string, notes: string[]): string {
  let out = '';
  let quote: '' | "'" | '"' | "$'" = '';
  let line = 1;
  let wordStart = true;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote === "'") {
      out += c;
      if (c === "'") quote = '';
      else if (c === '\n') line++;
      continue;
    }
    if (c === '\\') {
      if (quote !== "$'") {
        const cont = /^\\([ \t]*)\r?\n/.exec(src.slice(i, i + 256));
        if (cont && (cont[1] === '' || quote === '')) {
          // Backslash-newline: the command goes on (also inside double quotes, as in bash).
          if (cont[1] !== '') {
            notes.push(`line ${line} has spaces after its final '\\'; a shell would end the command there, read here as a continuation`);
          }
          i += cont[0].length - 1;
          line++;
          continue;
        }
      }
      out += c + (src[i + 1] ?? '');
      i++;
      wordStart = false;
      continue;
    }
    if (quote === '"' || quote === "$'") {
      out += c;
      if ((quote === '"' && c === '"') || (quote === "$'" && c === "'")) quote = '';
      else if (c === '\n') line++;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
      wordStart = false;
      continue;
    }
    if (c === '$' && src[i + 1] === "'") {
      quote = "$'";
      out += "$'";
      i++;
      wordStart = false;
      continue;
    }
    if (c === '#') {
      if (wordStart) {
        // A comment runs to the end of the line; quotes inside it mean nothing.
        while (i + 1 < src.length && src[i + 1] !== '\n') i++;
        continue;
      }
      // Inside a word (a URL fragment) # is literal; shell-quote would start a comment there.
      out += '\\#';
      continue;
    }
    if (c === '\n' || (c === '\r' && src[i + 1] === '\n')) {
      if (c === '\r') i++;
      const next = nextCommandLine(src, i + 1);
      if (next === null) break;
      if (next.startsWith('-')) {
        notes.push(`line ${line} does not end with '\\'; a shell would end the command there, read here as one command`);
        out += ' ';
        line++;
        wordStart = true;
        continue;
      }
      if (!/(\||&&|\|\||;)\s*$/.test(out)) notes.push(`only the first command was read; the lines after line ${line} were ignored`);
      break;
    }
    out += c;
    wordStart = /[\s;&|()<>]/.test(c);
  }
  if (quote) throw new InputError(`the curl command has an unterminated ${quote} quote`);
  return out;
}

/** The next line after `from` that holds something other than blanks or a comment, trimmed; null at the end. */
function nextCommandLine(src: string, from: number): string | null {
  for (const line of src.slice(from).split('\n')) {
    const t = line.trim();
    if (t !== '' && !t.startsWith('#')) return t;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Windows cmd ("Copy as cURL (cmd)" in Chrome: ^ escapes and ^ line continuations, "..." quoting for curl.exe)

/** Text with cmd.exe's ^ escapes or ^ line continuations, as Chrome's cmd copy writes them. */
export function looksLikeCmd(text: string): boolean {
  return /\^\r?\n/.test(text) || /(^|\s)\^"/.test(text);
}

/** The words curl.exe receives from a cmd.exe command line. */
export function tokenizeCmd(src: string, notes: string[]): string[] {
  // First what cmd.exe does: ^ takes the next character literally (a ^ before a line break joins the lines and
  // takes the first character of the next line literally); inside "..." cmd leaves ^ alone.
  let line = '';
  let cmdQuoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      cmdQuoted = !cmdQuoted;
      line += c;
    } else if (cmdQuoted) {
      line += c;
    } else if (c === '^') {
      if (src[i + 1] === '\r' && src[i + 2] === '\n') i += 2;
      else if (src[i + 1] === '\n') i += 1;
      if (i + 1 < src.length) line += src[++i];
    } else if (c === '\n' || c === '\r') {
      if (src.slice(i).trim() !== '') notes.push('only the first command was read; the lines after it were ignored');
      break;
    } else if (c === '&' || c === '|' || c === '<' || c === '>') {
      notes.push(`the command line goes on after '${c}'; only the curl command was read`);
      break;
    } else {
      line += c;
    }
  }
  // Then what curl.exe's C runtime does with its command line: "..." groups, \" is a quote, and backslashes
  // are literal unless they precede a quote.
  const tokens: string[] = [];
  let cur = '';
  let has = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      let n = 0;
      while (line[i + n] === '\\') n++;
      if (line[i + n] === '"') {
        cur += '\\'.repeat(n >> 1);
        if (n % 2 === 1) {
          cur += '"';
          i += n;
        } else {
          i += n - 1;
        }
      } else {
        cur += '\\'.repeat(n);
        i += n - 1;
      }
      has = true;
    } else if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else {
        quoted = !quoted;
      }
      has = true;
    } else if ((c === ' ' || c === '\t') && !quoted) {
      if (has) tokens.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quoted) throw new InputError('the curl command has an unterminated " quote');
  if (has) tokens.push(cur);
  return tokens;
}
