import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { readBatchBlocks, parseBatchLine, type BatchRequest } from '../inputs/batch.js';
import { describeFsError, isPlainObject, paramsFromPayload } from '../params.js';
import { resolveEndpoint, type ResolvedEndpoint } from '../resolve.js';
import { loadValidators, validateWith, type OperationValidators } from '../validate.js';
import type { Params } from '../types.js';

// validate --batch: one request a line, streamed in constant memory. Invalid lines are printed as they are found;
// only counters are kept, so a log of any size fits.

interface Invalid {
  line: number;
  endpoint: string;
  problem: string;
}

interface Counts {
  lines: number;
  valid: number;
  invalid: number;
}

/** JSON output keeps at most this many invalid lines; the counts always cover all of them. */
const JSON_INVALID_CAP = 1000;

const RESOLVER_CACHE_SIZE = 10_000;

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
      this.byPath.set(key, base);
    }
    hit = typeof base === 'string' || q < 0 ? base : { ...base, query: Object.fromEntries(new URLSearchParams(name.slice(q + 1))) };
    if (this.byName.size >= RESOLVER_CACHE_SIZE) this.byName.clear();
    this.byName.set(name, hit);
    return hit;
  }
}

// The fast path: ajv alone decides validity (warnings do not make a line invalid). Only a failing line goes through
// validateWith for the messages. This keeps a million lines close to the cost of JSON.parse itself.
interface Prepared {
  resolved: ResolvedEndpoint;
  validators: OperationValidators;
  /** Where each flat parameter travels. */
  location: Map<string, 'path' | 'query'>;
}

class Preparer {
  private readonly byOperation = new Map<string, Omit<Prepared, 'resolved'>>();

  /** Sync when the operation was seen before, so the per-line loop does not await. */
  cached(resolved: ResolvedEndpoint): Prepared | undefined {
    const hit = this.byOperation.get(resolved.operation.operationId);
    return hit && { resolved, validators: hit.validators, location: hit.location };
  }

  async load(resolved: ResolvedEndpoint): Promise<Prepared> {
    const op = resolved.operation;
    const location = new Map(op.params.map((p) => [p.name, p.in === 'path' ? 'path' as const : 'query' as const]));
    const prepared = { validators: await loadValidators(op), location };
    this.byOperation.set(op.operationId, prepared);
    return { resolved, ...prepared };
  }
}

function quickParams(p: Prepared, given: unknown): Params | null {
  const { resolved, location } = p;
  const path: Record<string, string> = { ...resolved.path };
  const query: Record<string, unknown> = { ...resolved.query };
  if (given === undefined) return { path, query } as Params;
  if (!isPlainObject(given)) return null;
  if ('query' in given || 'path' in given || 'body' in given) {
    const { query: q, path: pp, body: b, ...rest } = given;
    if (Object.keys(rest).length || (q !== undefined && !isPlainObject(q)) || (pp !== undefined && !isPlainObject(pp))) return null;
    return { path: { ...path, ...(pp as Record<string, string>) }, query: { ...query, ...(q as Record<string, unknown>) }, body: b } as Params;
  }
  let body: Record<string, unknown> | undefined;
  for (const name in given) {
    const where = location.get(name);
    if (where === 'path') path[name] = String(given[name]);
    else if (where === undefined && resolved.operation.hasBody) (body ??= {})[name] = given[name];
    else query[name] = given[name];
  }
  return { path, query, body } as Params;
}

/** True when the compiled schema alone says the line is valid; false or null send it to the careful path. */
function quickValid(p: Prepared, given: unknown): boolean | null {
  const params = quickParams(p, given);
  if (!params) return null;
  if (!p.validators.params(params)) return false;
  if (p.validators.body) return params.body !== undefined && p.validators.body(params.body);
  return true;
}

function carefulProblem(p: Prepared, given: unknown): string | null {
  let params: Params;
  try {
    params = paramsOf(p.resolved, given);
  } catch (err) {
    return (err as Error).message;
  }
  const result = validateWith(p.validators, p.resolved.operation, params);
  return result.valid ? null : result.errors.map((e) => e.message).join('; ');
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

async function openInput(file: string): Promise<NodeJS.ReadableStream> {
  if (file === '-') return process.stdin;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError(`cannot read batch file ${file}: it is a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read batch file ${file}: ${describeFsError(err)}`);
  }
  return createReadStream(file, { highWaterMark: 1024 * 1024 });
}

export async function run(args: { batch: string; json?: boolean }): Promise<number> {
  const input = await openInput(args.batch);
  const resolver = new Resolver();
  const preparer = new Preparer();
  const total: Counts = { lines: 0, valid: 0, invalid: 0 };
  const perEndpoint = new Map<string, Counts>();
  const kept: Invalid[] = [];
  let out = '';
  try {
    for await (const block of readBatchBlocks(input)) {
      for (const { line, text } of block) {
        const req = parseLine(text);
        let operationId: string;
        let problem: string | null = null;
        if ('error' in req) {
          operationId = '(unreadable)';
          problem = req.error;
        } else {
          const resolved = resolver.resolve(req);
          if (typeof resolved === 'string') {
            operationId = req.endpoint ?? req.url ?? '?';
            problem = resolved;
          } else {
            const prepared = preparer.cached(resolved) ?? (await preparer.load(resolved));
            operationId = resolved.operation.operationId;
            if (quickValid(prepared, req.params) !== true) problem = carefulProblem(prepared, req.params);
          }
        }
        total.lines++;
        let counts = perEndpoint.get(operationId);
        if (!counts) perEndpoint.set(operationId, (counts = { lines: 0, valid: 0, invalid: 0 }));
        counts.lines++;
        if (problem === null) {
          total.valid++;
          counts.valid++;
          continue;
        }
        total.invalid++;
        counts.invalid++;
        if (args.json) {
          if (kept.length < JSON_INVALID_CAP) kept.push({ line, endpoint: operationId, problem });
        } else {
          out += `line ${line}\t${operationId}\t${problem}\n`;
        }
      }
      if (out.length > 65536) {
        process.stdout.write(out);
        out = '';
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read batch input ${args.batch === '-' ? 'from stdin' : args.batch}: ${describeFsError(err)}`);
  }
  if (args.json) {
    const endpoints = Object.fromEntries(perEndpoint);
    process.stdout.write(`${JSON.stringify({ ...total, endpoints, invalidLines: kept, invalidLinesTruncated: total.invalid > kept.length }, null, 2)}\n`);
  } else {
    process.stdout.write(out + (await summary(total, perEndpoint)));
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
