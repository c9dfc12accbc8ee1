import { UsageError } from '../shared/errors.js';
import { printError } from './output.js';

/** The last stop of any error: one line on stderr, exit code 2, a stack only when asked for. */
export function fail(err: unknown): void {
  // yargs reports bad flags as YError: those are usage errors too.
  if (err instanceof UsageError || (err instanceof Error && err.name === 'YError')) {
    printError(`mashvisor-preflight: ${err.message}`);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    printError(`mashvisor-preflight: unexpected error: ${message.split('\n')[0]}`);
    if (process.env.MASHVISOR_PREFLIGHT_DEBUG && err instanceof Error && err.stack) printError(err.stack);
  }
  process.exitCode = 2;
}
