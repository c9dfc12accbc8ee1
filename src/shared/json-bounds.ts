// JSON from a server or an input file is parsed only when working with it stays bounded. JSON.parse itself copes
// with any depth, but everything after it walks the value recursively (redaction, JSON.stringify for the report):
// 5,000 levels overflow the stack, and pretty-printing multiplies a deep value's size by its depth (6 KB of
// nested arrays became an 18 MB report). A linear pre-scan measures both before anything is parsed.

/** Deeper than this, a response body is kept as text. The API's own answers nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** Input files (a payload, a HAR, a collection, a saved report, which holds a body at its own depth plus a few). */
export const MAX_INPUT_DEPTH = 256;

/** A body is kept structured only while its pretty-printed form in the report stays within this multiple... */
const PRETTY_FACTOR = 8;
/** ...plus this much, so that a small body is never turned to text for its shape alone. */
const PRETTY_SLACK = 64 * 1024;
/** How deep a response body sits inside the JSON report (report → response → body), for its indentation. */
const REPORT_DEPTH = 2;

export interface JsonShape {
  /** The deepest nesting seen, up to the first level past the limit (the scan stops there). */
  depth: number;
  tooDeep: boolean;
  /** Characters pretty-printing (2 spaces an indent) would add, an upper estimate. */
  prettyExtra: number;
}

/** One pass over the text: nesting depth and pretty-printing cost, strings skipped. Never throws. */
export function jsonShape(text: string, maxDepth = MAX_JSON_DEPTH, baseDepth = 0): JsonShape {
  let depth = 0;
  let deepest = 0;
  let extra = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash: the next character is escaped
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      // [ or {: a new line and one more indent for the first member
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (depth > maxDepth) return { depth, tooDeep: true, prettyExtra: extra };
      }
      extra += 1 + 2 * (depth + baseDepth);
    } else if (c === 93 || c === 125) {
      depth--;
      extra += 1 + 2 * (Math.max(0, depth) + baseDepth);
    } else if (c === 44) extra += 1 + 2 * (depth + baseDepth);
    else if (c === 58) extra += 1; // ": "
  }
  return { depth: deepest, tooDeep: false, prettyExtra: extra };
}

export type BoundedParse =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'invalid' | 'too-deep' | 'too-large'; depth?: number };

/**
 * JSON.parse for a response body, refused (kept as text) when the value is nested deeper than MAX_JSON_DEPTH or
 * when its pretty-printed form in the report would be more than a small multiple of the body's own size.
 */
export function parseBoundedJson(text: string): BoundedParse {
  const shape = jsonShape(text, MAX_JSON_DEPTH, REPORT_DEPTH);
  if (shape.tooDeep) return { ok: false, reason: 'too-deep', depth: shape.depth };
  if (shape.prettyExtra > (PRETTY_FACTOR - 1) * text.length + PRETTY_SLACK) return { ok: false, reason: 'too-large', depth: shape.depth };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'invalid' };
  }
}

/** Why a body that may be JSON was kept as text, in words for the report; null when it was not refused. */
export function refusedBecause(parsed: BoundedParse): string | null {
  if (parsed.ok || parsed.reason === 'invalid') return null;
  return parsed.reason === 'too-deep'
    ? `the JSON is nested more than ${MAX_JSON_DEPTH} levels deep, so it was kept as text and not read`
    : `the JSON's shape would make it many times larger when laid out, so it was kept as text`;
}

/** The most a kept body may weigh once JSON-escaped in the report. */
export const MAX_ESCAPED_BODY = 2 * 1024 * 1024;

/**
 * The longest beginning of `text` whose JSON-escaped form stays within `max` characters. A body of control
 * characters (a bomb of zero bytes) is written as \u0000 each, six times its size, and every copy made while
 * writing the report costs as much: such a body keeps less of its beginning instead.
 */
export function keepEscapedWithin(text: string, max = MAX_ESCAPED_BODY): string {
  if (text.length * 6 <= max) return text;
  let weight = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    weight += c < 0x20 ? 6 : c === 34 || c === 92 ? 2 : 1;
    if (weight > max) return text.slice(0, i);
  }
  return text;
}
