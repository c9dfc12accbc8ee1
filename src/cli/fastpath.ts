// Start-up time is most of what a person waits for in `validate`, and loading yargs is a large share of it. The
// everyday forms of `validate` and `check` — an endpoint and plain options from options.ts — are read here
// directly; anything else (help, a typo, an unknown option, an option with a fixed set of values, a repeated
// value option, a value that looks like a flag) returns null and goes through yargs, which reads the same
// option lists. test/fastpath.test.js checks that both readings agree. Kept because the bench needs it: through
// yargs, a cold validate takes 50 ms instead of 23.7 (paired runs, node -e 0 at 17 ms), 2.95× against the 1.5× row.
import { COMMAND_OPTIONS, type OptionSpec } from './options.js';

export interface FastCommand {
  command: 'validate' | 'check';
  args: Record<string, unknown>;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The long names and the one-letter aliases of a command's options, for the options this reader takes. */
function optionsByName(options: readonly OptionSpec[]): { long: Map<string, OptionSpec>; short: Map<string, OptionSpec> } {
  const long = new Map<string, OptionSpec>();
  const short = new Map<string, OptionSpec>();
  for (const option of options) {
    if (option.choices) continue;
    long.set(option.name, option);
    if (option.alias) short.set(option.alias, option);
  }
  return { long, short };
}

function defaultsOf(options: readonly OptionSpec[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const option of options) if (option.default !== undefined) args[camel(option.name)] = option.default;
  return args;
}

/** The argv of a common validate/check call as the command's arguments, or null to let yargs read it. */
export function parseFast(argv: string[]): FastCommand | null {
  const [command, ...rest] = argv;
  if (command !== 'validate' && command !== 'check') return null;
  const { long, short } = optionsByName(COMMAND_OPTIONS[command]);
  const args = defaultsOf(COMMAND_OPTIONS[command]);
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (!token.startsWith('-') || token === '-') {
      if (args.endpoint !== undefined) return null;
      args.endpoint = token;
      continue;
    }
    const isLong = token.startsWith('--');
    const eq = isLong ? token.indexOf('=') : -1;
    const option = isLong ? long.get(token.slice(2, eq > 0 ? eq : undefined)) : short.get(token.slice(1));
    if (!option) return null;
    const key = camel(option.name);
    if (option.type === 'boolean') {
      if (eq > 0 || seen.has(option.name)) return null;
      args[key] = true;
    } else {
      const value = eq > 0 ? token.slice(eq + 1) : rest[++i];
      if (value === undefined || (value.startsWith('-') && value !== '-')) return null;
      if (option.array) args[key] = [...((args[key] as string[] | undefined) ?? []), value];
      else if (seen.has(option.name)) return null;
      else args[key] = option.type === 'number' ? Number(value) : value;
    }
    seen.add(option.name);
  }
  return { command, args };
}
