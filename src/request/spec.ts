import { mergeParams, paramsFromPayload, parseJsonText, readInputText } from './params.js';
import { UsageError } from '../shared/errors.js';
import { resolveEndpoint, type ResolvedEndpoint } from '../catalog/resolve.js';
import type { Params } from '../types.js';

export interface SpecInput {
  endpoint?: string;
  param?: string[];
  payload?: string;
}

export interface ResolvedRequest {
  resolved: ResolvedEndpoint;
  params: Params;
}

/** Endpoint + --payload + --param → the operation and its parameters (URL values < payload < flags). */
export async function resolveRequest(input: SpecInput): Promise<ResolvedRequest> {
  // yargs turns a repeated string option into a list.
  if (Array.isArray(input.payload)) throw new UsageError('--payload may be given once (merge the files, or add --param)');
  const resolved = resolveEndpoint(input.endpoint);
  const layers: Params[] = [{ path: resolved.path, query: resolved.query }];
  if (input.payload !== undefined) {
    const source = input.payload === '-' ? 'payload from stdin' : input.payload;
    const payload = parseJsonText(await readInputText(input.payload), source);
    layers.push(paramsFromPayload(resolved.operation, payload, source));
  }
  const params = mergeParams(resolved.operation, layers, input.param ?? []);
  const clash = pathConflict(resolved.path, params.path, input.endpoint ?? '');
  if (clash) throw new UsageError(clash);
  return { resolved, params };
}

/**
 * A value written in the concrete path and given again (--param, --payload) with another value: sending either
 * would not be the request the user wrote, so it is refused, naming both.
 */
export function pathConflict(fromPath: Record<string, string>, merged: Record<string, string>, endpoint: string): string | null {
  for (const [name, written] of Object.entries(fromPath)) {
    const given = merged[name];
    if (given !== undefined && given !== written) {
      return `${name} is ${JSON.stringify(written)} in the path (${endpoint}) but ${JSON.stringify(given)} as a parameter: give it once, in the path or as ${name}=...`;
    }
  }
  return null;
}
