import { createRequire } from 'node:module';

// The ajv validators the build compiles from schemas/, one CommonJS file per operation in dist/validators. They are
// read with require() when first used, not bundled: putting all 57 into the CLI bundle (esbuild follows an import()
// written with the path) makes every cold `validate` read 0.6 MB more and costs it ~0.5 ms, 2–3% of the bench's
// cold-validate row, which sits at its 1.5× target. Every built copy of this file (the tsc output, the CLI bundle,
// the library bundles) sits one folder below dist/, so one relative path serves them all.
let requireHere: NodeJS.Require | undefined;

/** A compiled validator by file name: `getRentalRates.params`, `report`. Throws when dist/ was not built. */
export async function compiledValidator<T>(name: string): Promise<T> {
  requireHere ??= createRequire(import.meta.url);
  return requireHere(`../validators/${name}.cjs`) as T;
}
