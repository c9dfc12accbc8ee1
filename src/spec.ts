import { mergeParams, paramsFromPayload, parseJsonText, readInputText } from './params.js';
import { resolveEndpoint, type ResolvedEndpoint } from './resolve.js';
import type { Params } from './types.js';

export interface SpecInput {
  endpoint: string;
  param?: string[];
  payload?: string;
}

export interface ResolvedRequest {
  resolved: ResolvedEndpoint;
  params: Params;
}

/** Endpoint + --payload + --param → the operation and its parameters (URL values < payload < flags). */
export async function resolveRequest(input: SpecInput): Promise<ResolvedRequest> {
  const resolved = resolveEndpoint(input.endpoint);
  const layers: Params[] = [{ path: resolved.path, query: resolved.query }];
  if (input.payload) {
    const source = input.payload === '-' ? 'payload from stdin' : input.payload;
    const payload = parseJsonText(await readInputText(input.payload), source);
    layers.push(paramsFromPayload(resolved.operation, payload, source));
  }
  return { resolved, params: mergeParams(resolved.operation, layers, input.param ?? []) };
}
