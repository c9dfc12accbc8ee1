import { createRequire } from 'node:module';

// A check reads every byte of a huge answer to count it. Node reads a socket into fresh 64 KiB buffers, and V8
// frees dead ones only when its young heap fills, which a fast 300 MiB body does far more slowly than it fills
// ~50 MiB of memory with dead reads. A young-generation collection every 2 MiB past the kept part costs well
// under a millisecond and keeps peak memory flat. The CLI only: a library must not change its host's V8 flags.
let collect: ((options: { type: 'minor' }) => void) | null | undefined;

/** Runs a young-generation collection; the first call enables V8's gc() for a private context. */
export function collectYoungGarbage(): void {
  if (collect === undefined) {
    try {
      // Required here, not imported: most checks never get this far, and node:v8 would load before sending.
      const load = createRequire(import.meta.url);
      (load('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
      collect = (load('node:vm') as typeof import('node:vm')).runInNewContext('gc') as typeof collect;
    } catch {
      collect = null;
    }
  }
  collect?.({ type: 'minor' });
}
