// JSON.parse without a throw, for text a server or an input file sent: both the checks and the report builder read
// bodies this way, so it lives where both may use it. Bounded: a body nested too deep or too large to lay out is
// refused with a reason rather than parsed (see json-bounds.ts).
import { parseBoundedJson, type BoundedParse } from './json-bounds.js';

export type { BoundedParse } from './json-bounds.js';

export function parseJson(text: string): BoundedParse {
  return parseBoundedJson(text);
}
