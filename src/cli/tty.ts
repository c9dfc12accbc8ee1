import { fstatSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Tty from 'node:tty';

// Whether a descriptor is a terminal, asked without loading node:tty (which loads net and the stream modules) for
// output that cannot be one. Kept because the plain way costs the bench: process.stdout.isTTY with stream writes
// (cli/output.ts) adds 1.2–1.3 ms to a cold `validate` writing to /dev/null or a pipe (paired runs: 24.0–24.7 →
// 25.2–26.0 ms), taking the cold-validate row from 1.41–1.44× to 1.49–1.51×, its 1.5× edge. A real terminal loads
// node:tty either way.
let devNull: number | null | undefined;

/** A file, a pipe or /dev/null is told by fstat alone; only another character device asks node:tty. */
export function isTerminal(fd: number): boolean {
  try {
    const info = fstatSync(fd);
    if (!info.isCharacterDevice()) return false;
    if (devNull === undefined) {
      try {
        devNull = statSync('/dev/null').rdev;
      } catch {
        devNull = null; // no /dev/null (Windows): ask node:tty
      }
    }
    if (devNull !== null && info.rdev === devNull) return false;
  } catch {
    return false;
  }
  return (createRequire(import.meta.url)('node:tty') as typeof Tty).isatty(fd);
}
