import { writeSync } from 'node:fs';
import { isTerminal } from './tty.js';
import { textWidth, wrapText } from './text.js';
import { scrubOutput } from '../shared/redact.js';
import { Scrubber } from '../shared/scrub.js';
import { bareCredential, proxySecrets } from '../shared/secrets.js';
import { isShownPlaceholder } from '../shared/placeholder.js';
import { CONTROL, escapeControls } from '../shared/terminal.js';

export { cellText, escapeControls } from '../shared/terminal.js';

// The process's output boundary: every line the CLI prints, every report file and history line it writes, passes
// this one scrubber, which knows every secret any input of this run carried.
const registry = new Scrubber();
let envRegistered = false;

/**
 * The run's one entry to the output boundary: every command starts here (main.ts), so the secrets of the
 * environment (the shell's key, proxy credentials) are known before any command reads a file or prints a byte.
 */
export function startRun(): void {
  registerSecrets([]);
}

export function registerSecrets(secrets: Iterable<string | undefined>): void {
  if (!envRegistered) {
    envRegistered = true;
    // Proxy credentials travel with every request (Proxy-Authorization) whatever the input, and the key the shell
    // holds may sit in any file a command reads (a report edited by hand): both known from the start, for every command.
    // A placeholder in the variable (YOUR_API_KEY) is no secret: messages show it as written.
    const envKey = isShownPlaceholder(process.env.MASHVISOR_API_KEY) ? undefined : process.env.MASHVISOR_API_KEY;
    for (const s of [...proxySecrets(), envKey]) if (s) registry.add(s), registry.add(bareCredential(s));
  }
  for (const secret of secrets) {
    if (!secret) continue;
    registry.add(secret);
    registry.add(bareCredential(secret));
  }
}

/** The run's one redactor, handed to the pipeline so the report, its writers and the terminal share it. */
export function runRedactor(): Scrubber {
  if (!envRegistered) registerSecrets([]);
  return registry;
}

/** The known secrets, and (as a last guard) anything shaped like a credential: `x-api-key: ...`, `?api_key=...`. */
export function scrub(text: string): string {
  if (!envRegistered) registerSecrets([]);
  return scrubOutput(text, registry.scrub);
}

/** Scrubs every byte of a file's content before it is written. */
export function scrubFile(text: string): string {
  if (!envRegistered) registerSecrets([]);
  return registry.scrub(text);
}

// Lines go to the file descriptor itself rather than through process.stdout: creating that stream loads Node's
// stream modules (for a pipe net as well). Kept because the plain way costs the bench: process.stdout.write with
// isTTY (see tty.ts) adds 1.2–1.3 ms to a cold `validate`, taking the cold-validate row to its 1.5× edge.
// A descriptor that is non-blocking (a pipe shared with a parent that made it so) answers EAGAIN; from then on that
// stream takes over, so order is kept.
const viaStream = { 1: false, 2: false };

// A reader that went away (`| head -1`) ends the output, not the command: the command finishes with its own exit
// code and says nothing more. Synchronous writes see EPIPE at once; the stream reports it as an 'error' event,
// which unheard would end the process with a stack trace.
const closed = { 1: false, 2: false };

// Any other failure to write (a full disk behind `> file`, /dev/full, EIO) also ends that output, not the command:
// the command still finishes, its reports are still written, and its exit code is still the verdict. The failure
// is said once at the end, on stderr if stderr itself still works (see outputFailures).
const failed: { 1?: string; 2?: string } = {};

function giveUp(fd: 1 | 2, err: NodeJS.ErrnoException): void {
  closed[fd] = true;
  if (err.code !== 'EPIPE') failed[fd] ??= err.code ?? err.message;
}

function quietStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (stream.listenerCount('error') === 0) stream.on('error', (err: NodeJS.ErrnoException) => giveUp(fd, err));
  return stream;
}

/** Says, once, that stdout could not be written (the reader went away is no failure). */
export function reportOutputFailures(): void {
  if (failed[1]) printError(`mashvisor-preflight: could not write to stdout (${failed[1]}): output lost; the exit code still stands`);
}

function writeFd(fd: 1 | 2, text: string): void {
  if (closed[fd]) return;
  const stream = () => quietStream(fd);
  if (viaStream[fd]) {
    stream().write(text);
    return;
  }
  let rest = Buffer.from(text);
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') {
      giveUp(fd, err as NodeJS.ErrnoException); // `| head` has gone, or the disk is full: nothing more can be shown
      return;
    }
    viaStream[fd] = true;
    stream().write(rest);
  }
}

// Text a server or an input file sent may carry terminal commands; everything printed passes escapeControls
// (see shared/terminal.ts). The tool's own colours (paint) are kept only while colour is on.
function terminal(fd: 1 | 2, text: string): string {
  const line = text.endsWith('\n') ? text : `${text}\n`;
  return escapeControls(scrub(line), CONTROL.test(line) && useColor(fd));
}

export function print(text: string): void {
  clearStatus();
  writeFd(1, terminal(1, text));
}

// A status line (progress) on stderr is redrawn in place; anything printed clears it first so that no line ends
// up glued to it. Only the progress module (loaded on a terminal) ever shows one. It is drawn and wiped with a
// carriage return and spaces, no escape sequences: NO_COLOR and TERM=dumb terminals show it as well.
let statusWidth = 0;

/** Shows `text` as the one status line on stderr, cut to the terminal's width. */
export function showStatus(text: string): void {
  const clean = escapeControls(scrub(text));
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
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const clean = escapeControls(scrub(body), CONTROL.test(body) && useColor(2));
  const width = stderrWidth();
  // Most messages are short: the length check keeps the wrapping code off their path.
  const fits = width === null || clean.split('\n').every((line) => line.length <= width / 2 || textWidth(line) <= width);
  writeFd(2, `${fits ? clean : wrapText(clean, width!, '  ')}\n`);
}

function stderrWidth(): number | null {
  const fromTty = isTerminal(2) ? process.stderr.columns : 0;
  if (fromTty) return fromTty;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : null;
}

/**
 * One line on stderr that a machine reads (a GitHub `::error` annotation): scrubbed and escaped like every other,
 * but never wrapped, since only its first line would be read.
 */
export function printRawLine(text: string): void {
  clearStatus();
  writeFd(2, `${escapeControls(scrub(text.replace(/\r?\n/g, ' ')))}\n`);
}

/** Raw chunks of output (no newline added): the batch validator's blocks of lines. */
export function write(fd: 1 | 2, text: string): void {
  clearStatus();
  writeFd(fd, escapeControls(scrub(text)));
}

/**
 * The sandbox's banner and notes: the tool's own text holding the simulator's public test keys, which the
 * credential scrubber would mask. Control characters are still escaped.
 */
export function writeOwn(fd: 1 | 2, text: string): void {
  writeFd(fd, escapeControls(text));
}

export function useColor(fd: 1 | 2 = 1): boolean {
  // Asked of the descriptor, not the stream: creating process.stdout loads Node's stream modules (net for a pipe).
  return !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb' && isTerminal(fd);
}

const codes = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;
export function paint(color: keyof typeof codes, text: string, enabled = useColor()): string {
  return enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}
