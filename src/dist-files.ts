// Files the build puts next to the compiled code (dist/catalog.json, dist/validators/*). Only modules at the top of
// src/ may locate them with import.meta.url: the tsc output and the CLI bundle agree on where those modules sit
// (directly in dist/), but not on where nested ones do.

/** A file under dist/, e.g. distFile('validators/report.js'). */
export function distFile(path: string): URL {
  return new URL(`./${path}`, import.meta.url);
}
