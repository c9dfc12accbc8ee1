import { writeSync } from 'node:fs';
import { isKeyParam, makeRedactor, scrubOutput } from '../shared/redact.js';

// Every line the CLI prints goes through here, so a key the tool knows about can never reach the terminal.
const secrets: string[] = [];
let redactor: ((text: string) => string) | null = null;

export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 4 || secrets.includes(secret)) return;
  secrets.push(secret);
  const trimmed = secret.trim().replace(/^["']|["']$/g, '').replace(/^bearer\s+/i, '').trim();
  if (trimmed !== secret && trimmed.length >= 4 && !secrets.includes(trimmed)) secrets.push(trimmed);
  redactor = makeRedactor(secrets);
}

/** A key the user put among the parameters (api_key=..., token=...) is as secret as one given with --key. */
export function registerKeyParams(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (isKeyParam(name)) for (const v of [value].flat()) if (typeof v === 'string') registerSecret(v);
  }
}

const unchanged = (text: string) => text;

/** The known secrets, and (as a last guard) anything shaped like a credential: `x-api-key: ...`, `?api_key=...`. */
export function scrub(text: string): string {
  return scrubOutput(text, redactor ?? unchanged);
}

// Lines go to the file descriptor itself rather than through process.stdout: creating that stream loads Node's
// stream modules (and for a terminal tty and net), a noticeable share of a short run. A descriptor that is non-blocking (a pipe
// shared with a parent that made it so) answers EAGAIN; from then on that stream takes over, so order is kept.
const viaStream = { 1: false, 2: false };

function writeFd(fd: 1 | 2, text: string): void {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  if (viaStream[fd]) {
    stream().write(text);
    return;
  }
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return; // the reader has gone (`| head`): nothing more can be shown
    if (code !== 'EAGAIN') throw err;
    viaStream[fd] = true;
    stream().write(rest);
  }
}

export function print(text: string): void {
  writeFd(1, scrub(text.endsWith('\n') ? text : `${text}\n`));
}

export function printError(text: string): void {
  writeFd(2, scrub(text.endsWith('\n') ? text : `${text}\n`));
}

export function useColor(fd: 1 | 2 = 1): boolean {
  // The environment first: asking the stream whether it is a terminal creates it.
  return !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb' && Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

const codes = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;
export function paint(color: keyof typeof codes, text: string, enabled = useColor()): string {
  return enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}
