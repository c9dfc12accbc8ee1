import { UsageError } from '../shared/errors.js';
import { isPlainObject, mergeParams, paramsFromPayload } from '../request/params.js';
import { runPreflight as runSpec, type PreflightOptions } from '../preflight.js';
import { DIRECT_BASE_URL, RAPIDAPI_BASE_URL, resolveEndpoint } from '../catalog/resolve.js';
import { validateParams } from '../catalog/validate.js';
import type { Params, Report, RequestSpec, ValidationResult } from '../types.js';

/** A request as a library user writes it. */
export interface PreflightRequest {
  /** operationId, path template, concrete path, RapidAPI path, or full URL. */
  endpoint: string;
  /** Flat parameters ({ state: 'CA', page: 2 }) or { query, path, body }. */
  params?: Record<string, unknown>;
  key?: string;
  baseUrl?: string;
  rapidapi?: boolean;
  /** The headers your app sends, if you want the auth check to inspect them. */
  headers?: Record<string, string>;
}

function isSpec(value: PreflightRequest | RequestSpec): value is RequestSpec {
  return 'operation' in value && 'params' in value && 'mode' in value;
}

/** PreflightRequest → RequestSpec: resolves the endpoint and places each parameter where it travels. */
export function toSpec(request: PreflightRequest | RequestSpec): RequestSpec {
  if (isSpec(request)) return request;
  const resolved = resolveEndpoint(request.endpoint);
  const layers: Params[] = [{ path: resolved.path, query: resolved.query }];
  if (request.params !== undefined) {
    if (!isPlainObject(request.params)) throw new UsageError('params must be an object');
    layers.push(paramsFromPayload(resolved.operation, request.params, 'params'));
  }
  const mode = request.rapidapi || (resolved.baseUrl && resolved.mode === 'rapidapi') ? 'rapidapi' : 'direct';
  const baseUrl = request.baseUrl ?? resolved.baseUrl ?? (mode === 'rapidapi' ? RAPIDAPI_BASE_URL : DIRECT_BASE_URL);
  const spec: RequestSpec = { operation: resolved.operation, params: mergeParams(resolved.operation, layers), mode, baseUrl, origin: 'library' };
  if (request.key !== undefined) Object.assign(spec, { key: request.key, keySource: 'option' as const });
  if (request.headers) spec.inputHeaders = request.headers;
  return spec;
}

/** Offline: are the parameters what the documentation asks for? No key, no network. */
export async function validateRequest(request: PreflightRequest | RequestSpec): Promise<ValidationResult> {
  const spec = toSpec(request);
  return validateParams(spec.operation, spec.params, spec);
}

/** The whole checklist with at most one request by default (none when the parameters are invalid). */
export async function runPreflight(request: PreflightRequest | RequestSpec, options: PreflightOptions = {}): Promise<Report> {
  return runSpec(toSpec(request), options);
}
