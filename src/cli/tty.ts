import { fstatSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Tty from 'node:tty';

// Whether a descriptor is a terminal, asked without loading node:tty (which loads net and the stream modules) for
// output that cannot be one. Kept because the plain way costs the bench: tty.isatty or process.stdout.isTTY on every
// run adds 4–6% to a cold `validate` writing to /dev/null or a pipe (callgrind: 134M → 140–144M instructions), past
// the cold-validate row's 1.5× target. A real terminal loads node:tty either way.
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
