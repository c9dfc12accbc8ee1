// JSON.parse without a throw, for text a server or an input file sent: both the checks and the report builder read
// bodies this way, so it lives where both may use it.

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
