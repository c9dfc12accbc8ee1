// Named failure modes the sandbox can play, chosen per request with the x-sandbox-scenario header.
import type { ServerResponse } from 'node:http';

export interface ScenarioInfo {
  name: string;
  description: string;
}

export const SCENARIO_HEADER = 'x-sandbox-scenario';

export const SCENARIOS: readonly ScenarioInfo[] = [
  { name: 'ok', description: 'Normal behaviour: authentication, rate limit, routes and documented errors.' },
  { name: 'maintenance', description: '503 with an HTML maintenance page (before authentication).' },
  { name: 'server-error', description: '500 with the documented error envelope.' },
  { name: 'bad-gateway', description: '502 with an HTML gateway page (before authentication).' },
  { name: 'rate-limited', description: '429 with the documented envelope, Retry-After: 30 and the rate-limit headers of the mode.' },
  { name: 'quota-low', description: 'Normal answer, but the rate-limit headers say less than 10% of the quota is left.' },
  { name: 'slow', description: 'Waits 1500 ms, then answers normally.' },
  { name: 'hang', description: 'Accepts the request and never answers.' },
  { name: 'reset', description: 'Sends the headers and part of the body, then resets the connection.' },
  { name: 'invalid-json', description: '200 application/json whose body is not valid JSON.' },
  { name: 'html-200', description: '200 with an HTML body instead of JSON.' },
  { name: 'gzip', description: 'Normal answer, body gzip-encoded (content-encoding: gzip).' },
  { name: 'deflate', description: 'Normal answer, body deflate-encoded (content-encoding: deflate).' },
  { name: 'huge', description: 'Streams a very large JSON-like 200 body (300 MiB by default) until done or the client leaves.' },
  { name: 'endless', description: 'Streams a 200 body that never ends, until the client disconnects.' },
  { name: 'echo-key', description: 'Echoes the received key(s) in the JSON body and in the x-echo-key header (redaction tests).' },
  { name: 'redirect', description: '302 to the same port and path on another host (127.0.0.2).' },
  { name: 'not-found', description: '404 with the documented error envelope.' },
  { name: 'bad-request', description: '400 with the documented error envelope.' },
  { name: 'unauthorized', description: '401 with the documented error envelope.' },
  { name: 'recovering', description: '503 maintenance page with Retry-After: 1 for the first 2 requests (since the last reset), then normal behaviour.' },
];

/** How many 503s the `recovering` scenario answers before it behaves normally: an outage that ends. */
export const RECOVERING_FAILURES = 2;

export function isScenario(name: string): boolean {
  return SCENARIOS.some((s) => s.name === name);
}

export function maintenancePage(): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title></head>',
    '<body><h1>We&rsquo;ll be back soon</h1>',
    '<p>The service is temporarily offline for scheduled maintenance. Please try again later.</p>',
    '</body></html>',
    '',
  ].join('\n');
}

export function badGatewayPage(): string {
  return [
    '<html>',
    '<head><title>502 Bad Gateway</title></head>',
    '<body>',
    '<center><h1>502 Bad Gateway</h1></center>',
    '<hr><center>gateway</center>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function htmlOkPage(): string {
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>Welcome</title></head>',
    '<body><p>This is a web page, not an API response.</p></body></html>',
    '',
  ].join('\n');
}

/** A body that is served completely (correct length) but does not parse as JSON. */
export function brokenJson(): string {
  return '{"status":"success","content":{"rental_rates":{"studio_value":1480,"one_room_value":';
}

const ROW = '{"id":100000,"city":"Austin","state":"TX","bedrooms":3,"price":412000,"rental_income":2380},';
const STREAM_PREFIX = '{"status":"success","content":{"results":[';
const STREAM_SUFFIX = ']}}';
const TAIL_OPEN = '{"pad":"';
const TAIL_CLOSE = '"}';

let rowChunk: Buffer | null = null;

// One ~64 KiB buffer of rows, reused for every write: a 300 MiB answer never sits in memory.
function rows(): Buffer {
  if (!rowChunk) rowChunk = Buffer.from(ROW.repeat(Math.floor(65536 / ROW.length)));
  return rowChunk;
}

function gone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}

function waitDrainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes chunks with back-pressure until next() returns null (then ends) or the client goes away. */
async function pump(res: ServerResponse, next: () => Buffer | null): Promise<void> {
  while (!gone(res)) {
    const chunk = next();
    if (chunk === null) {
      res.end();
      return;
    }
    if (!res.write(chunk)) await waitDrainOrClose(res);
  }
}

/** Streams exactly `total` bytes of valid JSON (clamped to a small minimum). Headers must already be written. */
export function streamHuge(res: ServerResponse, total: number): Promise<void> {
  const minimum = STREAM_PREFIX.length + TAIL_OPEN.length + TAIL_CLOSE.length + STREAM_SUFFIX.length;
  let left = Math.max(Math.floor(total), minimum);
  let stage: 'prefix' | 'rows' | 'tail' | 'done' = 'prefix';
  return pump(res, () => {
    if (stage === 'prefix') {
      stage = 'rows';
      left -= STREAM_PREFIX.length;
      return Buffer.from(STREAM_PREFIX);
    }
    if (stage === 'rows') {
      const chunk = rows();
      if (left - chunk.length >= TAIL_OPEN.length + TAIL_CLOSE.length + STREAM_SUFFIX.length) {
        left -= chunk.length;
        return chunk;
      }
      stage = 'tail';
    }
    if (stage === 'tail') {
      stage = 'done';
      const pad = left - TAIL_OPEN.length - TAIL_CLOSE.length - STREAM_SUFFIX.length;
      return Buffer.from(TAIL_OPEN + 'a'.repeat(pad) + TAIL_CLOSE + STREAM_SUFFIX);
    }
    return null;
  });
}

/** Streams rows forever; only the client leaving (or the sandbox closing) stops it. */
export function streamEndless(res: ServerResponse): Promise<void> {
  let first = true;
  return pump(res, () => {
    if (first) {
      first = false;
      return Buffer.from(STREAM_PREFIX);
    }
    return rows();
  });
}
