import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../shared/errors.js';
import { readBatchBlocks, parseBatchLine, type BatchRequest } from './jsonl.js';
import { describeFsError, isPlainObject, paramsFromPayload } from '../request/params.js';
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

// The fast path: ajv alone decides validity (warnings do not make a line invalid). Only a failing line goes through
// validateWith for the messages. This keeps a million lines close to the cost of JSON.parse itself.
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
    if (where === 'path') path[name] = String(given[name]);
    else if (where === undefined && resolved.operation.hasBody) (body ??= {})[name] = given[name];
    else query[name] = given[name];
  }
  return { path, query, body } as Params;
}

function hasPlaceholder(values: Record<string, unknown>): boolean {
  for (const name in values) if (isPlaceholder(values[name])) return true;
  return false;
}

/** True when the compiled schema alone says the line is valid; false or null send it to the careful path. */
function quickValid(p: Prepared, resolved: ResolvedEndpoint, given: unknown): boolean | null {
  const params = quickParams(p, resolved, given);
  if (!params) return null;
  if (hasPlaceholder(params.query) || hasPlaceholder(params.path)) return false;
  if (!p.validators.params(params)) return false;
  if (p.validators.body) return params.body !== undefined && p.validators.body(params.body);
  return true;
}

function carefulProblem(p: Prepared, resolved: ResolvedEndpoint, given: unknown): string | null {
  let params: Params;
  try {
    params = paramsOf(resolved, given);
  } catch (err) {
    return (err as Error).message;
  }
  const result = validateWith(p.validators, resolved.operation, params);
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
function judge(text: string, resolver: Resolver, preparer: Preparer, tally: Tally, into: Judgement): Judgement | ResolvedEndpoint {
  const req = parseLine(text);
  if ('error' in req) return judged(into, tally.countsFor('(unreadable)'), '(unreadable)', req.error);
  const resolved = resolver.resolve(req);
  if (typeof resolved === 'string') {
    const name = req.endpoint ?? req.url ?? '?';
    return judged(into, tally.countsFor(name), name, resolved);
  }
  const prepared = preparer.cached(resolved);
  if (!prepared) return resolved;
  const problem = quickValid(prepared, resolved, req.params) === true ? null : carefulProblem(prepared, resolved, req.params);
  return judged(into, prepared.counts, resolved.operation.operationId, problem);
}

function parseLine(text: string): BatchRequest | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseBatchLine(text); // for its message with the column
  }
  const ok = isPlainObject(value) && (typeof value.endpoint === 'string' || typeof value.url === 'string') &&
    (value.endpoint === undefined || typeof value.endpoint === 'string') && (value.url === undefined || typeof value.url === 'string');
  return ok ? (value as BatchRequest) : parseBatchLine(text);
}

function paramsOf(resolved: ResolvedEndpoint, given: unknown): Params {
  if (given === undefined) return { path: resolved.path, query: resolved.query };
  if (!isPlainObject(given)) throw new UsageError('"params" must be a JSON object');
  const params = paramsFromPayload(resolved.operation, given, 'params');
  return { path: { ...resolved.path, ...params.path }, query: { ...resolved.query, ...params.query }, body: params.body };
}

/** The stream to read: stdin for "-", else the file (a directory or a missing file is a usage error). */
async function openInput(file: string): Promise<NodeJS.ReadableStream> {
  if (file === '-') return process.stdin;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError(`cannot read batch file ${file}: it is a directory`);
    return createReadStream(file, { highWaterMark: CHUNK_BYTES });
  } catch (err) {
    if (err instanceof UsageError) throw err;
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
async function judgeStream(stream: NodeJS.ReadableStream, onInvalid: InvalidSink, flush: () => void): Promise<Pass> {
  const resolver = new Resolver();
  const preparer = new Preparer();
  const total: Counts = { lines: 0, valid: 0, invalid: 0 };
  const tally = new Tally();
  const scratch: Judgement = { counts: total, operationId: '', problem: null };
  const blocks = readBatchBlocks(stream);
  for (;;) {
    const next = await blocks.next();
    if (next.done) return { total, tally, lineCount: next.value };
    const { lines, texts } = next.value;
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      const first = judge(text, resolver, preparer, tally, scratch);
      if (first !== scratch) {
        // An operation not seen before: load its validators, then judge the line again.
        await preparer.load(first as ResolvedEndpoint, tally);
        judge(text, resolver, preparer, tally, scratch);
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

const textLine = (line: number, endpoint: string, problem: string) => `line ${line}\t${endpoint}\t${problem}\n`;

/** Where the invalid lines go: written out in blocks as found (text), or the first JSON_INVALID_CAP kept (JSON). */
class InvalidLines {
  readonly kept: Invalid[] = [];
  private out = '';
  constructor(
    private readonly json: boolean,
    private readonly write: (text: string) => void,
  ) {}

  readonly add: InvalidSink = (line, endpoint, problem) => {
    if (!this.json) this.out += textLine(line, endpoint, problem);
    else if (this.kept.length < JSON_INVALID_CAP) this.kept.push({ line, endpoint, problem });
  };

  readonly flush = (force = false) => {
    if (this.out.length > 65536 || (force && this.out.length > 0)) {
      this.write(this.out);
      this.out = '';
    }
  };
}

export async function run(args: { batch: string; json?: boolean }): Promise<number> {
  const stream = await openInput(args.batch);
  const json = Boolean(args.json);
  const sink = new InvalidLines(json, (text) => process.stdout.write(text));
  try {
    const pass = await judgeStream(stream, sink.add, () => sink.flush());
    return await finish(pass, sink, json);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read batch input ${args.batch === '-' ? 'from stdin' : args.batch}: ${describeFsError(err)}`);
  }
}

async function finish(pass: Pass, sink: InvalidLines, json: boolean): Promise<number> {
  const { total, tally } = pass;
  if (json) {
    const endpoints = Object.fromEntries(tally.byName);
    process.stdout.write(`${JSON.stringify({ ...total, endpoints, invalidLines: sink.kept, invalidLinesTruncated: total.invalid > sink.kept.length }, null, 2)}\n`);
  } else {
    sink.flush(true);
    process.stdout.write(await summary(total, tally.byName));
  }
  return total.invalid > 0 ? 1 : 0;
}

async function summary(total: Counts, perEndpoint: Map<string, Counts>): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: ['Endpoint', 'Lines', 'Valid', 'Invalid'], style: { head: [], border: [] } });
  for (const [name, c] of [...perEndpoint].sort((a, b) => b[1].lines - a[1].lines)) table.push([name, c.lines, c.valid, c.invalid]);
  const verdict = total.invalid ? `✖ ${total.invalid} invalid` : '✔ all valid';
  return `${table.toString()}\n${verdict}: ${total.lines} lines, ${total.valid} valid, ${total.invalid} invalid\n`;
}
