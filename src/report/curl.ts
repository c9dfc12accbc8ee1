// A curl line a support engineer (or the user) can paste to replay the request, with the key left to the shell.
import type { HttpMethod, Mode } from '../types.js';
import { RAPIDAPI_HOST } from '../catalog/hosts.js';
import { isSensitiveHeader } from '../shared/redact.js';

export const KEY_VARIABLE = 'MASHVISOR_API_KEY';

/** Headers curl sets itself, that only describe one connection, or that are ours to write (key, RapidAPI host). */
const SKIPPED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'accept-encoding',
  'user-agent',
  'x-rapidapi-host',
]);

export interface CurlInput {
  method: HttpMethod;
  /** Already free of the key. */
  url: string;
  headers: Record<string, string>;
  /** A string is sent as is; any other value (except null/undefined) as JSON. */
  body?: unknown;
  mode: Mode;
}

/** POSIX single quoting: everything literal, a quote written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bodyText(body: unknown): string | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  return JSON.stringify(body);
}

export function reproductionCurl(input: CurlInput): string {
  const parts: string[] = ['curl -i'];
  const body = bodyText(input.body);
  // curl -X HEAD would wait for a body that never comes; -I is curl's own way to send HEAD.
  if (input.method === 'HEAD') parts[0] = 'curl -I';
  else if (input.method !== 'GET' && body === null) parts[0] += ` -X ${input.method}`;
  // curl reads [] and {} in a URL as globbing patterns; a masked '[REDACTED]' value must go through literally.
  if (/[[\]{}]/.test(input.url)) parts[0] += ' -g';
  parts[0] += ` ${shellQuote(input.url)}`;

  // The key is the only double-quoted argument: the shell fills it in, the command itself never holds it.
  if (input.mode === 'rapidapi') {
    parts.push(`-H "x-rapidapi-key: $${KEY_VARIABLE}"`);
    parts.push(`-H ${shellQuote(`x-rapidapi-host: ${RAPIDAPI_HOST}`)}`);
  } else {
    parts.push(`-H "x-api-key: $${KEY_VARIABLE}"`);
  }

  let hasContentType = false;
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const lower = name.toLowerCase();
    if (SKIPPED_HEADERS.has(lower) || isSensitiveHeader(lower)) continue;
    if (lower === 'content-type') {
      if (body === null) continue;
      hasContentType = true;
    }
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (body !== null) {
    // Without it curl would label the body as a form post, which is not what was sent.
    if (!hasContentType) parts.push(`-H ${shellQuote('content-type: application/json')}`);
    parts.push(`--data-raw ${shellQuote(body)}`);
  }
  return parts.join(' \\\n  ');
}
