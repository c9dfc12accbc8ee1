// `mashvisor-preflight sandbox`: runs the local API stand-in until interrupted.
import {
  startSandbox, SANDBOX_KEY, SANDBOX_RAPIDAPI_KEY, RAPIDAPI_HOST, SCENARIOS, SCENARIO_HEADER,
} from '../../sandbox/server.js';
import type { Sandbox, SandboxOptions } from '../../sandbox/server.js';
import { DEFAULT_SANDBOX_HOST } from '../../shared/defaults.js';
import { writeOwn } from '../output.js';
import { terminalWidth, wrapText } from '../text.js';

export interface SandboxArgs {
  port?: number;
  host?: string;
  latency?: number;
  scenario?: string;
  rateLimit?: number;
  hugeMib?: number;
}

function usageError(message: string): number {
  writeOwn(2, `mashvisor-preflight sandbox: ${message}\n`);
  return 2;
}

function checkNumber(name: string, value: number | undefined, min: number, max: number): string | null {
  if (value === undefined) return null;
  if (!Number.isInteger(value) || value < min || value > max) return `--${name} must be an integer from ${min} to ${max}`;
  return null;
}

/**
 * A command to copy, broken with shell line continuations (" \\") between its words so that each line fits `width`:
 * pasted back, it is still one command.
 */
export function shellCommand(words: string[], width: number, indent = '  '): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of withValues(words)) {
    if (line.trim() && line.length + 1 + word.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `${indent}    `;
    }
    line += line.trim() ? ` ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}

/** An option and its value stay on one line: "-H 'x-api-key: …'". */
function withValues(words: string[]): string[] {
  const units: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const value = words[i + 1];
    if (words[i]!.startsWith('-') && value !== undefined && !value.startsWith('-')) {
      units.push(`${words[i]} ${value}`);
      i++;
    } else units.push(words[i]!);
  }
  return units;
}

/** The banner: where the sandbox listens, its test keys and how to use it. Test keys are public by design. */
export function banner(sandbox: Sandbox, columns = terminalWidth()): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  const scenario = (name: string, description: string) => wrapText(`  ${name.padEnd(width)}  ${description}`, columns, ' '.repeat(width + 2));
  const url = (path: string) => `'${path}'`;
  const lines = [
    `Mashvisor API sandbox listening on ${sandbox.url}`,
    '',
    'Direct API',
    `  base URL:  ${sandbox.directBaseUrl}`,
    `  header:    x-api-key: ${SANDBOX_KEY}`,
    'RapidAPI way',
    `  base URL:  ${sandbox.rapidapiBaseUrl}`,
    `  headers:   x-rapidapi-key: ${SANDBOX_RAPIDAPI_KEY}`,
    `             x-rapidapi-host: ${RAPIDAPI_HOST}`,
    '',
    `Scenarios (request header "${SCENARIO_HEADER}: <name>"):`,
    ...SCENARIOS.map((s) => scenario(s.name, s.description)),
    '',
    'Try:',
    shellCommand(['npx', 'mashvisor-preflight', 'check', 'getRentalRates', '--param', 'state=CA', '--param', 'source=airbnb',
      '--base-url', sandbox.directBaseUrl, '--key', SANDBOX_KEY], columns),
    shellCommand(['curl', '-s', '-H', `'x-api-key: ${SANDBOX_KEY}'`, url(`${sandbox.directBaseUrl}/client/rental-rates?state=CA&source=airbnb`)], columns),
    shellCommand(['curl', '-s', '-H', `'x-rapidapi-key: ${SANDBOX_RAPIDAPI_KEY}'`, '-H', `'x-rapidapi-host: ${RAPIDAPI_HOST}'`,
      url(`${sandbox.rapidapiBaseUrl}/rental-rates?state=CA&source=airbnb`)], columns),
    shellCommand(['curl', '-si', '-H', `'${SCENARIO_HEADER}: maintenance'`, '-H', `'x-api-key: ${SANDBOX_KEY}'`,
      url(`${sandbox.directBaseUrl}/client/city/list?state=TX`)], columns),
    '',
    `Stats: GET ${sandbox.url}/__sandbox/stats`,
    `Reset: POST ${sandbox.url}/__sandbox/reset`,
    'Press Ctrl+C to stop.',
    '',
  ];
  return lines.join('\n');
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function run(args: SandboxArgs): Promise<number> {
  const problem =
    checkNumber('port', args.port, 0, 65535) ??
    checkNumber('latency', args.latency, 0, 600000) ??
    checkNumber('rate-limit', args.rateLimit, 1, 1000000);
  if (problem) return usageError(problem);
  if (args.scenario !== undefined && !SCENARIOS.some((s) => s.name === args.scenario)) {
    // One line within 80 columns: the full list of some twenty names would run to 260 columns, so the message names
    // the help that lists them (docs/ is not in the published package).
    const name = String(args.scenario);
    return usageError(`unknown scenario '${name.length > 10 ? `${name.slice(0, 9)}…` : name}' (see sandbox --help)`);
  }

  const options: SandboxOptions = { port: args.port ?? 0, host: args.host ?? DEFAULT_SANDBOX_HOST };
  if (args.latency !== undefined) options.latencyMs = args.latency;
  if (args.scenario !== undefined) options.scenario = args.scenario;
  if (args.rateLimit !== undefined) options.rateLimit = { limit: args.rateLimit, windowSeconds: 60 };
  if (args.hugeMib !== undefined) options.hugeBodyBytes = Math.round(args.hugeMib * 1024 * 1024);

  // Listening before the handlers are in place would leave a moment when SIGTERM kills the process outright
  // (exit by signal, no "stopped" line): a client may connect as soon as the port is open.
  const signalled = waitForSignal();
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return usageError(`port ${options.port} is already in use`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return usageError(`cannot listen on host ${options.host}`);
    if (code === 'EACCES') return usageError(`not allowed to listen on port ${options.port}`);
    return usageError((err as Error).message);
  }

  writeOwn(1, banner(sandbox));
  const signal = await signalled;
  await sandbox.close();
  writeOwn(1, `Sandbox stopped (${signal}); ${sandbox.requests.toLocaleString('en-US')} request${sandbox.requests === 1 ? '' : 's'} served.\n`);
  return 0;
}
