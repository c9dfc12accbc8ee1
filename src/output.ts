import { isKeyParam, makeRedactor, scrubOutput } from './report/redact.js';

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

export function print(text: string): void {
  process.stdout.write(scrub(text.endsWith('\n') ? text : `${text}\n`));
}

export function printError(text: string): void {
  process.stderr.write(scrub(text.endsWith('\n') ? text : `${text}\n`));
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

const codes = { red: 31, green: 32, yellow: 33, grey: 90, bold: 1 } as const;
export function paint(color: keyof typeof codes, text: string, enabled = useColor()): string {
  return enabled ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
}
