import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Https from 'node:https';
import type * as Os from 'node:os';

// Node built-ins that take milliseconds to load and that a quick `validate`, or a `check` before its request is on
// the wire, does not need. A static import loads them as soon as the importing module is evaluated; these load on
// first call. (node:fs/promises is reached as
// fs.promises at call time for the same reason: it pulls in streams and readline.)
const load = createRequire(import.meta.url);

export const nodeCrypto = (): typeof Crypto => load('node:crypto') as typeof Crypto;
export const nodeOs = (): typeof Os => load('node:os') as typeof Os;
/** https and tls take ~8 ms to load; a check of an http:// URL (the simulator) has no use for them. */
export const nodeHttps = (): typeof Https => load('node:https') as typeof Https;
