import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

// Node built-ins that take milliseconds to load and that a quick `validate` never touches. A static import loads them
// as soon as the importing module is evaluated; these load on first call. (node:fs/promises is reached as
// fs.promises at call time for the same reason: it pulls in streams and readline.)
const load = createRequire(import.meta.url);

export const nodeCrypto = (): typeof Crypto => load('node:crypto') as typeof Crypto;
