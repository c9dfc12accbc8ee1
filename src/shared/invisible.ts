// Invisible format characters (Unicode Cf: zero-width space, joiners, soft hyphen, tags) put between a secret's
// characters leave it readable on screen. The scrubber matches such text with them left out (see Scrubber.scrub).

const INVISIBLE = /\p{Cf}/u;

/**
 * A format character percent-encoded as UTF-8 (once or more: %25E2). Only the lead bytes that begin one (U+00AD,
 * U+0600-070F, U+0890-FFFB, U+1xxxx, U+Exxxx) are looked for: percent-encoded é or 日 pays nothing here. A test
 * walks every \p{Cf} character, so a Unicode update that adds one elsewhere is noticed.
 */
const CONTINUATION = '%(?:25)*[89abAB][0-9a-fA-F]';
const PERCENT_CHAR = `%(?:25)*(?:(?:[cC]2|[dD][89bBcC])${CONTINUATION}|[eE][012fF](?:${CONTINUATION}){2}|[fF][03](?:${CONTINUATION}){3})`;

/**
 * A format character, or an escape that may write one: \\uXXXX, \\u{X}, &#xX;, &#N; or percent-encoded UTF-8
 * (decoded, then judged). Cf starts at U+00AD: the escapes of lower code points ("\\u0000" a million times in a
 * hostile body) are not looked at.
 */
const INVISIBLE_TOKEN = new RegExp(`\\p{Cf}|\\\\+u(?:((?!00(?![aA][dD]))[0-9a-fA-F]{4})|\\{([0-9a-fA-F]{1,6})\\})|&(?:amp;)*#(?:[xX]([0-9a-fA-F]{2,6})|(\\d{3,7}));?|(${PERCENT_CHAR})`, 'gu');

/** Cheap first look: text without any of these needs no second pass. */
export const MAYBE_INVISIBLE = /\p{Cf}|\\u(?:(?!00(?![aA][dD]))[0-9a-fA-F]{4}|\{)|&(?:amp;)*#(?:[xX][0-9a-fA-F]{2}|\d{3})/u;

/**
 * The same look for a character percent-encoded as UTF-8 ("%E2%80%8B"): only text holding a '%' is given it, so
 * other text pays nothing for it.
 */
export const MAYBE_PERCENT_INVISIBLE = /%(?:25)*(?:[cC]2|[dD][89bBcC]|[eE][012fF]|[fF][03])%(?:25)*[89abAB]/;

/** The code point a percent-encoded UTF-8 sequence writes (its shape already checked by PERCENT_CHAR). */
function percentCodePoint(sequence: string): number {
  const bytes = sequence.split('%').slice(1).map((escape) => parseInt(escape.slice(-2), 16));
  // The lead byte keeps 5, 4 or 3 bits for a sequence of 2, 3 or 4 bytes.
  let cp = bytes[0]! & (0x7f >> bytes.length);
  for (let i = 1; i < bytes.length; i++) cp = (cp << 6) | (bytes[i]! & 0x3f);
  return cp;
}

/** Characters left out before visible position v: `removed` of the last run at or before v. */
function shiftAt(at: number[], removed: number[], v: number): number {
  let lo = 0;
  let hi = at.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! <= v) {
      found = removed[mid]!;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The text with its format characters (raw or escaped) left out, and where each visible position came from in the
 * original; null when there are none. Allocates per character left out, not per character of the text.
 */
export function withoutInvisible(text: string): { visible: string; original: (v: number) => number } | null {
  const at: number[] = [];
  const removed: number[] = [];
  const parts: string[] = [];
  let last = 0;
  let gone = 0;
  for (const m of text.matchAll(INVISIBLE_TOKEN)) {
    const hex = m[1] ?? m[2] ?? m[3];
    const cp = hex !== undefined ? parseInt(hex, 16) : m[4] !== undefined ? parseInt(m[4], 10) : m[5] !== undefined ? percentCodePoint(m[5]) : null;
    if (cp !== null && !(cp <= 0x10ffff && INVISIBLE.test(String.fromCodePoint(cp)))) continue;
    parts.push(text.slice(last, m.index));
    gone += m[0].length;
    at.push(m.index + m[0].length - gone);
    removed.push(gone);
    last = m.index + m[0].length;
  }
  if (at.length === 0) return null;
  parts.push(text.slice(last));
  return { visible: parts.join(''), original: (v) => v + shiftAt(at, removed, v) };
}
