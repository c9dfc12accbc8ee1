// Turns a pasted curl command (README example, browser "Copy as cURL", RapidAPI or Postman snippet) into a
// RawRequest, reading it the way a shell and curl would: what the user actually ran is what gets checked.
import { parse as shellParse, type ParseEntry } from 'shell-quote';
import { InputError, findHeader, isMethodToken, setHeader, type RawRequest } from './raw.js';

interface OptionSpec {
  arg: boolean;
}

// Every curl option we accept. Options that do not change the request on the wire are accepted and ignored;
// anything not listed is refused, naming the option, so a request is never silently mis-read.
const WITH_ARG = [
  'url', 'request', 'header', 'data', 'data-ascii', 'data-binary', 'data-raw', 'data-urlencode', 'json',
  'url-query', 'user', 'user-agent', 'cookie', 'referer', 'oauth2-bearer', 'form', 'form-string',
  'upload-file', 'config', 'proxy', 'proxy-user',
  // ignored: local output, timing, TLS files, retries
  'max-time', 'connect-timeout', 'output', 'write-out', 'dump-header', 'cookie-jar', 'trace', 'trace-ascii',
  'stderr', 'retry', 'retry-delay', 'retry-max-time', 'max-redirs', 'limit-rate', 'max-filesize', 'cacert',
  'capath', 'cert', 'key', 'cert-type', 'key-type', 'pass', 'resolve', 'connect-to', 'interface', 'speed-limit',
  'speed-time', 'keepalive-time', 'expect100-timeout', 'proto', 'proto-redir', 'proto-default', 'output-dir',
  'ciphers', 'tls-max', 'local-port', 'dns-servers', 'happy-eyeballs-timeout-ms', 'unix-socket',
  'abstract-unix-socket', 'range', 'continue-at', 'time-cond', 'parallel-max', 'variable', 'etag-save',
  'etag-compare',
];
const FLAGS = [
  'get', 'head', 'location', 'location-trusted', 'netrc', 'netrc-optional', 'next',
  'digest', 'ntlm', 'negotiate', 'anyauth', 'basic',
  // ignored: output, protocol and transport details
  'compressed', 'silent', 'show-error', 'verbose', 'include', 'show-headers', 'insecure', 'http1.0', 'http1.1',
  'http2', 'http2-prior-knowledge', 'http3', 'http3-only', 'fail', 'fail-with-body', 'fail-early',
  'no-progress-meter', 'progress-bar', 'no-buffer', 'globoff', 'ipv4', 'ipv6', 'raw', 'tr-encoding',
  'no-keepalive', 'path-as-is', 'tcp-nodelay', 'remote-name', 'remote-name-all', 'remote-header-name',
  'junk-session-cookies', 'disable', 'ssl-no-revoke', 'ssl-revoke-best-effort', 'create-dirs', 'no-sessionid',
  'no-alpn', 'no-npn', 'styled-output', 'trace-time', 'remote-time', 'parallel', 'list-only', 'tlsv1',
  'tlsv1.0', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', 'sslv2', 'sslv3', 'ssl', 'ssl-reqd', 'ca-native', 'xattr',
  'retry-connrefused', 'retry-all-errors', 'false-start', 'tcp-fastopen', 'suppress-connect-headers',
];
const SHORT: Record<string, string> = {
  X: 'request', H: 'header', d: 'data', G: 'get', I: 'head', u: 'user', A: 'user-agent', b: 'cookie',
  e: 'referer', F: 'form', T: 'upload-file', K: 'config', ':': 'next', x: 'proxy', U: 'proxy-user',
  L: 'location', n: 'netrc', s: 'silent', S: 'show-error', v: 'verbose', i: 'include', k: 'insecure',
  f: 'fail', '#': 'progress-bar', N: 'no-buffer', g: 'globoff', '4': 'ipv4', '6': 'ipv6', '0': 'http1.0',
  O: 'remote-name', J: 'remote-header-name', j: 'junk-session-cookies', q: 'disable', R: 'remote-time',
  Z: 'parallel', l: 'list-only', '1': 'tlsv1', '2': 'sslv2', '3': 'sslv3',
  m: 'max-time', o: 'output', w: 'write-out', D: 'dump-header', c: 'cookie-jar', E: 'cert', Y: 'speed-limit',
  y: 'speed-time', r: 'range', C: 'continue-at', z: 'time-cond',
};

let optionTable: Map<string, OptionSpec> | null = null;
function options(): Map<string, OptionSpec> {
  if (!optionTable) {
    optionTable = new Map();
    for (const name of WITH_ARG) optionTable.set(name, { arg: true });
    for (const name of FLAGS) optionTable.set(name, { arg: false });
  }
  return optionTable;
}

const NOTE_LOCATION = 'curl -L follows redirects; the check never forwards the key to another host';

interface DataPiece {
  text: string;
  json: boolean;
}

interface CurlState {
  urls: string[];
  method: string | null;
  head: boolean;
  get: boolean;
  headers: Record<string, string>;
  /** Headers emptied with `-H 'Name:'`: curl then sends none, not even its own. */
  dropped: Set<string>;
  data: DataPiece[];
  urlQuery: string[];
  user: string | null;
  bearer: string | null;
  userAgent: string | null;
  referer: string | null;
  cookies: string[];
  notes: string[];
  /** Shell variables that were not set, per token index: the shell passed empty text there. */
  unsetIn: Map<number, string[]>;
  /** Which option set the method, for messages. */
  methodFlag: string | null;
  unsetKey: RawRequest['unsetKey'];
}

export interface CurlOptions {
  /** Where $VAR and ${VAR} are looked up, as the user's shell would: default process.env. */
  env?: Record<string, string | undefined>;
}

/**
 * Parses one curl command line (bash syntax, or Windows cmd syntax as Chrome copies it). $VAR and ${VAR} are
 * expanded from `env` where bash would expand them (bare or in double quotes, not in single quotes): the
 * request checked is the one the command sends when the user runs it.
 */
export function parseCurl(command: string, options: CurlOptions = {}): RawRequest {
  if (typeof command !== 'string' || command.trim() === '') throw new InputError('the curl command is empty');
  const notes: string[] = [];
  const text = command.replace(/^\uFEFF/, '').trim();
  const unsetIn = new Map<number, string[]>();
  const cmd = looksLikeCmd(text);
  const tokens = cmd ? tokenizeCmd(text, notes) : tokenizeBash(text, notes, options.env ?? process.env, unsetIn);
  // A pasted terminal prompt ("$ curl ...") is not part of the command.
  if (tokens[0] === '$' || tokens[0] === '>') tokens.shift();
  if (tokens.length === 0 || !isCurlProgram(tokens[0])) {
    throw new InputError('not a curl command: it must start with curl');
  }
  const state: CurlState = {
    urls: [], method: null, head: false, get: false, headers: {}, dropped: new Set(), data: [], urlQuery: [],
    user: null, bearer: null, userAgent: null, referer: null, cookies: [], notes, unsetIn, methodFlag: null, unsetKey: undefined,
  };
  readArguments(tokens, state);
  const request = buildRequest(state);
  if (!cmd) request.shellExpanded = true;
  return request;
}

function isCurlProgram(word: string): boolean {
  const base = word.split(/[\\/]/).pop()!.toLowerCase();
  return base === 'curl' || base === 'curl.exe';
}

// ---------------------------------------------------------------------------------------------------------------
// bash

// An unset variable leaves this mark in its word until the words are known, so that a key header made only of
// unset variables can be named; the mark is then removed (the shell passes empty text).
const UNSET_MARK = /\u0000([^\u0000]*)\u0000/g;

function tokenizeBash(text: string, notes: string[], env: Record<string, string | undefined>, unsetIn: Map<number, string[]>): string[] {
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

function looksLikeCmd(text: string): boolean {
  return /\^\r?\n/.test(text) || /(^|\s)\^"/.test(text);
}

function tokenizeCmd(src: string, notes: string[]): string[] {
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

// ---------------------------------------------------------------------------------------------------------------
// curl's arguments

function readArguments(tokens: string[], state: CurlState): void {
  const table = options();
  let optionsEnded = false;
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (optionsEnded || !token.startsWith('-') || token === '-') {
      // An unquoted variable that is not set leaves no word at all in a shell.
      if (token === '' && state.unsetIn.has(i)) continue;
      state.urls.push(token);
      continue;
    }
    if (token === '--') {
      optionsEnded = true;
      continue;
    }
    if (token.startsWith('--')) {
      let name = token.slice(2);
      let spec = table.get(name);
      if (!spec && name.startsWith('no-')) {
        // curl's --no-<flag> switches a boolean option off; for the ones that matter here, off is the default.
        const base = table.get(name.slice(3));
        if (base && !base.arg) {
          if (name === 'no-get') state.get = false;
          continue;
        }
      }
      if (!spec) throw new InputError(`unknown curl option --${name.split('=')[0]}`);
      let value: string | undefined;
      if (spec.arg) {
        if (i + 1 >= tokens.length) throw new InputError(`curl option --${name} needs a value`);
        value = tokens[++i];
      }
      i = applyOption(name, value, tokens, i, state);
      continue;
    }
    // Short options may be combined (-sSL), and the last one may carry its value (-XPOST, -HAccept:x).
    for (let j = 1; j < token.length; j++) {
      const letter = token[j];
      const name = SHORT[letter];
      if (!name) throw new InputError(`unknown curl option -${letter}`);
      if (table.get(name)!.arg) {
        let value = token.slice(j + 1);
        if (value === '') {
          if (i + 1 >= tokens.length) throw new InputError(`curl option -${letter} needs a value`);
          value = tokens[++i];
        }
        i = applyOption(name, value, tokens, i, state);
        break;
      }
      applyOption(name, undefined, tokens, i, state);
    }
  }
}

/** Applies one option; returns the index of the last token used. */
function applyOption(name: string, value: string | undefined, tokens: string[], i: number, state: CurlState): number {
  const v = value ?? '';
  switch (name) {
    case 'url':
      state.urls.push(v);
      break;
    case 'request':
      // Named without echoing it: the text may hold anything, control characters included.
      if (!isMethodToken(v)) throw new InputError('-X/--request must name an HTTP method, one word such as GET or POST');
      state.method = v;
      state.methodFlag = `-X/--request ${v}`;
      break;
    case 'header':
      readHeader(v, tokens[i + 1], state, state.unsetIn.get(i) ?? []);
      break;
    case 'data':
    case 'data-ascii':
    case 'data-binary':
      if (v.startsWith('@')) throw fileError();
      state.data.push({ text: v, json: false });
      break;
    case 'data-raw':
      state.data.push({ text: v, json: false });
      break;
    case 'data-urlencode':
      state.data.push({ text: urlencodeArgument(v, false), json: false });
      break;
    case 'json':
      if (v.startsWith('@')) throw fileError();
      state.data.push({ text: v, json: true });
      break;
    case 'url-query':
      state.urlQuery.push(urlencodeArgument(v, true));
      break;
    case 'get':
      state.get = true;
      break;
    case 'head':
      state.head = true;
      break;
    case 'user':
      state.user = v;
      break;
    case 'oauth2-bearer':
      state.bearer = v;
      break;
    case 'user-agent':
      state.userAgent = v;
      break;
    case 'referer':
      state.referer = v.replace(/;auto$/, '');
      break;
    case 'cookie':
      if (v.includes('=')) {
        // Kept for the report and the secrets list, but not replayed: the API takes its key in a header, never a cookie.
        if (!state.cookies.length) addNote(state, '-b/--cookie: the cookie is not sent again (the Mashvisor API reads the key from a header, not from cookies)');
        state.cookies.push(v);
      } else addNote(state, '-b/--cookie with a file name reads cookies from a file; that is not supported, so no cookies were taken from it');
      break;
    case 'location':
    case 'location-trusted':
      addNote(state, NOTE_LOCATION);
      break;
    case 'netrc':
    case 'netrc-optional':
      addNote(state, 'credentials from a .netrc file are not read');
      break;
    case 'proxy':
      addNote(state, 'the proxy given with -x/--proxy is not used by the check');
      break;
    case 'digest':
    case 'ntlm':
    case 'negotiate':
    case 'anyauth':
      addNote(state, `--${name} authentication is not reproduced; the Mashvisor API takes its key in a header`);
      break;
    case 'form':
    case 'form-string':
      throw new InputError('multipart form data (-F/--form) is not supported; the Mashvisor API takes query parameters or a JSON body');
    case 'upload-file':
      throw new InputError('uploading a file (-T/--upload-file) is not supported; paste the body with --data-raw');
    case 'config':
      throw new InputError('reading options from a file (-K/--config) is not supported; paste the full command');
    case 'next':
      throw new InputError('the curl command holds several requests (-:/--next); give one request at a time');
    default:
      break; // accepted and ignored: it does not change what is sent
  }
  return i;
}

function addNote(state: CurlState, note: string): void {
  if (!state.notes.includes(note)) state.notes.push(note);
}

function fileError(): InputError {
  return new InputError('reading data from a file is not supported; paste the body');
}

const KEY_HEADER = /^(x-api-key|x-rapidapi-key|authorization)$/i;

function readHeader(arg: string, nextToken: string | undefined, state: CurlState, unset: string[]): void {
  if (arg.startsWith('@')) throw new InputError('reading headers from a file is not supported; paste the headers');
  const colon = arg.indexOf(':');
  if (colon > 0) {
    const name = arg.slice(0, colon).trim();
    const value = arg.slice(colon + 1).trim();
    if (value === '' && unset.length && KEY_HEADER.test(name)) {
      // "x-api-key: $MASHVISOR_API_KEY" with the variable unset: curl gets "x-api-key: " and sends no such header.
      state.unsetKey = { header: name, variables: unset };
      for (const k of Object.keys(state.headers)) if (k.toLowerCase() === name.toLowerCase()) delete state.headers[k];
      return;
    }
    if (value === '') {
      if (nextToken !== undefined && !nextToken.startsWith('-') && !looksLikeUrl(nextToken)) {
        // -H x-api-key: abc  (unquoted): the value became a separate word. Name only; the value may be a key.
        throw new InputError(`the value of header ${name} is a separate word; quote the header as one argument: -H "${name}: value"`);
      }
      // "-H 'Name:'" tells curl to send no such header at all.
      state.dropped.add(name.toLowerCase());
      for (const k of Object.keys(state.headers)) if (k.toLowerCase() === name.toLowerCase()) delete state.headers[k];
      addNote(state, `-H "${name}:" has no value: curl sends no ${name} header`);
      return;
    }
    setHeader(state.headers, name, value, state.notes);
    return;
  }
  const semicolon = arg.indexOf(';');
  if (semicolon > 0 && arg.slice(semicolon + 1).trim() === '') {
    // "-H 'Name;'" is curl's way to send a header with an empty value.
    setHeader(state.headers, arg.slice(0, semicolon).trim(), '', state.notes);
    return;
  }
  const hint = /^[A-Za-z0-9_-]+/.exec(arg)?.[0];
  addNote(state, hint
    ? `the -H argument starting with "${hint}" has no ':' so curl does not send it; write it as -H "${hint}: value"`
    : "a -H argument without ':' is not sent by curl; write headers as -H \"Name: value\"");
}

function looksLikeUrl(word: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(word) || /^[\w.-]+\.[a-z]{2,}(:\d+)?(\/|$)/i.test(word);
}

/** curl's own escaping: everything but letters, digits and -._~ is percent-encoded (a space becomes %20). */
function curlEscape(text: string): string {
  try {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  } catch {
    throw new InputError('a --data-urlencode value is not valid text');
  }
}

/**
 * --data-urlencode / --url-query argument forms: "content", "=content", "name=content" (the first '=' splits),
 * and "@file" / "name@file" when there is no '='. --url-query also takes "+content" as already encoded.
 */
function urlencodeArgument(arg: string, urlQuery: boolean): string {
  if (urlQuery && arg.startsWith('+')) return arg.slice(1);
  let sep = arg.indexOf('=');
  if (sep < 0) sep = arg.indexOf('@');
  if (sep < 0) return curlEscape(arg);
  if (arg[sep] === '@') throw fileError();
  const name = arg.slice(0, sep);
  const content = curlEscape(arg.slice(sep + 1));
  return name === '' ? content : `${name}=${content}`;
}

// ---------------------------------------------------------------------------------------------------------------
// the request curl would send

function buildRequest(state: CurlState): RawRequest {
  const { notes } = state;
  if (state.urls.length === 0) throw new InputError('the curl command has no URL');
  if (state.urls.length > 1) {
    throw new InputError(`the curl command has ${state.urls.length} URLs; give one request at a time`);
  }
  let url = state.urls[0];
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    url = 'http://' + url;
    notes.push('the URL has no scheme: curl sends it over plain http://');
  }
  if (state.head && state.data.length > 0 && !state.get) {
    throw new InputError('-I/--head cannot be combined with -d/--data: curl refuses to run this command');
  }

  let dataText = '';
  state.data.forEach((piece, n) => {
    dataText += n > 0 && !piece.json ? '&' + piece.text : piece.text;
  });
  let body: string | null = null;
  const query: string[] = [];
  if (state.data.length > 0) {
    if (state.get) query.push(dataText);
    else body = dataText;
  }
  query.push(...state.urlQuery);
  if (query.length > 0) url = appendQuery(url, query.join('&'));

  let method: string;
  let methodFrom: string | undefined;
  if (state.method !== null) {
    method = state.method.toUpperCase();
    methodFrom = state.methodFlag ?? undefined;
    if (method !== state.method) notes.push(`curl sends the method exactly as written ("${state.method}"); HTTP methods are case-sensitive`);
  } else if (state.head) {
    method = 'HEAD';
    methodFrom = '-I/--head';
  } else {
    method = body !== null ? 'POST' : 'GET';
    if (body !== null) methodFrom = state.data.some((p) => p.json) ? '--json' : '-d/--data without -G';
  }
  if (method === 'GET' && body !== null) {
    notes.push('-X GET with -d sends the data as a request body, not as query parameters; add -G to put it in the URL');
  }

  const headers = state.headers;
  const implied = (name: string, value: string): void => {
    if (state.dropped.has(name.toLowerCase())) return;
    if (findHeader(headers, name) === undefined) headers[name] = value;
  };
  if (state.user !== null) {
    if (findHeader(headers, 'Authorization') !== undefined) {
      notes.push('-u/--user is overridden by the Authorization header given with -H');
    } else {
      const credentials = state.user.includes(':') ? state.user : state.user + ':';
      if (!state.user.includes(':')) notes.push('-u/--user has no password: curl would prompt for one; an empty password is used');
      implied('Authorization', 'Basic ' + Buffer.from(credentials, 'utf8').toString('base64'));
      notes.push('basic auth from -u/--user was turned into an Authorization header');
    }
  }
  if (state.bearer !== null) implied('Authorization', 'Bearer ' + state.bearer);
  if (state.userAgent !== null) implied('User-Agent', state.userAgent);
  if (state.referer !== null) implied('Referer', state.referer);
  if (state.cookies.length > 0) implied('Cookie', state.cookies.join('; '));
  if (state.data.some((p) => p.json)) {
    implied('Content-Type', 'application/json');
    implied('Accept', 'application/json');
  }
  if (body !== null && !state.data.some((p) => p.json) && findHeader(headers, 'Content-Type') === undefined) {
    const looksJson = /^\s*[[{]/.test(body);
    notes.push(looksJson
      ? 'the body looks like JSON but no Content-Type header is given: curl sends it as application/x-www-form-urlencoded; add -H "Content-Type: application/json"'
      : 'curl sends -d data with Content-Type: application/x-www-form-urlencoded');
  }

  const request: RawRequest = { method, url, headers, body };
  if (methodFrom) request.methodFrom = methodFrom;
  if (state.unsetKey) request.unsetKey = state.unsetKey;
  if (notes.length > 0) request.notes = notes;
  return request;
}

function appendQuery(url: string, query: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url; // curl does not send the fragment
  if (!base.includes('?')) return `${base}?${query}`;
  return /[?&]$/.test(base) ? base + query : `${base}&${query}`;
}
