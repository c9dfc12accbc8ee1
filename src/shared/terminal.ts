// Terminal safety: text a server or an input file sent (an error message, a reason phrase, a header value, a
// batch line's endpoint) may carry ESC sequences that set the window title, clear the screen or rewrite what was
// printed, or BEL and C1 controls. Everything the CLI prints passes escapeControls at its one output boundary
// (cli/output.ts); text laid out in a table is escaped before the layout (cellText), so widths stay right and the
// only raw escapes left are the tool's own colours.
// Bidirectional overrides and isolates (U+202A-202E, U+2066-2069, U+200E/F, U+061C) are controls too: they reorder
// what the terminal shows, so a line could read differently from what it holds. So is every other invisible format
// character (Unicode category Cf: zero-width space and joiners, BOM, soft hyphen, tag characters) and the line and
// paragraph separators U+2028/2029: each would hide text or break a line where none is seen.
export const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;
const CONTROL_OR_SGR = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/gu;
const OWN_SGR = /^\u001b\[(?:0|1|22|31|32|33|39|90)m$/;

// C0 as \x1b; DEL and C1 as \u0085, which reads as well and is also a valid escape inside a JSON string (JSON.stringify
// escapes C0 itself but leaves DEL and C1 raw), so --json output stays valid JSON.
// A character outside the BMP (a tag character) is written as its two \u halves, which JSON reads back as one.
function hex(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return `\\x${code.toString(16).padStart(2, '0')}`;
  return Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

/** The text with every control character but newline and tab shown as \xHH; keepColour keeps our own SGR codes. */
export function escapeControls(text: string, keepColour = false): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL_OR_SGR, (m) => (m.startsWith('\u001b[') && m.length > 2 ? (keepColour && OWN_SGR.test(m) ? m : hex('\u001b') + m.slice(1)) : hex(m)));
}

/** For a table cell or any piece of untrusted text laid out before printing: no control character at all. */
export function cellText(text: unknown): string {
  return escapeControls(text === null || text === undefined ? '' : String(text));
}


const RAW_IN_JSON = /[\u007f-\u009f]/;

/**
 * JSON text with DEL and C1 written as \u escapes. JSON.stringify escapes C0 itself but leaves these raw, and a
 * report file is shown with cat as often as it is parsed: the value read back is the same.
 */
export function jsonWithoutControls(text: string): string {
  if (!RAW_IN_JSON.test(text)) return text;
  return text.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
