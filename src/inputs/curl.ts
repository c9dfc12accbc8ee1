// Turns a pasted curl command (README example, browser "Copy as cURL", RapidAPI or Postman snippet) into a
// RawRequest, reading it the way a shell and curl would: what the user actually ran is what gets checked.
// The shell's part (quoting, variables, line breaks) is in shell-words.ts; this file is curl's part.
import { InputError, findHeader, isMethodToken, setHeader, type RawRequest } from './raw.js';
import { looksLikeCmd, tokenizeBash, tokenizeCmd } from './shell-words.js';

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
// curl's options

/** What one option does to the request: `value` is its argument ('' for a flag), `at` the word it came from. */
type Apply = (state: CurlState, value: string, at: number, tokens: string[]) => void;

interface CurlOption {
  long: string;
  short?: string;
  /** True when the option takes a value (the next word, or the rest of a short option's word). */
  argument: boolean;
  /** 'ignored': accepted because it does not change what is sent (local output, timing, TLS, retries). */
  apply: Apply | 'ignored';
}

const NOTE_LOCATION = 'curl -L follows redirects; the check never forwards the key to another host';
const NO_FORM = 'multipart form data (-F/--form) is not supported; the Mashvisor API takes query parameters or a JSON body';

const note = (text: string): Apply => (state) => addNote(state, text);
const refuse = (message: string): Apply => () => { throw new InputError(message); };
const authNote = (long: string): Apply => note(`--${long} authentication is not reproduced; the Mashvisor API takes its key in a header`);
const pushData = (json: boolean, fromFile: boolean): Apply => (state, value) => {
  if (fromFile && value.startsWith('@')) throw fileError();
  state.data.push({ text: value, json });
};

// Every curl option we accept, with what it does. Anything not listed is refused, naming the option, so a
// request is never silently mis-read.
const OPTIONS: CurlOption[] = [
  { long: 'url', argument: true, apply: (s, v) => { s.urls.push(v); } },
  { long: 'request', short: 'X', argument: true, apply: setMethod },
  { long: 'header', short: 'H', argument: true, apply: (s, v, at, tokens) => readHeader(v, tokens[at + 1], s, s.unsetIn.get(at) ?? []) },
  { long: 'data', short: 'd', argument: true, apply: pushData(false, true) },
  { long: 'data-ascii', argument: true, apply: pushData(false, true) },
  { long: 'data-binary', argument: true, apply: pushData(false, true) },
  { long: 'data-raw', argument: true, apply: pushData(false, false) },
  { long: 'data-urlencode', argument: true, apply: (s, v) => { s.data.push({ text: urlencodeArgument(v, false), json: false }); } },
  { long: 'json', argument: true, apply: pushData(true, true) },
  { long: 'url-query', argument: true, apply: (s, v) => { s.urlQuery.push(urlencodeArgument(v, true)); } },
  { long: 'get', short: 'G', argument: false, apply: (s) => { s.get = true; } },
  { long: 'head', short: 'I', argument: false, apply: (s) => { s.head = true; } },
  { long: 'user', short: 'u', argument: true, apply: (s, v) => { s.user = v; } },
  { long: 'oauth2-bearer', argument: true, apply: (s, v) => { s.bearer = v; } },
  { long: 'user-agent', short: 'A', argument: true, apply: (s, v) => { s.userAgent = v; } },
  { long: 'referer', short: 'e', argument: true, apply: (s, v) => { s.referer = v.replace(/;auto$/, ''); } },
  { long: 'cookie', short: 'b', argument: true, apply: readCookie },
  { long: 'location', short: 'L', argument: false, apply: note(NOTE_LOCATION) },
  { long: 'location-trusted', argument: false, apply: note(NOTE_LOCATION) },
  { long: 'netrc', short: 'n', argument: false, apply: note('credentials from a .netrc file are not read') },
  { long: 'netrc-optional', argument: false, apply: note('credentials from a .netrc file are not read') },
  { long: 'proxy', short: 'x', argument: true, apply: note('the proxy given with -x/--proxy is not used by the check') },
  { long: 'digest', argument: false, apply: authNote('digest') },
  { long: 'ntlm', argument: false, apply: authNote('ntlm') },
  { long: 'negotiate', argument: false, apply: authNote('negotiate') },
  { long: 'anyauth', argument: false, apply: authNote('anyauth') },
  { long: 'form', short: 'F', argument: true, apply: refuse(NO_FORM) },
  { long: 'form-string', argument: true, apply: refuse(NO_FORM) },
  { long: 'upload-file', short: 'T', argument: true, apply: refuse('uploading a file (-T/--upload-file) is not supported; paste the body with --data-raw') },
  { long: 'config', short: 'K', argument: true, apply: refuse('reading options from a file (-K/--config) is not supported; paste the full command') },
  { long: 'next', short: ':', argument: false, apply: refuse('the curl command holds several requests (-:/--next); give one request at a time') },
  // Ignored, with a value: credentials for a proxy not used, local output, timing, TLS files, retries.
  ...ignored(true, 'proxy-user -U', 'max-time -m', 'connect-timeout', 'output -o', 'write-out -w', 'dump-header -D',
    'cookie-jar -c', 'trace', 'trace-ascii', 'stderr', 'retry', 'retry-delay', 'retry-max-time', 'max-redirs',
    'limit-rate', 'max-filesize', 'cacert', 'capath', 'cert -E', 'key', 'cert-type', 'key-type', 'pass', 'resolve',
    'connect-to', 'interface', 'speed-limit -Y', 'speed-time -y', 'keepalive-time', 'expect100-timeout', 'proto',
    'proto-redir', 'proto-default', 'output-dir', 'ciphers', 'tls-max', 'local-port', 'dns-servers',
    'happy-eyeballs-timeout-ms', 'unix-socket', 'abstract-unix-socket', 'range -r', 'continue-at -C', 'time-cond -z',
    'parallel-max', 'variable', 'etag-save', 'etag-compare'),
  // Ignored flags: output, protocol and transport details (--basic is what -u does anyway).
  ...ignored(false, 'basic', 'compressed', 'silent -s', 'show-error -S', 'verbose -v', 'include -i', 'show-headers',
    'insecure -k', 'http1.0 -0', 'http1.1', 'http2', 'http2-prior-knowledge', 'http3', 'http3-only', 'fail -f',
    'fail-with-body', 'fail-early', 'no-progress-meter', 'progress-bar -#', 'no-buffer -N', 'globoff -g', 'ipv4 -4',
    'ipv6 -6', 'raw', 'tr-encoding', 'no-keepalive', 'path-as-is', 'tcp-nodelay', 'remote-name -O', 'remote-name-all',
    'remote-header-name -J', 'junk-session-cookies -j', 'disable -q', 'ssl-no-revoke', 'ssl-revoke-best-effort',
    'create-dirs', 'no-sessionid', 'no-alpn', 'no-npn', 'styled-output', 'trace-time', 'remote-time -R', 'parallel -Z',
    'list-only -l', 'tlsv1 -1', 'tlsv1.0', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', 'sslv2 -2', 'sslv3 -3', 'ssl', 'ssl-reqd',
    'ca-native', 'xattr', 'retry-connrefused', 'retry-all-errors', 'false-start', 'tcp-fastopen',
    'suppress-connect-headers'),
];

/** Rows for options accepted and ignored, written as in curl's manual: "silent -s". */
function ignored(argument: boolean, ...names: string[]): CurlOption[] {
  return names.map((written) => {
    const [long, short] = written.split(' -') as [string, string | undefined];
    return { long, short, argument, apply: 'ignored' };
  });
}

const BY_LONG = new Map(OPTIONS.map((option) => [option.long, option]));
const BY_SHORT = new Map(OPTIONS.filter((option) => option.short).map((option) => [option.short!, option]));

function readArguments(tokens: string[], state: CurlState): void {
  let optionsEnded = false;
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
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
      const name = token.slice(2);
      const option = BY_LONG.get(name);
      if (!option && name.startsWith('no-')) {
        // curl's --no-<flag> switches a boolean option off; for the ones that matter here, off is the default.
        const base = BY_LONG.get(name.slice(3));
        if (base && !base.argument) {
          if (name === 'no-get') state.get = false;
          continue;
        }
      }
      if (!option) throw new InputError(`unknown curl option --${name.split('=')[0]}`);
      let value = '';
      if (option.argument) {
        if (i + 1 >= tokens.length) throw new InputError(`curl option --${name} needs a value`);
        value = tokens[++i]!;
      }
      apply(option, value, i, tokens, state);
      continue;
    }
    // Short options may be combined (-sSL), and the last one may carry its value (-XPOST, -HAccept:x).
    for (let j = 1; j < token.length; j++) {
      const letter = token[j]!;
      const option = BY_SHORT.get(letter);
      if (!option) throw new InputError(`unknown curl option -${letter}`);
      if (option.argument) {
        let value = token.slice(j + 1);
        if (value === '') {
          if (i + 1 >= tokens.length) throw new InputError(`curl option -${letter} needs a value`);
          value = tokens[++i]!;
        }
        apply(option, value, i, tokens, state);
        break;
      }
      apply(option, '', i, tokens, state);
    }
  }
}

function apply(option: CurlOption, value: string, at: number, tokens: string[], state: CurlState): void {
  if (option.apply !== 'ignored') option.apply(state, value, at, tokens);
}

function setMethod(state: CurlState, value: string): void {
  // Named without echoing it: the text may hold anything, control characters included.
  if (!isMethodToken(value)) throw new InputError('-X/--request must name an HTTP method, one word such as GET or POST');
  state.method = value;
  state.methodFlag = `-X/--request ${value}`;
}

function readCookie(state: CurlState, value: string): void {
  if (value.includes('=')) {
    // Kept for the report and the secrets list, but not replayed: the API takes its key in a header, never a cookie.
    if (!state.cookies.length) addNote(state, '-b/--cookie: the cookie is not sent again (the Mashvisor API reads the key from a header, not from cookies)');
    state.cookies.push(value);
  } else addNote(state, '-b/--cookie with a file name reads cookies from a file; that is not supported, so no cookies were taken from it');
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
