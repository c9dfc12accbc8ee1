import type { CheckArgs } from './check.js';

/** check --from-curl / --from-har / --collection: null when none is given. */
export async function specsFromInput(args: CheckArgs): Promise<number | null> {
  if (!args.fromCurl && !args.fromHar && !args.collection) return null;
  return null;
}
