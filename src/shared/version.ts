import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The package version, read from package.json on first use (dist/shared/version.js and the bundle dist/bundle/cli.cjs both sit two levels below it). */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

export const TOOL_NAME = 'mashvisor-preflight';
