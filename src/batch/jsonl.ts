// JSON Lines for `validate --batch`: one request per line, read in constant memory and faster than node:readline
// (this path is benchmarked over a million lines).
import { StringDecoder } from 'node:string_decoder';
import { locateJsonError } from '../shared/json-error.js';

export interface BatchLine {
  /** 1-based line number in the input; blank lines are counted but not yielded. */
  line: number;
  text: string;
}

export interface BatchRequest {
  endpoint?: string;
  url?: string;
  params?: unknown;
  method?: string;
}

export interface BatchLineError {
  error: string;
}

/**
 * Yields the non-blank lines of a stream. Splits decoded chunks on '\n' directly (no readline interface, no
 * per-line events); handles CRLF, a last line without a newline, and a UTF-8 BOM at the start.
 */
export function readBatchLines(stream: NodeJS.ReadableStream): AsyncGenerator<BatchLine, void, undefined> {
  // Hand-written rather than `async function*`: an async generator costs several promise ticks per yield, which
  // over a million lines is as much as the reading itself. Lines already in a block are handed out at once.
  const blocks = readBatchBlocks(stream);
  let block: BatchBlock = { lines: [], texts: [] };
  let pos = 0;
  const take = (): IteratorResult<BatchLine, void> => {
    const value = { line: block.lines[pos]!, text: block.texts[pos]! };
    pos++;
    return { value, done: false };
  };
  const refill = async (): Promise<IteratorResult<BatchLine, void>> => {
    for (;;) {
      const r = await blocks.next();
      if (r.done) return { value: undefined, done: true };
      block = r.value;
      pos = 0;
      if (block.texts.length > 0) return take();
    }
  };
  const empty = () => (block = { lines: [], texts: [] });
  const lines: AsyncGenerator<BatchLine, void, undefined> = {
    next(): Promise<IteratorResult<BatchLine, void>> {
      if (pos < block.texts.length) return Promise.resolve(take());
      return refill();
    },
    async return(): Promise<IteratorResult<BatchLine, void>> {
      // Stopping early (a `break` in for-await) closes the stream.
      empty();
      await blocks.return(0);
      return { value: undefined, done: true };
    },
    async throw(err: unknown): Promise<IteratorResult<BatchLine, void>> {
      empty();
      await blocks.return(0);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return lines;
    },
  };
  return lines;
}

/** The non-blank lines of one chunk read: texts[i] is line number lines[i]. */
export interface BatchBlock {
  lines: number[];
  texts: string[];
}

/** Longer lines are not held: they stand for themselves as this text, judged "too long" without being read. */
export const MAX_LINE_CHARS = 1024 * 1024;
export const TOO_LONG_LINE = '\u0000line too long';
export const TOO_LONG_MESSAGE = 'the line is longer than 1 MiB: not read';

/**
 * The same lines, one block per chunk read: for callers that want to save the cost of an await, and of an
 * object, per line (the batch validator: a million small objects cost it more in garbage collection than its
 * own checks).
 */
export async function* readBatchBlocks(stream: NodeJS.ReadableStream): AsyncGenerator<BatchBlock, number> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  // A byte order mark can only open the file.
  let first = true;
  // A line past MAX_LINE_CHARS is dropped as it comes (a 200 MB line would otherwise be held whole).
  let overlong = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const out: BatchBlock = { lines: [], texts: [] };
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      let s = start === 0 && overlong ? TOO_LONG_LINE : start === 0 && carry !== '' ? carry + text.slice(0, nl) : text.slice(start, nl);
      if (start === 0) {
        carry = '';
        overlong = false;
      }
      if (s.length > MAX_LINE_CHARS) s = TOO_LONG_LINE;
      line++;
      if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
      if (s.length > 0 && !(s.charCodeAt(0) <= 32 && s.trim() === '')) {
        out.lines.push(line);
        out.texts.push(s);
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (!overlong) carry = start === 0 ? carry + text : text.slice(start);
    if (carry.length > MAX_LINE_CHARS) {
      overlong = true;
      carry = '';
    }
    if (out.texts.length > 0) yield out;
  }
  carry = overlong ? TOO_LONG_LINE : carry + decoder.end();
  if (first && carry.charCodeAt(0) === 0xfeff) carry = carry.slice(1);
  if (carry.length > 0) {
    line++;
    if (carry.charCodeAt(carry.length - 1) === 13) carry = carry.slice(0, -1);
    if (carry.trim() !== '') yield { lines: [line], texts: [carry] };
  }
  // How many lines there were, blank ones included.
  return line;
}

/** Reads one line: a request object with "endpoint" or "url", or an error that names no value from the line. */
export function parseBatchLine(text: string, parseError?: Error): BatchRequest | BatchLineError {
  if (text === TOO_LONG_LINE) return { error: TOO_LONG_MESSAGE };
  // A caller that already saw JSON.parse fail passes its error: each failed parse leaves V8 a copy of the text
  // that only a full garbage collection frees, which on a log with many broken lines is most of the memory.
  if (parseError) return { error: jsonError(text, parseError) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: jsonError(text, err as Error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: `each line must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}` };
  }
  const { endpoint, url, method, params } = value as Record<string, unknown>;
  if (endpoint !== undefined && typeof endpoint !== 'string') return { error: '"endpoint" must be a string' };
  if (url !== undefined && typeof url !== 'string') return { error: '"url" must be a string' };
  if (method !== undefined && typeof method !== 'string') return { error: '"method" must be a string' };
  if (endpoint === undefined && url === undefined) return { error: 'a line needs "endpoint" or "url"' };
  const out: BatchRequest = {};
  if (endpoint !== undefined) out.endpoint = endpoint;
  if (url !== undefined) out.url = url;
  if (method !== undefined) out.method = method;
  if (params !== undefined) out.params = params;
  return out;
}

/** The first character of a line that cannot start any JSON value (a URL, a log line), or null. */
function notJsonStart(text: string): string | null {
  const first = /\S/u.exec(text)?.[0];
  if (first === undefined || /[{["\d\-tfn]/.test(first)) return null;
  return /^[\x21-\x7e]$/.test(first) ? `'${first}'` : `U+${first.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The message for a line the scanner (locateJsonError) found broken, without asking JSON.parse: the batch engine
 * uses it once a log has shown many broken lines (see engine.ts, JsonLines).
 */
export function scannedJsonError(text: string, at: { column: number; expected: string }): BatchLineError {
  const start = notJsonStart(text);
  return { error: start ? `not JSON: starts with ${start}` : `malformed JSON at column ${at.column}: expected ${at.expected}` };
}

/** V8's message without the copy of the input it sometimes quotes (the input may hold a key), plus a column. */
function jsonError(text: string, err: Error): string {
  // A line that is not JSON at all reads better as that than as a token error at column 1.
  const start = notJsonStart(text);
  if (start) return `not JSON: starts with ${start}`;
  let reason = err.message;
  // "Unexpected token 'S', ..."/x","key":SECRET"... is not valid JSON": keep only the part before the quote.
  if (/is not valid JSON$/.test(reason)) reason = reason.slice(0, reason.indexOf(', '));
  reason = reason.replace(/ in JSON at position \d+.*$/s, '').replace(/^\w/, (c) => c.toLowerCase());
  // Whatever other shape a future engine's message takes, never pass on anything quoted from the line.
  if (reason.includes('"') || reason.length > 80) reason = 'not valid JSON';
  const at = locateJsonError(text);
  return at ? `malformed JSON at column ${at.column}: ${reason}` : `malformed JSON: ${reason}`;
}
