import { createRequire } from 'node:module';

// Files the build puts next to the compiled code (dist/catalog.json, dist/validators/*). Only modules at the top of
// src/ may locate them with import.meta.url: the tsc output and the CLI bundle agree on where those modules sit
// (directly in dist/), but not on where nested ones do.

/** A file under dist/, e.g. distFile('validators/report.cjs'). */
export function distFile(path: string): URL {
  return new URL(`./${path}`, import.meta.url);
}

let requireHere: NodeJS.Require | undefined;

/** Loads a CommonJS file under dist/ (the compiled validators): require() is far cheaper than a first import(). */
export function requireDist<T>(path: string): T {
  requireHere ??= createRequire(import.meta.url);
  return requireHere(`./${path}`) as T;
}
