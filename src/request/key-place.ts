import { findHeader } from '../shared/headers.js';
import { isKeyParam } from '../shared/redact.js';

// Where a request carries its key. The request builder needs it (a key the input carried, a key put where the
// input had one) and the key check names the mistakes; it lives here, before both, so that building a request
// loads no check.

/** Header names people give the key by mistake (the documented ones are x-api-key and x-rapidapi-key). */
export const MISSPELLED_KEY_HEADER = /^(x[-_]?api[-_]?key|x[-_]?apikey|api[-_]?key|apikey|x[-_]api[-_]token|x[-_]?mashvisor[-_]?key|key)$/i;

/**
 * The key a request carries, wherever it put it: the documented headers first, then the usual mistakes
 * (a Bearer token, a misspelled header, the query string), which the key check then names.
 */
export function keyCarriedBy(headers: Record<string, string>, query: Record<string, unknown>): string | undefined {
  const documented = findHeader(headers, 'x-api-key') ?? findHeader(headers, 'x-rapidapi-key');
  if (documented !== undefined) return documented;
  const bearer = /^bearer\s+(.+)$/i.exec(findHeader(headers, 'authorization') ?? '')?.[1]?.trim();
  if (bearer) return bearer;
  const misnamed = Object.entries(headers).find(([name]) => MISSPELLED_KEY_HEADER.test(name))?.[1];
  if (misnamed !== undefined) return misnamed;
  const inQuery = Object.entries(query).find(([name]) => isKeyParam(name))?.[1];
  return typeof inQuery === 'string' ? inQuery : undefined;
}
