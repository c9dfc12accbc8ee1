// What every input parser (curl, HAR, Postman, batch) hands to the CLI: a request as the user wrote it,
// before endpoint resolution and validation.
import type { Exchange } from '../types.js';

export interface RawRequest {
  method: string;
  url: string;
  /** Header names as given. A repeated header keeps its last value; the repeat is recorded in `notes`. */
  headers: Record<string, string>;
  body: string | null;
  /** A label for lists: the Postman "Folder / Request" name. */
  name?: string;
  /** 1-based position in the input (HAR entry, collection request), as shown to users. */
  index?: number;
  /** Things the user should know about how the input was read. Never hold header values. */
  notes?: string[];
  /** The exchange as the input recorded it (a HAR entry's response), judged offline like a live answer. */
  recorded?: Exchange;
  /** What set the method, for messages: "-X/--request POST", "-d/--data without -G", "the HAR entry". */
  methodFrom?: string;
  /** The input's shell variables were already expanded (a curl command): its values are what the shell would send. */
  shellExpanded?: boolean;
  /** A key header whose value was only unset shell variables: the command as run sends no key. */
  unsetKey?: { header: string; variables: string[] };
}

/**
 * Bad input: a one-line, user-facing message. The CLI prints it and exits 2.
 * Messages never carry header values or other secrets, only names and positions.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * Sets a header, keeping the last value when a name repeats (compared case-insensitively, as HTTP does)
 * and noting the repeat. The surviving entry takes the spelling of the last occurrence.
 */
/** Far more headers, and header bytes, than any HTTP server takes (Apache's default is 100 fields, nginx 32 KiB). */
export const MAX_HEADERS = 200;
export const MAX_HEADER_BYTES = 64 * 1024;

export function setHeader(headers: Record<string, string>, name: string, value: string, notes: string[]): void {
  const lower = name.toLowerCase();
  const names = Object.keys(headers);
  // Checked as each header is added, so a file with thousands of them is refused before they are walked again.
  if (names.length >= MAX_HEADERS) throw new InputError(`the request has more than ${MAX_HEADERS} headers, more than any server accepts`);
  for (const existing of names) {
    if (existing.toLowerCase() === lower) {
      delete headers[existing];
      const note = `header ${name} is given more than once; the last value is used`;
      if (!notes.includes(note)) notes.push(note);
    }
  }
  headers[name] = value;
}

export { findHeader } from '../shared/headers.js';

/** An HTTP method is one token (RFC 9110): letters, digits and a few marks; anything else cannot be sent. */
export function isMethodToken(method: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method);
}
