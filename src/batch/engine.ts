import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../shared/errors.js';
import { notRegularReason, NotRegularFileError, openRegularForRead } from '../shared/files.js';
import { readBatchBlocks, parseBatchLine, scannedJsonError, TOO_LONG_LINE, type BatchRequest } from './jsonl.js';
import { locateJsonError } from '../shared/json-error.js';
import { describeFsError, isPlainObject } from '../request/params.js';
import { requestParams } from '../request/build.js';
import { queryFromSearch, resolveEndpoint, type ResolvedEndpoint } from '../catalog/resolve.js';
import { isPlaceholder, loadValidators, validateWith, type OperationValidators } from '../catalog/validate.js';
import type { Params } from '../types.js';

// validate --batch: one request a line, streamed in constant memory. Invalid lines are printed as they are found;
// only counters are kept, so a log of any size fits. One pass on one thread: JSON.parse is most of the work, and
// a second thread did not pay for its start-up and bookkeeping on a shared machine (see docs/performance.md).

export interface Invalid {
  line: number;
  endpoint: string;
  problem: string;
}

export interface Counts {
  lines: number;
  valid: number;
  invalid: number;
}

/** JSON output keeps at most this many invalid lines; the counts always cover all of them. */
const JSON_INVALID_CAP = 1000;

/** A CI job summary lists at most this many invalid lines. */
const SUMMARY_INVALID_CAP = 20;

// Kept because the bench needs it: without the whole-line cache a million lines take 1.46× the plain read instead
// of 1.24× (the row's target is 1.25×).
const RESOLVER_CACHE_SIZE = 10_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= RESOLVER_CACHE_SIZE) cache.clear();
  cache.set(key, value);
}

class Resolver {
  private readonly byName = new Map<string, ResolvedEndpoint | string>();
  private readonly byPath = new Map<string, ResolvedEndpoint | string>();

  /**
   * An operation per endpoint string or URL, resolved once. Logs repeat the same few URLs, so whole strings are
   * cached too (bounded, so memory stays constant); an unknown endpoint is remembered as its error text.
   */
  resolve(req: BatchRequest): ResolvedEndpoint | string {
    const name = req.endpoint ?? req.url!;
    let hit = this.byName.get(name);
    if (hit !== undefined) return hit;
    const q = name.indexOf('?');
    const key = q < 0 ? name : name.slice(0, q);
    let base = this.byPath.get(key);
    if (base === undefined) {
      try {
        base = resolveEndpoint(key);
      } catch (err) {
        base = (err as Error).message;
      }
      remember(this.byPath, key, base);
    }
    // A repeated query name stays a list, so the validator reports it as it does for a single request.
    hit = typeof base === 'string' || q < 0 ? base : { ...base, query: queryFromSearch(new URLSearchParams(name.slice(q + 1))) };
    remember(this.byName, name, hit);
    return hit;
  }
}

// The fast path: ajv alone decides validity (warnings do not make a line invalid). It takes only lines it reads
// exactly as the request builder would (text and number values, no path value given twice): anything else, and
// every line ajv refuses, goes through requestParams and validateWith, the builder and rules of a single validate.
// This keeps a million lines close to the cost of JSON.parse itself.
interface Prepared {
  validators: OperationValidators;
  /** Where each flat parameter travels. */
  location: Map<string, 'path' | 'query'>;
  /** Flat parameters can be validated as the query itself: no path slots and no body to split off. */
  flatIsQuery: boolean;
  /** This operation's line counts, kept here so a valid line costs no map look-up. */
  counts: Counts;
}

class Preparer {
  private readonly byOperation = new Map<string, Prepared>();

  /** Sync when the operation was seen before, so the per-line loop does not await. */
  cached(resolved: ResolvedEndpoint): Prepared | undefined {
    return this.byOperation.get(resolved.operation.operationId);
  }

  async load(resolved: ResolvedEndpoint, tally: Tally): Promise<Prepared> {
    const op = resolved.operation;
    const location = new Map(op.params.map((p) => [p.name, p.in === 'path' ? 'path' as const : 'query' as const]));
    const flatIsQuery = !op.hasBody && !op.params.some((p) => p.in === 'path');
    const prepared = { validators: await loadValidators(op), location, flatIsQuery, counts: tally.countsFor(op.operationId) };
    this.byOperation.set(op.operationId, prepared);
    return prepared;
  }
}

const isEmpty = (o: object) => {
  for (const _ in o) return false;
  return true;
};

/**
 * The line's parameters shaped as {path, query, body} with as few new objects as possible: a parsed line is ours to
 * reuse (ajv may coerce its values in place). Null when only the careful path can place them.
 */
function quickParams(p: Prepared, resolved: ResolvedEndpoint, given: unknown): Params | null {
  if (given === undefined) return { path: resolved.path, query: resolved.query };
  if (!isPlainObject(given)) return null;
  const fromUrl = !isEmpty(resolved.query);
  if ('query' in given || 'path' in given || 'body' in given) {
    for (const key in given) if (key !== 'query' && key !== 'path' && key !== 'body') return null;
    const q = given.query ?? {};
    const pp = given.path ?? {};
    if (!isPlainObject(q) || !isPlainObject(pp)) return null;
    return {
      path: isEmpty(resolved.path) ? pp as Record<string, string> : { ...resolved.path, ...pp as Record<string, string> },
      query: fromUrl ? { ...resolved.query, ...q as Record<string, string> } : q as Record<string, string>,
      body: given.body,
    };
  }
  if (p.flatIsQuery && !fromUrl) return { path: resolved.path, query: given as Record<string, string> };
  const path: Record<string, string> = { ...resolved.path };
  const query: Record<string, unknown> = { ...resolved.query };
  let body: Record<string, unknown> | undefined;
  for (const name in given) {
    const where = p.location.get(name);
    if (where === 'path') path[name] = given[name] as string;
    else if (where === undefined && resolved.operation.hasBody) (body ??= {})[name] = given[name];
    else query[name] = given[name];
  }
  return { path, query, body } as Params;
}

/**
 * True when every value is text or a number (the builder writes a number as its text, as ajv coerces it) and
 * none is a placeholder. null, true or a list the builder treats otherwise than ajv's coercion would.
 */
function plainValues(values: Record<string, unknown>): boolean {
  for (const name in values) {
    const v = values[name];
    if (typeof v === 'number') continue;
    if (typeof v !== 'string' || isPlaceholder(v)) return false;
  }
  return true;
}

/** A path value the endpoint string wrote, given again with another value: the builder refuses it. */
function pathClash(written: Record<string, string>, path: Record<string, unknown>): boolean {
  for (const name in written) if (path[name] !== written[name] && String(path[name]) !== written[name]) return true;
  return false;
}

/** True when the compiled schema alone says the line is valid; false or null send it to the careful path. */
function quickValid(p: Prepared, resolved: ResolvedEndpoint, given: unknown): boolean | null {
  const params = quickParams(p, resolved, given);
  if (!params) return null;
  if (!plainValues(params.query) || !plainValues(params.path) || pathClash(resolved.path, params.path)) return false;
  if (!p.validators.params(params)) return false;
  if (p.validators.body) return params.body !== undefined && p.validators.body(params.body);
  return true;
}

function carefulProblem(p: Prepared, resolved: ResolvedEndpoint, endpoint: string, given: unknown): string | null {
  let params: Params;
  try {
    if (given !== undefined && !isPlainObject(given)) throw new UsageError('"params" must be a JSON object');
    const payload = given === undefined ? {} : { payload: { value: given, source: 'params' } };
    params = requestParams(resolved, { endpoint, ...payload });
  } catch (err) {
    // Only a value nested thousands deep overflows the walk over the parameters: say that, not V8's words.
    return err instanceof RangeError ? 'the parameters are nested too deeply to read' : (err as Error).message;
  }
  const result = validateWith(p.validators, resolved.operation, params, undefined, true);
  return result.valid ? null : result.errors.map((e) => e.message).join('; ');
}

/** Counts per endpoint (or per unreadable kind of line). */
class Tally {
  readonly byName = new Map<string, Counts>();

  countsFor(name: string): Counts {
    let counts = this.byName.get(name);
    if (!counts) this.byName.set(name, (counts = { lines: 0, valid: 0, invalid: 0 }));
    return counts;
  }
}

/** The verdict on one line. One object is reused for every line: a million lines make no million results. */
interface Judgement {
  counts: Counts;
  operationId: string;
  problem: string | null;
}

// A line may name an endpoint of a megabyte: its report line and table row show the beginning only.
const MAX_NAME_CHARS = 200;
const MAX_PROBLEM_CHARS = 1000;

function shortened(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function judged(into: Judgement, counts: Counts, operationId: string, problem: string | null): Judgement {
  into.counts = counts;
  into.operationId = operationId;
  into.problem = problem;
  return into;
}

/**
 * One line: valid (problem null) or its problems, in the API's terms. Synchronous, so a million lines cost no
 * million awaits; a line naming an operation not seen yet returns its endpoint to be loaded first.
 */
function judge(text: string, lines: JsonLines, resolver: Resolver, preparer: Preparer, tally: Tally, into: Judgement): Judgement | ResolvedEndpoint {
  const req = lines.parse(text);
  if ('error' in req) return judged(into, tally.countsFor('(unreadable)'), '(unreadable)', req.error);
  const resolved = resolver.resolve(req);
  if (typeof resolved === 'string') {
    const name = shortened(req.endpoint ?? req.url ?? '?', MAX_NAME_CHARS);
    return judged(into, tally.countsFor(name), name, shortened(resolved, MAX_PROBLEM_CHARS));
  }
  const prepared = preparer.cached(resolved);
  if (!prepared) return resolved;
  const problem = quickValid(prepared, resolved, req.params) === true ? null : carefulProblem(prepared, resolved, req.endpoint ?? req.url!, req.params);
  return judged(into, prepared.counts, resolved.operation.operationId, problem);
}

/**
 * Reads lines as JSON. Each line JSON.parse refuses leaves V8 a copy of it that only a full collection frees: a log
 * with thousands of broken lines grew by tens of MiB that way. So a line that cannot be a JSON object (it does not
 * open with { and close with }: a cut-off line, a line of text) never reaches JSON.parse, and once SCREEN_AFTER
 * other broken lines were seen, each line is first checked by the project's own scanner, which leaves nothing
 * behind. Logs without such lines never pay for the scan.
 */
const SCREEN_AFTER = 2048;

function cannotBeObject(text: string): boolean {
  let a = 0;
  let b = text.length - 1;
  while (a <= b && text.charCodeAt(a) <= 32) a++;
  while (b >= a && text.charCodeAt(b) <= 32) b--;
  return text.charCodeAt(a) !== 123 || text.charCodeAt(b) !== 125;
}

class JsonLines {
  private broken = 0;

  parse(text: string): BatchRequest | { error: string } {
    if (text === TOO_LONG_LINE) return parseBatchLine(text);
    if (this.broken >= SCREEN_AFTER || cannotBeObject(text)) {
      const at = locateJsonError(text);
      if (at) return scannedJsonError(text, at);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.broken++;
      return parseBatchLine(text, err as Error); // for its message with the column
    }
    const ok = isPlainObject(value) && (typeof value.endpoint === 'string' || typeof value.url === 'string') &&
      (value.endpoint === undefined || typeof value.endpoint === 'string') && (value.url === undefined || typeof value.url === 'string');
    return ok ? (value as BatchRequest) : parseBatchLine(text);
  }
}

/**
 * The stream to read: stdin for "-", else the file (a directory or a missing file is a usage error), and the file's
 * size for a progress line's estimate.
 */
async function openInput(file: string): Promise<{ stream: NodeJS.ReadableStream; size: number | null }> {
  if (file === '-') return { stream: process.stdin, size: null };
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError(`cannot read batch file ${file}: it is a directory`);
    // A FIFO or device would block the read forever; a pipe's lines go through stdin (-). The file is opened
    // non-blocking and checked again by its descriptor, so one swapped in after the stat cannot block either.
    if (!info.isFile()) throw new UsageError(`cannot read batch file ${file}: ${notRegularReason(info)} (pipe it to stdin with - instead)`);
    const fd = openRegularForRead(file);
    return { stream: createReadStream('', { fd, highWaterMark: CHUNK_BYTES }), size: info.size };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof NotRegularFileError) throw new UsageError(`cannot read batch file ${file}: ${err.reason} (pipe it to stdin with - instead)`);
    throw new UsageError(`cannot read batch file ${file}: ${describeFsError(err)}`);
  }
}

const CHUNK_BYTES = 64 * 1024;

/** Everything one pass learned: counts, and how many lines it read (blank ones included). */
interface Pass {
  total: Counts;
  tally: Tally;
  lineCount: number;
}

type InvalidSink = (line: number, operationId: string, problem: string) => void;

/** Judges every line of one stream, handing each invalid line to onInvalid and calling flush after each block. */
async function judgeStream(stream: NodeJS.ReadableStream, onInvalid: InvalidSink, flush: () => void, progress?: BatchProgress): Promise<Pass> {
  const resolver = new Resolver();
  const preparer = new Preparer();
  const total: Counts = { lines: 0, valid: 0, invalid: 0 };
  progress?.watch(stream, total);
  const tally = new Tally();
  const scratch: Judgement = { counts: total, operationId: '', problem: null };
  const jsonLines = new JsonLines();
  const blocks = readBatchBlocks(stream);
  for (;;) {
    const next = await blocks.next();
    if (next.done) return { total, tally, lineCount: next.value };
    const { lines, texts } = next.value;
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      const first = judge(text, jsonLines, resolver, preparer, tally, scratch);
      if (first !== scratch) {
        // An operation not seen before: load its validators, then judge the line again.
        await preparer.load(first as ResolvedEndpoint, tally);
        judge(text, jsonLines, resolver, preparer, tally, scratch);
      }
      const { counts, problem } = scratch;
      total.lines++;
      counts.lines++;
      if (problem === null) {
        total.valid++;
        counts.valid++;
        continue;
      }
      total.invalid++;
      counts.invalid++;
      onInvalid(lines[i]!, scratch.operationId, problem);
    }
    flush();
  }
}

/** One invalid line as text: "line N<TAB>endpoint<TAB>problem". The CLI may lay it out for its terminal. */
export type LineFormat = (line: number, endpoint: string, problem: string) => string;

export const textLine: LineFormat = (line, endpoint, problem) => `line ${line}\t${endpoint}\t${problem}\n`;

/** Where the invalid lines go: written out in blocks as found (text), or the first JSON_INVALID_CAP kept (JSON). */
class InvalidLines {
  readonly kept: Invalid[] = [];
  private out = '';
  constructor(
    private readonly json: boolean,
    private readonly write: (text: string) => void,
    private readonly format: LineFormat = textLine,
  ) {}

  readonly add: InvalidSink = (line, endpoint, problem) => {
    if (!this.json) this.out += this.format(line, endpoint, problem);
    // Text output keeps the first few too, for a CI job summary.
    if (this.kept.length < (this.json ? JSON_INVALID_CAP : SUMMARY_INVALID_CAP)) this.kept.push({ line, endpoint, problem });
  };

  readonly flush = (force = false) => {
    if (this.out.length > 65536 || (force && this.out.length > 0)) {
      this.write(this.out);
      this.out = '';
    }
  };
}

/** What a whole batch came to: the counts, per endpoint, and (JSON mode) the first invalid lines kept. */
export interface BatchResult {
  total: Counts;
  endpoints: Map<string, Counts>;
  /** JSON mode only: at most JSON_INVALID_CAP invalid lines; the counts cover all of them. */
  kept: Invalid[];
  /** Every line read, blank ones included (those are not requests, so the counts leave them out). */
  linesRead: number;
}

export interface BatchOptions {
  /** Keep the invalid lines for one JSON document instead of writing them as they are found. */
  json: boolean;
  /** Where text-mode invalid lines go, in blocks, as they are found. */
  write: (text: string) => void;
  /** How one invalid line reads as text (default textLine). */
  format?: LineFormat;
  /** Called once the input is open (with its size when it is a file): what to tell of the reading as it goes. */
  progress?: (size: number | null) => BatchProgress | undefined;
}

/** Told which stream this thread reads and its running counts; stopped at the end. */
export interface BatchProgress {
  watch(stream: NodeJS.ReadableStream, counts: Counts): void;
  stop(): void;
}

/** Judges every line of a batch file ('-' for stdin); invalid lines leave through options.write as they are found. */
export async function validateBatch(batch: string, options: BatchOptions): Promise<BatchResult> {
  const { stream, size } = await openInput(batch);
  const sink = new InvalidLines(options.json, options.write, options.format ?? textLine);
  const progress = options.progress?.(size);
  try {
    const pass = await judgeStream(stream, sink.add, () => sink.flush(), progress);
    progress?.stop();
    sink.flush(true);
    return { total: pass.total, endpoints: pass.tally.byName, kept: sink.kept, linesRead: pass.lineCount };
  } catch (err) {
    progress?.stop();
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read batch input ${batch === '-' ? 'from stdin' : batch}: ${describeFsError(err)}`);
  }
}
