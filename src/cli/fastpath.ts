// Start-up time is most of what a person waits for in `validate`, and yargs alone costs about a third of a bare
// Node start on a small machine. The everyday forms of `validate` and `check` — an endpoint, --param/-p, and the
// plain options below — are read here directly; anything else (help, a typo, an option not listed, a repeated
// value option) returns null and goes through yargs, which stays the one definition of the CLI.
// test/fastpath.test.js checks that both readings agree.

type Kind = 'string' | 'number' | 'boolean' | 'array';

const COMMON: Record<string, Kind> = { param: 'array', payload: 'string', json: 'boolean' };
const VALIDATE: Record<string, Kind> = { ...COMMON, batch: 'string' };
const CHECK: Record<string, Kind> = {
  ...COMMON, key: 'string', 'key-file': 'string', 'base-url': 'string', rapidapi: 'boolean', header: 'array',
  'reports-dir': 'string', 'send-anyway': 'boolean', 'max-requests': 'number', timeout: 'number', rate: 'string',
  har: 'boolean', html: 'boolean', junit: 'string', bundle: 'boolean', offline: 'boolean',
};
const ALIASES: Record<string, string> = { p: 'param', H: 'header' };
const DEFAULTS: Record<string, Record<string, unknown>> = { validate: {}, check: { reportsDir: './reports', timeout: 30000 } };

export interface FastCommand {
  command: 'validate' | 'check';
  args: Record<string, unknown>;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The argv of a common validate/check call as the command's arguments, or null to let yargs read it. */
export function parseFast(argv: string[]): FastCommand | null {
  const [command, ...rest] = argv;
  if (command !== 'validate' && command !== 'check') return null;
  const known = command === 'validate' ? VALIDATE : CHECK;
  const args: Record<string, unknown> = { ...DEFAULTS[command] };
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (!token.startsWith('-') || token === '-') {
      if (args.endpoint !== undefined) return null;
      args.endpoint = token;
      continue;
    }
    const eq = token.indexOf('=');
    const raw = token.startsWith('--') ? token.slice(2, eq > 0 ? eq : undefined) : token.slice(1);
    const name = ALIASES[raw] ?? raw;
    const kind = token.startsWith('--') || ALIASES[raw] ? known[name] : undefined;
    if (!kind || name.startsWith('no-')) return null;
    if (kind === 'boolean') {
      if (eq > 0 || seen.has(name)) return null;
      args[camel(name)] = true;
    } else {
      const value = eq > 0 && token.startsWith('--') ? token.slice(eq + 1) : rest[++i];
      if (value === undefined || (value.startsWith('-') && value !== '-')) return null;
      if (kind === 'array') args[camel(name)] = [...((args[camel(name)] as string[] | undefined) ?? []), value];
      else if (seen.has(name)) return null;
      else args[camel(name)] = kind === 'number' ? Number(value) : value;
    }
    seen.add(name);
  }
  return { command, args };
}
