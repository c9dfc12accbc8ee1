// What reading a HAR (har.ts) and sanitising one (har-sanitize.ts) both need: the same entry shapes and checks, here
// so that neither file imports the other.
import { InputError } from './raw.js';

export interface HarHeader {
  name: string;
  value: string;
}

/** Both readers require a "log" object before anything else; the message is the same from either. */
export function requireHarLog(har: unknown): void {
  if (!isObject(har) || !isObject((har as { log?: unknown }).log)) {
    throw new InputError('not a HAR file: it has no "log" object');
  }
}

export function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
