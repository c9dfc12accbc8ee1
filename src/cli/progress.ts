import { formatBytes, formatDuration } from '../shared/units.js';
import { clearStatus, showStatus } from './output.js';

/** Wipes the progress line before other output; the next redraw brings it back. */
export const clearProgress = clearStatus;

// Progress where people wait: one line on stderr, redrawn in place, cleared when the wait ends. Imported only when
// stderr is a terminal and the output is not --json (see showsProgress), so a piped or scripted run never loads it.

// Often enough to look alive, rarely enough to cost nothing next to the work it reports on.
const REDRAW_EVERY_MS = 200;

interface Ticker {
  stop(): void;
}

/** Redraws text(elapsed) every REDRAW_EVERY_MS once `quietMs` have passed; a wait shorter than that shows nothing. */
function ticker(text: (elapsedMs: number) => string, quietMs: number): Ticker {
  const started = performance.now();
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    if (elapsed >= quietMs) showStatus(text(elapsed));
  }, REDRAW_EVERY_MS);
  // The work keeps the process alive; the progress line must not.
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      clearStatus();
    },
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "waiting for api.mashvisor.com… 3.2 s of 30 s" while a request is out; returns the function that clears it. */
export function waitingFor(request: { url: string; timeoutMs: number }): () => void {
  let host = request.url;
  try {
    host = new URL(request.url).host;
  } catch {
    /* shown as given */
  }
  const line = ticker((elapsed) => `waiting for ${host}… ${seconds(Math.min(elapsed, request.timeoutMs))} of ${formatDuration(request.timeoutMs)}`, 0);
  return () => line.stop();
}

export interface BatchDone {
  /** Bytes read so far, and the input's size when it is a file. */
  bytes: number | null;
  size: number | null;
  lines: number;
}

/** "checked 120 MiB of 800 MiB (15%), 1,204,311 lines, 95 MiB/s, about 7 s left" for a long validate --batch. */
export function batchProgress(done: () => BatchDone): Ticker {
  // A batch that ends within a second needs no progress line.
  return ticker((elapsed) => batchLine(done(), elapsed), 1000);
}

export function batchLine(done: BatchDone, elapsedMs: number): string {
  const secondsSpent = Math.max(elapsedMs / 1000, 0.001);
  const lines = `${done.lines.toLocaleString('en-US')} line${done.lines === 1 ? '' : 's'}`;
  if (done.bytes === null) return `checked ${lines}, ${Math.round(done.lines / secondsSpent).toLocaleString('en-US')} lines/s`;
  const rate = done.bytes / secondsSpent;
  if (done.size === null || done.size === 0) return `checked ${formatBytes(done.bytes)}, ${lines}, ${formatBytes(rate)}/s`;
  const share = Math.min(100, Math.floor((done.bytes / done.size) * 100));
  const left = rate > 0 ? formatDuration(Math.max(0, ((done.size - done.bytes) / rate) * 1000)) : '?';
  return `checked ${formatBytes(done.bytes)} of ${formatBytes(done.size)} (${share}%), ${lines}, ${formatBytes(rate)}/s, about ${left} left`;
}
