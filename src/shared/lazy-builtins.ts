import { fstatSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Tty from 'node:tty';

// Node built-ins that are slow to load and that a quick `validate` does not need. A static import loads them as
// soon as the importing module is evaluated; these load on first call. (node:fs/promises is reached as
// fs.promises at call time for the same reason: it pulls in streams and readline.)
const load = createRequire(import.meta.url);

export const nodeCrypto = (): typeof Crypto => load('node:crypto') as typeof Crypto;

let devNull: number | null | undefined;

/**
 * Whether fd is a terminal. Output to a pipe, a file or /dev/null (what scripts, CI and benchmarks give) is told by
 * fstat alone; only a character device other than /dev/null loads node:tty, which loads net and stream with it.
 */
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
  return (load('node:tty') as typeof Tty).isatty(fd);
}
