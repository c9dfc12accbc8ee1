import { jsonShape, MAX_INPUT_DEPTH } from '../shared/json-bounds.js';
import { constants as fsc, promises as fsp } from 'node:fs';
import { notRegularReason } from '../shared/files.js';
import type { FileHandle } from 'node:fs/promises';
import { UsageError } from '../shared/errors.js';
import { locateJsonError } from '../shared/json-error.js';
import { formatBytes } from '../shared/units.js';
import type { Operation, Params, QueryValue } from '../types.js';

export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Reads a payload or input file (`-` = stdin) as UTF-8 text, refusing what is too big or binary. */
export async function readInputText(file: string, what = 'payload', maxBytes = MAX_PAYLOAD_BYTES): Promise<string> {
  if (!file) throw new UsageError(`the ${what} needs a file name (or - for stdin)`);
  const bytes = file === '-' ? await readStdin(maxBytes, what) : await readFileCapped(file, maxBytes, what);
  if (bytes.includes(0)) throw new UsageError(`${what} ${label(file)} is binary data, not JSON text`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new UsageError(`${what} ${label(file)} is not UTF-8 text`);
  }
}

function label(file: string): string {
  return file === '-' ? 'from stdin' : file;
}

async function readFileCapped(file: string, maxBytes: number, what: string): Promise<Buffer> {
  let handle: FileHandle | undefined;
  try {
    // Non-blocking: a FIFO or a device would block open() or read() forever. Only a regular file is read; a pipe's
    // contents go through stdin (-).
    handle = await fsp.open(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
    const info = await handle.stat();
    if (info.isDirectory()) throw new UsageError(`${what} ${file} is a directory, not a file`);
    if (!info.isFile()) throw new UsageError(`cannot read ${what} ${file}: ${notRegularReason(info)} (pipe it to stdin with - instead)`);
    if (info.size > maxBytes) throw new UsageError(`${what} ${file} is over the ${formatBytes(maxBytes)} limit (${overBy(info.size, maxBytes)})`);
    // The file may grow while it is read: the cap is applied while reading too.
    return await readCapped(handle, maxBytes, `${what} ${file}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${what} ${file}: ${describeFsError(err)}`);
  } finally {
    await handle?.close();
  }
}

async function readCapped(handle: FileHandle, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(64 * 1024) });
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > maxBytes) throw new UsageError(`${what} is over the ${formatBytes(maxBytes)} limit`);
    chunks.push(buffer.subarray(0, bytesRead));
  }
}

async function readStdin(maxBytes: number, what: string): Promise<Buffer> {
  // Waiting on a terminal looks like a hang: say what was expected instead.
  if (process.stdin.isTTY) throw new UsageError(`${what} from stdin: stdin is a terminal; pipe the JSON in (e.g. < payload.json)`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new UsageError(`${what} from stdin is over the ${formatBytes(maxBytes)} limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTREG') return (err as { reason: string }).reason; // shared/files.ts: a FIFO or device
  return code ?? (err as Error).message;
}

export { formatBytes } from '../shared/units.js';

/** A size just over a limit rounds to the limit itself ("1 MiB"): then the exact count says why it is over. */
function overBy(size: number, limit: number): string {
  return formatBytes(size) === formatBytes(limit) ? `${size} bytes` : formatBytes(size);
}

/** JSON.parse with a one-line error that says where: "payload.json: invalid JSON at line 3, column 7: expected ..." */
export function parseJsonText(text: string, source: string): unknown {
  if (!text.trim()) throw new UsageError(`${source} is empty: expected JSON`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const at = locateJsonError(text);
    if (!at) throw new UsageError(`${source}: invalid JSON`);
    throw new UsageError(`${source}: invalid JSON at line ${at.line}, column ${at.column}: expected ${at.expected}`);
  }
  // JSON.parse copes with any depth, but everything after it walks the value recursively: a file nested
  // thousands deep would overflow the stack there.
  if (jsonShape(text, MAX_INPUT_DEPTH).tooDeep) throw new UsageError(`${source}: JSON nested more than ${MAX_INPUT_DEPTH} levels deep`);
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `key=value` → [key, value]; the value may itself contain '='. */
export function parseParamFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=');
  const name = eq > 0 ? flag.slice(0, eq).trim() : '';
  if (!name) throw new UsageError(`--param ${JSON.stringify(flag)} must look like key=value`);
  return [name, flag.slice(eq + 1)];
}

/** Values travel as text in a URL: 2 → "2", true → "true"; lists stay lists (they mean a repeated parameter). */
function asWireValue(name: string, value: unknown, source: string): QueryValue {
  if (Array.isArray(value)) return value.flatMap((v) => asWireValue(name, v, source));
  if (value === null || typeof value === 'object') {
    throw new UsageError(`${source}: ${name} must be a plain value (text or number), not ${value === null ? 'null' : 'an object'}`);
  }
  return String(value);
}

/** A path segment holds exactly one value. */
function asPathValue(name: string, value: unknown, source: string): string {
  const wire = asWireValue(name, value, source);
  if (Array.isArray(wire)) throw new UsageError(`${source}: ${name} is a path parameter and takes one value, not a list`);
  return wire;
}

function addTo(target: Record<string, QueryValue>, name: string, value: QueryValue): void {
  const seen = target[name];
  if (seen === undefined) target[name] = value;
  else target[name] = [...(Array.isArray(seen) ? seen : [seen]), ...(Array.isArray(value) ? value : [value])];
}

/**
 * Puts a flat parameter where the operation expects it: a path slot, the body of a POST, or the query.
 * With `repeat`, a name seen before is kept as a list (a repeated query parameter) instead of replaced.
 */
function place(operation: Operation, params: Params, name: string, value: unknown, source: string, repeat: boolean): void {
  const doc = operation.params.find((p) => p.name === name);
  if (doc?.in === 'path') {
    params.path[name] = asPathValue(name, value, source);
  } else if (!doc && operation.hasBody) {
    params.body = { ...(isPlainObject(params.body) ? params.body : {}), [name]: value };
  } else if (repeat) {
    addTo(params.query, name, asWireValue(name, value, source));
  } else {
    params.query[name] = asWireValue(name, value, source);
  }
}

const PARTS = ['query', 'path', 'body'];

/** What a JSON value is, with its article: "a string", "an array", "null". */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A payload is flat parameters, or { query, path, body }. */
export function paramsFromPayload(operation: Operation, payload: unknown, source: string): Params {
  if (!isPlainObject(payload)) {
    throw new UsageError(`${source}: the payload must be a JSON object, not ${jsonKind(payload)}`);
  }
  return Object.keys(payload).some((k) => PARTS.includes(k))
    ? structuredParams(payload, source)
    : flatParams(operation, payload, source);
}

function flatParams(operation: Operation, payload: Record<string, unknown>, source: string): Params {
  // On a POST, a flat payload is the body itself (even {}), apart from any named parameter.
  const params: Params = operation.hasBody ? { path: {}, query: {}, body: {} } : { path: {}, query: {} };
  for (const [name, value] of Object.entries(payload)) place(operation, params, name, value, source, false);
  return params;
}

function structuredParams(payload: Record<string, unknown>, source: string): Params {
  const stray = Object.keys(payload).find((k) => !PARTS.includes(k));
  if (stray) throw new UsageError(`${source}: "${stray}" is out of place: a payload with query, path or body holds nothing else (move it under "query", "path" or "body")`);
  const params: Params = { path: {}, query: {} };
  for (const part of ['query', 'path'] as const) {
    const values = payload[part];
    if (values === undefined) continue;
    if (!isPlainObject(values)) throw new UsageError(`${source}: "${part}" must be a JSON object of name: value`);
    for (const [name, value] of Object.entries(values)) {
      if (part === 'path') params.path[name] = asPathValue(name, value, source);
      else params.query[name] = asWireValue(name, value, source);
    }
  }
  if ('body' in payload) params.body = payload.body;
  return params;
}

/** Merges the layers of a request spec; later layers win (URL < payload < --param). Repeated --param names make a list. */
export function mergeParams(operation: Operation, layers: Params[], flags: string[] = []): Params {
  const merged: Params = { path: {}, query: {} };
  for (const layer of layers) {
    Object.assign(merged.path, layer.path);
    Object.assign(merged.query, layer.query);
    if (layer.body !== undefined) merged.body = layer.body;
  }
  const fromFlags: Params = { path: {}, query: {} };
  for (const flag of flags) {
    const [name, value] = parseParamFlag(flag);
    place(operation, fromFlags, name, value, '--param', true);
  }
  Object.assign(merged.path, fromFlags.path);
  Object.assign(merged.query, fromFlags.query);
  if (fromFlags.body !== undefined) merged.body = { ...(isPlainObject(merged.body) ? merged.body : {}), ...(fromFlags.body as object) };
  return merged;
}
