// The defaults a user can lean on, written once: the library (preflight.ts), the option table (cli/options.ts,
// which yargs, the fast reader and --help all read) and the commands that fill in a missing value take them here.

/** How long the whole exchange may take, connect included. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Where `check`, `replay`, `demo` and `history` keep their reports. */
export const DEFAULT_REPORTS_DIR = './reports';

/** The `sandbox` command's port and address. */
export const DEFAULT_SANDBOX_PORT = 4010;
export const DEFAULT_SANDBOX_HOST = '127.0.0.1';
