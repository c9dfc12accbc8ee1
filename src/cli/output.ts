import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { textWidth, wrapText } from './text.js';
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
// stream modules (and for a terminal tty and net), ~5 ms of a 45 ms start. A descriptor that is non-blocking (a pipe
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
  clearStatus();
  writeFd(1, scrub(text.endsWith('\n') ? text : `${text}\n`));
}

// A status line (progress) on stderr is redrawn in place; anything printed clears it first so that no line ends
// up glued to it. Only the progress module (loaded on a terminal) ever shows one. It is drawn and wiped with a
// carriage return and spaces, no escape sequences: NO_COLOR and TERM=dumb terminals show it as well.
let statusWidth = 0;

/** Shows `text` as the one status line on stderr, cut to the terminal's width. */
export function showStatus(text: string): void {
  const clean = scrub(text);
  const room = (stderrWidth() ?? 80) - 1;
  const line = textWidth(clean) > room ? `${clean.slice(0, Math.max(0, room - 1))}…` : clean;
  const width = textWidth(line);
  writeFd(2, `\r${line}${' '.repeat(Math.max(0, statusWidth - width))}`);
  statusWidth = Math.max(width, 1);
}

export function clearStatus(): void {
  if (!statusWidth) return;
  writeFd(2, `\r${' '.repeat(statusWidth)}\r`);
  statusWidth = 0;
}

/**
 * A message on stderr, secrets scrubbed. Wrapped (continuation lines indented) to the width of the terminal that
 * shows it: stderr's own, or $COLUMNS. Captured by a script or a log with no width given, a message stays one line,
 * which is what grep and the "one line on stderr" promise for bad input expect.
 */
export function printError(text: string): void {
  clearStatus();
  const clean = scrub(text.endsWith('\n') ? text.slice(0, -1) : text);
  const width = stderrWidth();
  // Most messages are short: the length check keeps the wrapping code off their path.
  const fits = width === null || clean.split('\n').every((line) => line.length <= width / 2 || textWidth(line) <= width);
  writeFd(2, `${fits ? clean : wrapText(clean, width!, '  ')}\n`);
}

function stderrWidth(): number | null {
  const fromTty = isatty(2) ? process.stderr.columns : 0;
  if (fromTty) return fromTty;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : null;
}

export function useColor(fd: 1 | 2 = 1): boolean {
  // The environment first: asking the stream whether it is a terminal creates it.
  return !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb' && Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

const codes = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;
export function paint(color: keyof typeof codes, text: string, enabled = useColor()): string {
  return enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}
