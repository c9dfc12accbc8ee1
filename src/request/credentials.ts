// What the user hands the request builder besides the request itself: the key (--key, --key-file or
// MASHVISOR_API_KEY) and extra headers (-H). Read here, on the request side, by every command that sends.
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { notRegularReason } from '../shared/files.js';
import { UsageError } from '../shared/errors.js';
import { describeFsError } from './params.js';
import type { KeySource } from '../types.js';

/** Far more than any key; a larger file is not a key file (and reading it whole could exhaust memory). */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export interface FoundKey {
  key?: string;
  keySource?: KeySource;
}

/** Reads a key file of at most MAX_KEY_FILE_BYTES: its size is checked first, and the read itself is bounded. */
async function readKeyFile(file: string): Promise<string> {
  let handle;
  try {
    // Non-blocking: a FIFO or device would block open() or read() forever; only a regular file is read.
    handle = await fsp.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw new UsageError(`cannot read key file ${file}: ${describeFsError(err)}`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UsageError(`cannot read key file ${file}: it is a directory`);
    if (!info.isFile()) throw new UsageError(`cannot read key file ${file}: ${notRegularReason(info)}`);
    if (info.size > MAX_KEY_FILE_BYTES) throw new UsageError(`key file ${file} is over 64 KiB: not a key file`);
    // A pipe or a device has no size: read one byte past the limit to know.
    const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let got = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, got, buffer.length - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
      if (got > MAX_KEY_FILE_BYTES) throw new UsageError(`key file ${file} is over 64 KiB: not a key file`);
    }
    return buffer.subarray(0, got).toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read key file ${file}: ${describeFsError(err)}`);
  } finally {
    await handle.close();
  }
}

/**
 * The key from --key, --key-file or MASHVISOR_API_KEY, and where it came from. The caller registers it with its
 * output boundary before anything else is printed.
 */
export async function readKey(args: { key?: string; keyFile?: string }): Promise<FoundKey> {
  if (args.key !== undefined) return { key: args.key, keySource: 'flag' };
  // A key file ends with a newline by convention; anything else around the key is reported by the auth check.
  if (args.keyFile) return { key: (await readKeyFile(args.keyFile)).replace(/\r?\n$/, ''), keySource: 'file' };
  // Empty or blank is no key given, the same as unset (a shell's KEY= or KEY=" ").
  if (process.env.MASHVISOR_API_KEY?.trim()) return { key: process.env.MASHVISOR_API_KEY, keySource: 'env' };
  return {};
}

/** An HTTP header name is one token (RFC 9110); anything else would fail only when the request is sent. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * -H "Name: value" flags. A malformed one is a usage error that quotes none of the flag: a header missing its colon
 * ("x-api-key KEY") is most often a key, and the message must not print it.
 */
export function parseHeaderFlags(flags: string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, flag] of flags.entries()) {
    const colon = flag.indexOf(':');
    const which = flags.length > 1 ? `--header #${i + 1}` : '--header';
    if (colon < 0) throw new UsageError(`${which} must look like "Name: value" (no colon found; its text is not shown, as it may hold a key)`);
    // A line break would end the header there and start another one.
    if (/[\r\n]/.test(flag)) throw new UsageError(`${which} must be on one line (it holds a line break)`);
    const name = flag.slice(0, colon).trim();
    if (!HEADER_NAME.test(name)) throw new UsageError(`${which}: the header name must be one word of letters, digits and - (as in "x-api-key: ...")`);
    headers[name] = flag.slice(colon + 1).trim();
  }
  return headers;
}
