import { appendFileSync, closeSync, createReadStream, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { distFile } from '../shared/dist-files.js';
import { UsageError } from '../shared/errors.js';
import { readBatchBlocks, parseBatchLine, type BatchRequest } from './jsonl.js';
import { describeFsError, isPlainObject, paramsFromPayload } from '../request/params.js';
import { queryFromSearch, resolveEndpoint, type ResolvedEndpoint } from '../catalog/resolve.js';
import { isPlaceholder, loadValidators, validateWith, type OperationValidators } from '../catalog/validate.js';
import type { Params } from '../types.js';

// validate --batch: one request a line, streamed in constant memory. Invalid lines are printed as they are found;
// only counters are kept, so a log of any size fits. A large file is judged in two halves at once (the second in a
// worker thread, whose invalid lines wait in a temp file), and the output is the same as one pass's.

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

/** A regular file large enough to split, or a stream (stdin, a pipe, a small file) read in one pass. */
type Input = { file: string; size: number } | { stream: NodeJS.ReadableStream };

async function openInput(file: string): Promise<Input> {
  if (file === '-') return { stream: process.stdin };
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError(`cannot read batch file ${file}: it is a directory`);
    return info.isFile() ? { file, size: info.size } : { stream: createReadStream(file, { highWaterMark: CHUNK_BYTES }) };
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
async function judgeStream(stream: NodeJS.ReadableStream, onInvalid: InvalidSink, flush: () => void, atFileStart = true): Promise<Pass> {
  const resolver = new Resolver();
  const preparer = new Preparer();
  const total: Counts = { lines: 0, valid: 0, invalid: 0 };
  const tally = new Tally();
  const scratch: Judgement = { counts: total, operationId: '', problem: null };
  const blocks = readBatchBlocks(stream, atFileStart);
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
const spillLine = (line: number, endpoint: string, problem: string) => `${JSON.stringify([line, endpoint, problem])}\n`;

/** Where the invalid lines go: written out in blocks as found (text), or the first JSON_INVALID_CAP kept (JSON). */
class InvalidLines {
  readonly kept: Invalid[] = [];
  private out = '';
  constructor(
    private readonly json: boolean,
    private readonly write: (text: string) => void,
    private readonly format = textLine,
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

// Large files are judged in two halves at once, the second in a worker thread: JSON.parse is most of the work and
// a second core halves it. Below this size a worker's start-up (~40 ms) is not worth it.
const PARALLEL_MIN_BYTES = Number(process.env.MASHVISOR_PREFLIGHT_PARALLEL_MIN_BYTES) || 32 * 1024 * 1024;

/** The offset just after the first newline at or after the middle of the file, or null when there is none. */
function middleCut(file: string, size: number): number | null {
  const fd = openSync(file, 'r');
  try {
    const window = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let pos = Math.floor(size / 2); pos < size;) {
      const got = readSync(fd, window, 0, window.length, pos);
      if (got <= 0) break;
      const nl = window.subarray(0, got).indexOf(10);
      if (nl >= 0) return pos + nl + 1 < size ? pos + nl + 1 : null;
      pos += got;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** What the worker sends back: its half's counts, with line numbers counted from the start of its half. */
export interface HalfResult {
  total: Counts;
  tally: [string, Counts][];
  kept: Invalid[];
  /** Text mode: the invalid lines, one JSON array [line, endpoint, problem] a line, in this file. */
  spill: string | null;
}

export interface HalfJob {
  file: string;
  start: number;
  end: number;
  json: boolean;
  spill: string;
}

/** Runs in the worker (src/batch/worker.ts): judges bytes [start, end) of the file. */
export async function judgeHalf(job: HalfJob): Promise<HalfResult> {
  let spilled = false;
  // Spilled to a file, the invalid lines keep the worker's memory flat however many there are; the main thread
  // renumbers them once it knows how many lines the first half had.
  const sink = new InvalidLines(job.json, (text) => {
    appendFileSync(job.spill, text);
    spilled = true;
  }, spillLine);
  const stream = createReadStream(job.file, { start: job.start, end: job.end - 1, highWaterMark: CHUNK_BYTES });
  const pass = await judgeStream(stream, sink.add, () => sink.flush(), false);
  sink.flush(true);
  return { total: pass.total, tally: [...pass.tally.byName], kept: sink.kept, spill: spilled ? job.spill : null };
}

function startHalf(job: HalfJob): Promise<HalfResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(distFile('batch/worker.js')), { workerData: job });
    let result: HalfResult | null = null;
    worker.once('message', (message: { ok?: HalfResult; error?: string }) => {
      if (message.error !== undefined) reject(new Error(message.error));
      else result = message.ok!;
    });
    worker.once('error', reject);
    worker.once('exit', () => (result ? resolve(result) : reject(new Error('the second half stopped early'))));
  });
}

function addCounts(into: Counts, from: Counts): void {
  into.lines += from.lines;
  into.valid += from.valid;
  into.invalid += from.invalid;
}

export async function run(args: { batch: string; json?: boolean }): Promise<number> {
  const input = await openInput(args.batch);
  const json = Boolean(args.json);
  const sink = new InvalidLines(json, (text) => process.stdout.write(text));
  try {
    let pass: Pass;
    const cut = 'file' in input && input.size >= PARALLEL_MIN_BYTES && availableParallelism() > 1 ? middleCut(input.file, input.size) : null;
    if ('file' in input && cut !== null) {
      const spillDir = mkdtempSync(join(tmpdir(), 'mashvisor-preflight-batch-'));
      try {
        const second = startHalf({ file: input.file, start: cut, end: input.size, json, spill: join(spillDir, 'invalid.jsonl') });
        second.catch(() => undefined); // awaited below; a failure of the first half must not leave it unhandled
        pass = await judgeStream(createReadStream(input.file, { start: 0, end: cut - 1, highWaterMark: CHUNK_BYTES }), sink.add, () => sink.flush());
        const half = await second;
        addCounts(pass.total, half.total);
        for (const [name, counts] of half.tally) addCounts(pass.tally.countsFor(name), counts);
        for (const k of half.kept) if (sink.kept.length < JSON_INVALID_CAP) sink.kept.push({ ...k, line: k.line + pass.lineCount });
        if (half.spill) await replaySpill(half.spill, pass.lineCount, sink);
      } finally {
        rmSync(spillDir, { recursive: true, force: true });
      }
    } else {
      const stream = 'file' in input ? createReadStream(input.file, { highWaterMark: CHUNK_BYTES }) : input.stream;
      pass = await judgeStream(stream, sink.add, () => sink.flush());
    }
    return await finish(pass, sink, json);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read batch input ${args.batch === '-' ? 'from stdin' : args.batch}: ${describeFsError(err)}`);
  }
}

/** The second half's invalid lines, in order, numbered from the start of the file. */
async function replaySpill(file: string, offset: number, sink: InvalidLines): Promise<void> {
  for await (const { texts } of readBatchBlocks(createReadStream(file, { highWaterMark: CHUNK_BYTES }))) {
    for (const text of texts) {
      const [line, endpoint, problem] = JSON.parse(text) as [number, string, string];
      sink.add(line + offset, endpoint, problem);
    }
    sink.flush();
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
  if (process.env.GITHUB_STEP_SUMMARY || process.env.GITHUB_ACTIONS === 'true') {
    const { batchToCi } = await import('../cli/commands/ci.js');
    batchToCi(total, sink.kept);
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
