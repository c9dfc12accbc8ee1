// Opening the files the tool reads and appends to. A FIFO or a device in a file's place (reports/history.jsonl,
// GITHUB_STEP_SUMMARY, a payload) would block open() or read() forever, after the billed request: every open is
// non-blocking and anything but a regular file is refused with NotRegularFileError, which callers word for the user.
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';

export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  /** For "cannot read X: ..." */
  readonly reason: string;
  constructor(file: string, info: Stats) {
    super(`${file} is ${kindOf(info)}, not a regular file`);
    this.reason = notRegularReason(info);
    this.name = 'NotRegularFileError';
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

/** The reason to show after "cannot read X: ". */
export function notRegularReason(info: Stats): string {
  return `it is ${kindOf(info)}, not a regular file`;
}

/** Throws NotRegularFileError (closing fd) unless fd is a regular file. */
export function requireRegular(fd: number, file: string): Stats {
  const info = fstatSync(fd);
  if (info.isFile()) return info;
  closeSync(fd);
  throw new NotRegularFileError(file, info);
}

/** A regular file opened for reading; a FIFO or device is refused without blocking. */
export function openRegularForRead(file: string): number {
  const fd = openSync(file, fsc.O_RDONLY | fsc.O_NONBLOCK);
  requireRegular(fd, file);
  return fd;
}

/**
 * A regular file opened to append to (created private when missing), never through a symbolic link. Opened for
 * reading too when allowed, so that appendLine can see whether the file ends with a newline.
 */
export function openForAppend(file: string): { fd: number; readable: boolean } {
  const flags = fsc.O_APPEND | fsc.O_CREAT | fsc.O_NOFOLLOW | fsc.O_NONBLOCK;
  let fd: number;
  let readable = true;
  try {
    fd = openSync(file, fsc.O_RDWR | flags, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    fd = openSync(file, fsc.O_WRONLY | flags, 0o600);
    readable = false;
  }
  requireRegular(fd, file);
  return { fd, readable };
}

/**
 * Appends text to a file opened by openForAppend. When the file does not end with a newline (a line cut short by a
 * full disk or a killed run), the text starts on a fresh line, so the cut line stays the only unreadable one.
 * Another process appending at the same moment can be caught halfway through its one write; then the fresh line
 * only adds a blank line between two whole ones, which every reader of these files skips.
 */
export function appendBytes(fd: number, readable: boolean, text: string): Buffer {
  const size = fstatSync(fd).size;
  let lead = '';
  if (readable && size > 0) {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 10) lead = '\n';
  }
  return Buffer.from(lead + text, 'utf8');
}

/** What to say when process.cwd() fails: the directory the command was started in is gone. */
export const CWD_GONE = 'the current directory no longer exists (it was deleted or moved): cd to another one';

/**
 * dir made absolute before anything is created in it. Run from a directory that was deleted, Node's recursive mkdir
 * of a relative path retries forever (ENOENT on the child, EEXIST on "."): resolving it first fails at once instead.
 */
export function absoluteDir(dir: string): string {
  try {
    return resolve(dir);
  } catch (err) {
    throw Object.assign(new Error(CWD_GONE), {
      code: (err as NodeJS.ErrnoException).code ?? 'ENOENT',
    });
  }
}

/**
 * Why a file cannot be written at path by renaming a new one onto it, or null (nothing there, or a regular file).
 * A rename would put a file in place of a device, a FIFO or a symbolic link (as root, /dev/null itself).
 */
export function notReplaceable(path: string): string | null {
  let info: Stats;
  try {
    info = lstatSync(path);
  } catch {
    return null; // nothing there (or not reachable: the write itself will say why)
  }
  if (info.isFile()) return null;
  if (info.isSymbolicLink()) return 'it is a symbolic link (not followed)';
  return info.isDirectory() ? 'it is a directory' : 'it is a FIFO or device, not a regular file';
}

/** A usage error when option's file (e.g. --junit PATH) could not be written in place; nothing when it can. */
export function refuseUnreplaceable(path: string | undefined, option: string): void {
  const why = path === undefined ? null : notReplaceable(path);
  if (why) throw new UsageError(`${option} ${path}: ${why}; name a new or regular file`);
}
