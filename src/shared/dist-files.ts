import { createRequire } from 'node:module';

// Files the build puts in dist/ (dist/catalog.json, dist/validators/*), found from this module's own URL. The tsc
// output of this file (dist/shared/dist-files.js) and the CLI bundle (dist/bundle/cli.cjs) both sit one folder below
// dist/, so one relative path serves both.

/** A file under dist/, e.g. distFile('validators/report.cjs'). */
export function distFile(path: string): URL {
  return new URL(`../${path}`, import.meta.url);
}

let requireHere: NodeJS.Require | undefined;

/** Loads a CommonJS file under dist/ (the compiled validators): require() is far cheaper than a first import(). */
export function requireDist<T>(path: string): T {
  requireHere ??= createRequire(import.meta.url);
  return requireHere(`../${path}`) as T;
}
