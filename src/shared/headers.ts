// HTTP header names are case-insensitive, and every input spells them its own way (curl as typed, HAR as the
// browser saw them, Postman as the user wrote them): one lookup for all of them.

/** A header's value by name, whatever its case; undefined when absent. */
export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function hasHeader(headers: Record<string, string>, name: string): boolean {
  return findHeader(headers, name) !== undefined;
}
