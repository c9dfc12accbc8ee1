import { parseJsonText, readInputText } from './params.js';
import { UsageError } from '../shared/errors.js';
import { buildSpec } from './build.js';
import type { RequestSpec } from '../types.js';

export interface SpecInput {
  endpoint?: string;
  param?: string[];
  payload?: string;
}

/** The --payload file (or stdin), parsed; undefined when none is given. */
export async function readPayload(file: string | string[] | undefined): Promise<{ value: unknown; source: string } | undefined> {
  // yargs turns a repeated string option into a list.
  if (Array.isArray(file)) throw new UsageError('--payload may be given once (merge the files, or add --param)');
  if (file === undefined) return undefined;
  const source = file === '-' ? 'payload from stdin' : file;
  return { value: parseJsonText(await readInputText(file, 'payload'), source), source };
}

/** Endpoint + --payload + --param → the request, through the one builder (URL values < payload < flags). */
export async function resolveRequest(input: SpecInput): Promise<RequestSpec> {
  if (!input.endpoint) return buildSpec({ origin: 'flags', endpoint: '' });
  const payload = await readPayload(input.payload);
  return buildSpec({ origin: 'flags', endpoint: input.endpoint, ...(payload ? { payload } : {}), paramFlags: input.param ?? [] });
}
