import { readFileSync } from 'node:fs';
import type { Operation } from '../types.js';

let operations: Operation[] | undefined;

/** The endpoint catalog compiled from schemas/endpoints at build time (dist/catalog.json). Read once, on first use. */
export function loadCatalog(): Operation[] {
  // Every built copy of this file (tsc output, CLI bundle, library bundles) sits one folder below dist/.
  operations ??= JSON.parse(readFileSync(new URL('../catalog.json', import.meta.url), 'utf8')) as Operation[];
  return operations;
}

export function findByOperationId(id: string): Operation | undefined {
  const wanted = id.toLowerCase();
  return loadCatalog().find((op) => op.operationId.toLowerCase() === wanted);
}

/** The catalog as an OpenAPI 3.1 document (dist/openapi.json, generated from schemas/ at build time), as text. */
export function openapiText(): string {
  return readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
}
