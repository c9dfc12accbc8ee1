import { UsageError } from '../shared/errors.js';
import { isPlainObject } from '../request/params.js';
import { buildSpec, secretsOfRequest } from '../request/build.js';
import { runPreflight as runSpec, type PreflightOptions } from '../preflight.js';
import { validateParams } from '../catalog/validate.js';
import type { Problem, Report, RequestSpec, ValidationResult } from '../types.js';
import { isKeyParam, redactParams } from '../shared/redact.js';
import { Scrubber } from '../shared/scrub.js';

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

/** PreflightRequest → RequestSpec, through the same builder as the CLI (same mode rule, same secrets). */
export function toSpec(request: PreflightRequest | RequestSpec, send = false): RequestSpec {
  if (isSpec(request)) return { ...request, secrets: secretsOfRequest(request) };
  if (request.params !== undefined && !isPlainObject(request.params)) throw new UsageError('params must be an object');
  return buildSpec({
    origin: 'library', endpoint: request.endpoint,
    ...(request.params !== undefined ? { payload: { value: request.params, source: 'params' } } : {}),
    ...(request.key !== undefined ? { key: { key: request.key, keySource: 'option' as const } } : {}),
    ...(request.headers ? { inputHeaders: request.headers } : {}),
    ...(request.baseUrl !== undefined ? { baseUrl: request.baseUrl } : {}),
    rapidapi: Boolean(request.rapidapi),
    // Sent by runPreflight: a placeholder key is refused, and a key goes over plain http only to loopback. The base
    // URL is the caller's own choice, so any host may be named.
    send,
  });
}

/** Offline: are the parameters what the documentation asks for? No key, no network. */
export async function validateRequest(request: PreflightRequest | RequestSpec): Promise<ValidationResult> {
  const spec = toSpec(request);
  const result = await validateParams(spec.operation, spec.params, spec);
  // A finding about a key-like parameter does not quote its value; nor does any other text, in any encoding.
  const scrubber = new Scrubber(spec.secrets ?? []);
  const mask = (p: Problem): Problem => (isKeyParam(p.param) && p.value !== undefined ? { ...p, value: redactParams({ [p.param]: p.value })[p.param] } : p);
  return scrubber.deep({ ...result, errors: result.errors.map(mask), warnings: result.warnings.map(mask) });
}

/** The whole checklist with at most one request by default (none when the parameters are invalid). */
export async function runPreflight(request: PreflightRequest | RequestSpec, options: PreflightOptions = {}): Promise<Report> {
  return runSpec(toSpec(request, true), options);
}
