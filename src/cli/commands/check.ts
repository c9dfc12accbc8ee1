import { UsageError } from '../../shared/errors.js';
import { registerKeyParams, registerSecret } from '../output.js';
import { isPlainObject } from '../../request/params.js';
import { DIRECT_BASE_URL, RAPIDAPI_BASE_URL } from '../../catalog/resolve.js';
import { resolveRequest } from '../../request/spec.js';
import { parseIntendedRate } from '../../checks/ratelimit.js';
import { parseHeaderFlags, readKey, runOne, type CheckArgs } from '../run-check.js';
import type { KeySource, Mode, RequestSpec } from '../../types.js';

// Re-exported for code that still imports them from here; they live in cli/run-check.ts, which both check and its
// inputs use, so that neither command imports the other.
export { formatsFor, parseHeaderFlags, readKey, renderChecks, runOne, saveReport, verdictLine, type CheckArgs } from '../run-check.js';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function checkUsage(args: CheckArgs): void {
  for (const [name, value] of [['timeout', args.timeout], ['max-requests', args.maxRequests], ['probe', args.probe]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new UsageError(`--${name} must be a whole number ≥ 0`);
  }
  if (args.timeout === 0) throw new UsageError('--timeout must be at least 1 ms');
  if (args.rate !== undefined && parseIntendedRate(args.rate) === null) {
    throw new UsageError(`--rate ${JSON.stringify(args.rate)} must look like 5/s or 100/min`);
  }
  if (args.baseUrl !== undefined && !isHttpUrl(args.baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got ${JSON.stringify(args.baseUrl)}`);
}

function modeOf(args: CheckArgs, hinted?: Mode): Mode {
  if (args.rapidapi) return 'rapidapi';
  if (args.baseUrl && /rapidapi\.com/i.test(args.baseUrl)) return 'rapidapi';
  return hinted ?? 'direct';
}

async function specFromFlags(args: CheckArgs): Promise<RequestSpec> {
  if (!args.endpoint) throw new UsageError('name an endpoint (e.g. getRentalRates), or use --from-curl, --from-har or --collection');
  const { resolved, params } = await resolveRequest({ endpoint: args.endpoint, param: args.param, payload: args.payload });
  registerKeyParams(params.query);
  if (isPlainObject(params.body)) registerKeyParams(params.body);
  const urlMode = resolved.baseUrl ? resolved.mode : undefined;
  const mode = modeOf(args, urlMode);
  const baseUrl = args.baseUrl ?? resolved.baseUrl ?? (mode === 'rapidapi' ? RAPIDAPI_BASE_URL : DIRECT_BASE_URL);
  return { operation: resolved.operation, params, mode, baseUrl, origin: 'flags', ...(await readKey(args)), ...keyFromHeaderFlags(args) };
}

/** No --key, --key-file or MASHVISOR_API_KEY, but -H "x-api-key: ..." (or x-rapidapi-key): that is the key. */
function keyFromHeaderFlags(args: CheckArgs): { key?: string; keySource?: KeySource } {
  if (args.key !== undefined || args.keyFile || process.env.MASHVISOR_API_KEY) return {};
  const headers = parseHeaderFlags(args.header);
  const found = Object.entries(headers).find(([name]) => /^(x-api-key|x-rapidapi-key)$/i.test(name));
  if (!found) return {};
  registerSecret(found[1]);
  return { key: found[1], keySource: 'flag' };
}

export async function run(args: CheckArgs): Promise<number> {
  checkUsage(args);
  const { specsFromInput } = await import('./inputs.js');
  const fromInput = await specsFromInput(args);
  if (fromInput !== null) return fromInput;
  const spec = await specFromFlags(args);
  return runOne(spec, args);
}

