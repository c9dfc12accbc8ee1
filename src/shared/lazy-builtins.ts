import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Os from 'node:os';

// Node built-ins that are slow to load and that a quick `validate` does not need. A static import loads them as
// soon as the importing module is evaluated; these load on first call. (node:fs/promises is reached as
// fs.promises at call time for the same reason: it pulls in streams and readline.)
const load = createRequire(import.meta.url);

export const nodeCrypto = (): typeof Crypto => load('node:crypto') as typeof Crypto;
export const nodeOs = (): typeof Os => load('node:os') as typeof Os;
