// history.jsonl: one line per run, so "is it me or is it the API?" can be answered from past runs.
import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
}

export interface History {
  entries: HistoryEntry[];
  /** Runs per HTTP status ('no-response' when there was none). */
  byStatus: Record<string, number>;
  byEndpoint: Record<string, { runs: number; byStatus: Record<string, number> }>;
  /** Lines that were not a valid entry (corrupt, truncated, or from an incompatible version). */
  skipped: number;
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
  };
  let line = JSON.stringify(clean) + '\n';
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
    clean.endpoint = cut(clean.endpoint, 500);
    clean.operationId = cut(clean.operationId, 200);
    clean.time = cut(clean.time, 64);
    line = JSON.stringify(clean) + '\n';
  }
  return line;
}

/**
 * Appends one entry as one complete line with a single O_APPEND write. Direct calls, as for the report files:
 * each is one quick system call, and a trip through the thread pool would cost more than the work.
 */
export async function appendHistory(dir: string, entry: HistoryEntry): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  appendFileSync(join(dir, HISTORY_FILE), Buffer.from(historyLine(entry), 'utf8'), { flag: 'a', mode: 0o600 });
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
    typeof v.requestsSent === 'number'
  );
}

export function statusKey(status: number | null): string {
  return status === null ? 'no-response' : String(status);
}

/** Reads the history; with a limit, only the most recent entries (and the counts cover just those). */
export async function readHistory(dir: string, limit?: number): Promise<History> {
  let text = '';
  try {
    text = await readFile(join(dir, HISTORY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let entries: HistoryEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isEntry(parsed)) entries.push(parsed);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  if (limit !== undefined && limit >= 0) entries = limit === 0 ? [] : entries.slice(-limit);

  const byStatus: Record<string, number> = {};
  const byEndpoint: History['byEndpoint'] = {};
  for (const e of entries) {
    const key = statusKey(e.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    const ep = (byEndpoint[e.endpoint] ??= { runs: 0, byStatus: {} });
    ep.runs++;
    ep.byStatus[key] = (ep.byStatus[key] ?? 0) + 1;
  }
  return { entries, byStatus, byEndpoint, skipped };
}
