// The ajv validators the build compiles from schemas/ (dist/validators/<name>.cjs). The path is written out in the
// import so that esbuild sees it: the CLI bundle and the library's bundles carry every validator as a lazy module,
// loaded on first use, while the plain tsc output imports the file from dist/validators.

/** A compiled validator by file name: `getRentalRates.params`, `report`. Throws when dist/ was not built. */
export async function compiledValidator<T>(name: string): Promise<T> {
  return ((await import(`../../dist/validators/${name}.cjs`)) as { default: T }).default;
}
