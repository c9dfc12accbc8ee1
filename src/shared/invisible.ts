// Invisible format characters (Unicode Cf: zero-width space, joiners, soft hyphen, tags) put between a secret's
// characters leave it readable on screen. The scrubber matches such text with them left out (see Scrubber.scrub).

const INVISIBLE = /\p{Cf}/u;

/**
 * A format character, or an escape that may write one: \\uXXXX, \\u{X}, &#xX; or &#N; (decoded, then judged). Cf
 * starts at U+00AD: the escapes of lower code points ("\\u0000" a million times in a hostile body) are not looked at.
 */
const INVISIBLE_TOKEN = /\p{Cf}|\\+u(?:((?!00(?![aA][dD]))[0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})|&(?:amp;)*#(?:[xX]([0-9a-fA-F]{2,6})|(\d{3,7}));?/gu;

/** Cheap first look: text without any of these needs no second pass. */
export const MAYBE_INVISIBLE = /\p{Cf}|\\u(?:(?!00(?![aA][dD]))[0-9a-fA-F]{4}|\{)|&(?:amp;)*#(?:[xX][0-9a-fA-F]{2}|\d{3})/u;

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
    const cp = hex !== undefined ? parseInt(hex, 16) : m[4] !== undefined ? parseInt(m[4], 10) : null;
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
