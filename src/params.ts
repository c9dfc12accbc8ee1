import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './errors.js';
import { locateJsonError } from './json-error.js';
import type { Operation, Params, QueryValue } from './types.js';

export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Reads a payload or input file (`-` = stdin) as UTF-8 text, refusing what is too big or binary. */
export async function readInputText(file: string, what = 'payload', maxBytes = MAX_PAYLOAD_BYTES): Promise<string> {
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
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new UsageError(`${what} ${file} is a directory, not a file`);
    size = info.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${what} ${file}: ${describeFsError(err)}`);
  }
  if (size > maxBytes) throw new UsageError(`${what} ${file} is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}`);
  try {
    return await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${describeFsError(err)}`);
  }
}

async function readStdin(maxBytes: number, what: string): Promise<Buffer> {
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
  return code ?? (err as Error).message;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** JSON.parse with a one-line error that says where: "payload.json: invalid JSON at line 3, column 7: expected ..." */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = locateJsonError(text);
    if (!at) throw new UsageError(`${source}: invalid JSON`);
    throw new UsageError(`${source}: invalid JSON at line ${at.line}, column ${at.column}: expected ${at.expected}`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `key=value` → [key, value]; the value may itself contain '='. */
export function parseParamFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`--param ${JSON.stringify(flag)} must look like key=value`);
  return [flag.slice(0, eq).trim(), flag.slice(eq + 1)];
}

/** Values travel as text in a URL: 2 → "2", true → "true"; lists stay lists (they mean a repeated parameter). */
function asWireValue(name: string, value: unknown, source: string): QueryValue {
  if (Array.isArray(value)) return value.map((v) => asWireValue(name, v, source) as string).flat();
  if (value === null || typeof value === 'object') {
    throw new UsageError(`${source}: ${name} must be a plain value (text or number), not ${value === null ? 'null' : 'an object'}`);
  }
  return String(value);
}

function addTo(target: Record<string, QueryValue>, name: string, value: QueryValue): void {
  const seen = target[name];
  if (seen === undefined) target[name] = value;
  else target[name] = [...(Array.isArray(seen) ? seen : [seen]), ...(Array.isArray(value) ? value : [value])];
}

/** Puts a flat parameter where the operation expects it: a path slot, the body of a POST, or the query. */
function place(operation: Operation, params: Params, name: string, value: unknown, source: string, repeat: boolean): void {
  const doc = operation.params.find((p) => p.name === name);
  if (doc?.in === 'path') {
    params.path[name] = String(Array.isArray(value) ? value[value.length - 1] : value);
  } else if (!doc && operation.hasBody) {
    params.body = { ...(isPlainObject(params.body) ? params.body : {}), [name]: value };
  } else if (repeat) {
    addTo(params.query, name, asWireValue(name, value, source));
  } else {
    params.query[name] = asWireValue(name, value, source);
  }
}

/** A payload is flat parameters, or { query, path, body }. */
export function paramsFromPayload(operation: Operation, payload: unknown, source: string): Params {
  if (!isPlainObject(payload)) {
    throw new UsageError(`${source}: the payload must be a JSON object, not ${Array.isArray(payload) ? 'an array' : typeof payload}`);
  }
  const params: Params = { path: {}, query: {} };
  const structured = ['query', 'path', 'body'].some((k) => k in payload) &&
    Object.keys(payload).every((k) => k === 'query' || k === 'path' || k === 'body');
  if (!structured) {
    for (const [name, value] of Object.entries(payload)) place(operation, params, name, value, source, false);
    return params;
  }
  for (const part of ['query', 'path'] as const) {
    const values = payload[part];
    if (values === undefined) continue;
    if (!isPlainObject(values)) throw new UsageError(`${source}: "${part}" must be a JSON object`);
    for (const [name, value] of Object.entries(values)) {
      if (part === 'path') params.path[name] = String(asWireValue(name, value, source));
      else params.query[name] = asWireValue(name, value, source);
    }
  }
  if ('body' in payload) params.body = payload.body;
  return params;
}

/** Merges the layers of a request spec; later layers win (URL < payload < --param). */
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
