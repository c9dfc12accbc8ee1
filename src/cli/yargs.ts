import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isTerminal } from './tty.js';
import { UsageError } from '../shared/errors.js';
import { fail, gluedShortOption } from './fail.js';
import { print } from './output.js';
import {
  CHECK_OPTIONS, DEMO_OPTIONS, DIFF_OPTIONS, ENDPOINTS_OPTIONS, EXPLAIN_OPTIONS, HISTORY_OPTIONS, REPLAY_OPTIONS, REPORT_OPTIONS,
  SANDBOX_OPTIONS, SANITIZE_OPTIONS, VALIDATE_OPTIONS, type OptionSpec,
} from './options.js';
import { toolVersion } from '../shared/version.js';
import { SCENARIOS, SCENARIO_HEADER } from '../sandbox/scenarios.js';

// Each command's code is imported only when that command runs: `validate` never loads axios, `--json` never loads tables.
type Handler = (args: Record<string, unknown>) => Promise<number>;

type Loader = (args: Record<string, unknown>) => Promise<{ run: (args: never) => Promise<number> }>;

function lazy(load: Loader): (args: Record<string, unknown>) => Promise<void> {
  return async (args) => {
    const { run } = await load(args);
    process.exitCode = await (run as Handler)(args);
  };
}

/** Adds options declared in options.ts to a command. */
function withOptions(y: Argv, options: readonly OptionSpec[]): Argv {
  for (const { name, ...spec } of options) y.option(name, spec);
  return y;
}

/** Help as wide as the terminal (80 columns when it is not one), up to 110 so that lines stay readable. */
function helpWidth(): number {
  const fromEnv = Number(process.env.COLUMNS);
  const columns = isTerminal(1) ? process.stdout.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
  return Math.min(110, columns || 80);
}

export function buildCli(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('mashvisor-preflight')
    .usage('$0 <command> [options]')
    .epilogue('Runs the Mashvisor API pre-support checklist and writes a support-ready report. Exit codes: 0 pass, 1 client-error, 2 usage error, 3 server-error, 4 network-error.')
    .command('validate [endpoint]', 'Check a request\'s parameters offline (no key, no network)', (y) =>
      withOptions(y, VALIDATE_OPTIONS)
        .positional('endpoint', { type: 'string', description: 'operationId, path, or URL' })
        .example('$0 validate getRentalRates --param state=CA --param source=airbnb', '')
        .example('$0 validate /client/city/properties/TX/Austin', ''),
      lazy((args) => (args.batch !== undefined ? import('./commands/batch.js') : import('./commands/validate.js'))))
    .command('check [endpoint]', 'Run the whole checklist with one (billed) request and write a report', (y) =>
      withOptions(y, CHECK_OPTIONS)
        .positional('endpoint', { type: 'string', description: 'operationId, path, or URL' })
        .example('$0 check getRentalRates -p state=CA -p source=airbnb', '')
        .example('$0 check --from-curl "$(cat request.curl)"', '')
        .example('$0 check getRentalRates -p state=CA --watch', 'On a 503/429: retry until it is back (up to 10 billed requests)'),
      lazy((args) => (args.watch ? import('./commands/watch.js') : import('./commands/check.js'))))
    .command('replay <file>', 'Send a saved report\'s request again (one billed request) and show what changed', (y) =>
      withOptions(y, REPLAY_OPTIONS).positional('file', { type: 'string', description: 'A JSON report written by check' })
        .example('$0 replay reports/20261130-100200-000-getRentalRates.json', ''),
      lazy(() => import('./commands/replay.js')))
    .command('diff <old> <new>', 'Compare two saved JSON reports: verdict, status, message, rate limit, timings', (y) =>
      withOptions(y, DIFF_OPTIONS).positional('old', { type: 'string', description: 'The earlier JSON report' })
        .positional('new', { type: 'string', description: 'The later JSON report' }),
      lazy(() => import('./commands/diff.js')))
    .command('endpoints [name]', 'List the known operations, or show one', (y) =>
      withOptions(y, ENDPOINTS_OPTIONS).positional('name', { type: 'string', description: 'An operationId, path or URL: show that operation only' })
        .example('$0 endpoints --openapi --yaml > mashvisor.openapi.yaml', ''),
      lazy(() => import('./commands/endpoints.js')))
    .command('explain <code>', 'What a status code means and what to check first', (y) =>
      withOptions(y, EXPLAIN_OPTIONS).positional('code', { type: 'string', description: 'A status code or class: 200, 400, 401, 403, 404, 405, 422, 429, 500, 503, 3xx, 2xx, 4xx or 5xx (any other 2xx-5xx code is explained by its class)' }),
      lazy(() => import('./commands/explain.js')))
    .command('sandbox', 'Start a local Mashvisor-compatible simulator on 127.0.0.1', (y) =>
      // The scenarios are listed here because docs/ is not in the published package.
      withOptions(y, SANDBOX_OPTIONS).epilogue(`Scenarios (--scenario, or the request header ${SCENARIO_HEADER}): ${SCENARIOS.map((s) => s.name).join(', ')}.`),
      lazy(() => import('./commands/sandbox.js')))
    .command('demo', 'Run eight checks against the built-in simulator (no key, no network)', (y) =>
      withOptions(y, DEMO_OPTIONS),
      lazy(() => import('./commands/demo.js')))
    .command('history', 'Recent checks, a strip of the last runs per endpoint, and counts per status code', (y) =>
      withOptions(y, HISTORY_OPTIONS)
        .example('$0 history --html history.html', ''),
      lazy(() => import('./commands/history.js')))
    .command('report <file>', 'Rebuild any format from a saved JSON report', (y) =>
      withOptions(y, REPORT_OPTIONS).positional('file', { type: 'string', description: 'A JSON report written by check' }),
      lazy(() => import('./commands/report.js')))
    .command('sanitize <file>', 'Write a copy of a HAR file without keys, cookies or auth headers', (y) =>
      withOptions(y, SANITIZE_OPTIONS).positional('file', { type: 'string', description: 'The HAR file to clean (it is not changed)' }),
      lazy(() => import('./commands/sanitize.js')))
    .demandCommand(1, 'name a command: validate, check, replay, diff, endpoints, explain, sandbox, demo, history, report, sanitize')
    .strictCommands()
    .strictOptions()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // The tool's own version: left to itself, yargs reads the package.json of the project it is installed in.
    .version(toolVersion())
    .wrap(helpWidth())
    .fail((message, err) => {
      throw err ?? new UsageError(message);
    });
}

export async function main(argv = hideBin(process.argv)): Promise<void> {
  try {
    // With a callback, yargs hands --help and --version text back instead of printing it and exiting: it leaves
    // through the output boundary like every other byte, and the run ends as every other run does.
    let shown = '';
    await buildCli(argv).parseAsync(argv, {}, (_err: Error | undefined, _args: unknown, output: string) => {
      shown = output;
    });
    if (shown) print(shown);
  } catch (err) {
    const glued = err instanceof Error && /^Unknown argument/.test(err.message) ? gluedShortOption(argv) : null;
    fail(glued ? new UsageError(glued) : err);
  }
}
