// history.jsonl: one line per run, so "is it me or is it the API?" can be answered from past runs.
import { closeSync, fstatSync, mkdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { NotRegularFileError, absoluteDir, appendBytes, openForAppend, openRegularForRead } from '../shared/files.js';
import { join } from 'node:path';
import type { Verdict } from '../types.js';

export const HISTORY_FILE = 'history.jsonl';

export interface HistoryEntry {
  time: string;
  endpoint: string;
  operationId: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  verdict: Verdict;
  durationMs: number;
  requestsSent: number;
  /** The row that explains the run best (report/json.ts headline); absent in lines written by older versions. */
  headline?: string;
}

export interface History {
  entries: HistoryEntry[];
  /** Runs per HTTP status ('not-sent' when the check sent nothing, 'no-response' when a request got no answer). */
  byStatus: Record<string, number>;
  byEndpoint: Record<string, { runs: number; byStatus: Record<string, number> }>;
  /** Lines that were not a valid entry (corrupt, truncated, or from an incompatible version). */
  skipped: number;
  /** The limit left older lines unread: the counts cover the entries listed only. */
  older?: boolean;
}

/**
 * Writes of at most PIPE_BUF bytes with O_APPEND land whole and in order on local file systems, so concurrent
 * runs cannot interleave inside a line. Entries are far smaller; long fields are cut to stay under it.
 */
const MAX_LINE_BYTES = 4000;
const VERDICTS: ReadonlySet<string> = new Set(['pass', 'client-error', 'server-error', 'network-error']);

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function historyLine(entry: HistoryEntry): string {
  const clean: HistoryEntry = {
    time: String(entry.time),
    endpoint: String(entry.endpoint),
    operationId: String(entry.operationId),
    status: typeof entry.status === 'number' && Number.isFinite(entry.status) ? entry.status : null,
    verdict: entry.verdict,
    durationMs: Number.isFinite(entry.durationMs) ? Math.round(entry.durationMs) : 0,
    requestsSent: Number.isFinite(entry.requestsSent) ? entry.requestsSent : 0,
    ...(typeof entry.headline === 'string' && entry.headline ? { headline: cut(entry.headline, 300) } : {}),
  };
  let line = JSON.stringify(clean) + '\n';
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
    clean.endpoint = cut(clean.endpoint, 500);
    clean.operationId = cut(clean.operationId, 200);
    clean.time = cut(clean.time, 64);
    if (clean.headline) clean.headline = cut(clean.headline, 120);
    line = JSON.stringify(clean) + '\n';
  }
  return line;
}

/**
 * Appends one entry as one complete line with a single O_APPEND write. Direct calls, as for the report files:
 * each is one quick system call, and a trip through the thread pool would cost more than the work.
 */
export async function appendHistory(dir: string, entry: HistoryEntry, scrub: (text: string) => string = (t) => t): Promise<void> {
  mkdirSync(absoluteDir(dir), { recursive: true, mode: 0o700 });
  const file = join(dir, HISTORY_FILE);
  let opened: { fd: number; readable: boolean };
  try {
    // Never through a symbolic link: one placed there would have each run append a line to a file elsewhere
    // (or create one where the link points). A FIFO there would block the run forever: refused.
    opened = openForAppend(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new HistoryWriteError(file, 'it is a symbolic link; not followed');
    if (err instanceof NotRegularFileError || (err as NodeJS.ErrnoException).code === 'ENXIO') throw new HistoryWriteError(file, 'it is not a regular file');
    throw err;
  }
  const fd = opened.fd;
  try {
    const line = appendBytes(fd, opened.readable, scrub(historyLine(entry)));
    let done = 0;
    while (done < line.length) done += writeSync(fd, line, done);
  } finally {
    closeSync(fd);
  }
}

/** history.jsonl could not be written; the reports themselves were. */
export class HistoryWriteError extends Error {
  constructor(file: string, reason: string) {
    super(`history not recorded in ${file}: ${reason}`);
    this.name = 'HistoryWriteError';
  }
}

function isEntry(value: unknown): value is HistoryEntry {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.time === 'string' &&
    typeof v.endpoint === 'string' &&
    typeof v.operationId === 'string' &&
    (v.status === null || typeof v.status === 'number') &&
    typeof v.verdict === 'string' &&
    VERDICTS.has(v.verdict) &&
    typeof v.durationMs === 'number' &&
    typeof v.requestsSent === 'number' &&
    (v.headline === undefined || typeof v.headline === 'string')
  );
}

/**
 * A run without a status either sent nothing (the parameters or the key stopped it, --offline) or sent a
 * request that got no answer: only the second is a real failure to reach the API.
 */
export function statusKey(status: number | null, requestsSent = 1): string {
  if (status !== null) return String(status);
  return requestsSent === 0 ? 'not-sent' : 'no-response';
}

/** Reads the history; with a limit, only the most recent entries (and the counts cover just those). */
export async function readHistory(dir: string, limit?: number): Promise<History> {
  const file = join(dir, HISTORY_FILE);
  const { entries, skipped, older } = limit !== undefined && limit >= 0 ? readRecent(file, limit) : { ...readAll(file), older: false };

  const byStatus: Record<string, number> = {};
  const byEndpoint: History['byEndpoint'] = {};
  for (const e of entries) {
    const key = statusKey(e.status, e.requestsSent);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    const ep = (byEndpoint[e.endpoint] ??= { runs: 0, byStatus: {} });
    ep.runs++;
    ep.byStatus[key] = (ep.byStatus[key] ?? 0) + 1;
  }
  return { entries, byStatus, byEndpoint, skipped, ...(older ? { older } : {}) };
}

/** Adds one line to what was found: an entry, or a count of unreadable lines. */
function takeLine(text: string, into: { entries: HistoryEntry[]; skipped: number }): void {
  if (text.trim() === '') return;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isEntry(parsed)) into.entries.push(parsed);
    else into.skipped++;
  } catch {
    into.skipped++;
  }
}

function readAll(file: string): { entries: HistoryEntry[]; skipped: number } {
  const found = { entries: [] as HistoryEntry[], skipped: 0 };
  const fd = openHistory(file);
  if (fd === null) return found;
  let text: string;
  try {
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  for (const line of text.split('\n')) takeLine(line, found);
  return found;
}

/** The history opened for reading (a FIFO or device refused without blocking); null when there is none yet. */
function openHistory(file: string): number | null {
  try {
    return openRegularForRead(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const TAIL_CHUNK = 64 * 1024;
/** Our lines stay under MAX_LINE_BYTES; anything far longer is not an entry and is skipped without being held. */
const LONGEST_LINE = 16 * MAX_LINE_BYTES;

/**
 * The last `limit` entries, read backwards from the end of the file in chunks: `history --limit 5` on a history
 * of hundreds of megabytes reads a few kilobytes, and memory stays flat whatever the file holds.
 */
function readRecent(file: string, limit: number): { entries: HistoryEntry[]; skipped: number; older?: boolean } {
  const found: { entries: HistoryEntry[]; skipped: number; older?: boolean } = { entries: [], skipped: 0 };
  if (limit === 0) return found;
  const fd = openHistory(file);
  if (fd === null) return found;
  try {
    let pos = fstatSync(fd).size;
    const chunk = Buffer.allocUnsafe(TAIL_CHUNK);
    // The start of a line whose beginning is in a chunk not read yet; `overlong` when it was too long to keep.
    let tail = Buffer.alloc(0);
    let overlong = false;
    const lineDone = (bytes: Buffer | null) => {
      if (bytes) takeLine(bytes.toString('utf8'), found);
      else found.skipped++;
      tail = Buffer.alloc(0);
      overlong = false;
    };
    while (pos > 0 && found.entries.length < limit) {
      const size = Math.min(TAIL_CHUNK, pos);
      pos -= size;
      readSync(fd, chunk, 0, size, pos);
      let end = size;
      for (let i = size - 1; i >= 0 && found.entries.length < limit; i--) {
        if (chunk[i] !== 10) continue;
        lineDone(overlong ? null : Buffer.concat([chunk.subarray(i + 1, end), tail]));
        end = i;
      }
      if (found.entries.length >= limit) {
        // Anything but blank space before the last line read is an older run left out.
        found.older = pos > 0 || chunk.subarray(0, end).toString('utf8').trim() !== '';
        break;
      }
      if (!overlong) tail = Buffer.concat([chunk.subarray(0, end), tail]);
      if (tail.length > LONGEST_LINE) {
        overlong = true;
        tail = Buffer.alloc(0);
      }
    }
    if (pos === 0 && found.entries.length < limit && (overlong || tail.length > 0)) lineDone(overlong ? null : tail);
  } finally {
    closeSync(fd);
  }
  found.entries.reverse();
  return found;
}

