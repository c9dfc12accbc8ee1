// The options of every command, declared once, with their defaults (from shared/defaults.ts). yargs.ts builds
// each command (and so --help) from these lists, and fastpath.ts reads the everyday command lines of `validate`
// and `check` with the same lists, so the readings cannot drift apart. A command that shares an option with
// `check` (replay) takes check's entry, with its own wording where the meaning differs.
import { DEFAULT_REPORTS_DIR, DEFAULT_SANDBOX_HOST, DEFAULT_SANDBOX_PORT, DEFAULT_TIMEOUT_MS } from '../shared/defaults.js';

export interface OptionSpec {
  name: string;
  type: 'string' | 'number' | 'boolean';
  /** Repeatable: every value is kept, in order. */
  array?: boolean;
  /** A one-letter short form (-p, -H). */
  alias?: string;
  /** Takes exactly one value, even one that looks like a flag (`--payload -` reads stdin). */
  nargs?: 1;
  default?: string | number;
  /** Allowed values; yargs checks them, so command lines that use such an option always go through yargs. */
  choices?: string[];
  description: string;
}

export const REQUEST_OPTIONS: OptionSpec[] = [
  { name: 'param', alias: 'p', type: 'string', array: true, description: 'A parameter as key=value (repeatable)' },
  { name: 'payload', type: 'string', nargs: 1, description: 'JSON file of parameters (flat, or {query, path, body}); - = stdin' },
  { name: 'json', type: 'boolean', description: 'Print machine-readable JSON instead of a table' },
];

export const VALIDATE_OPTIONS: OptionSpec[] = [
  ...REQUEST_OPTIONS,
  { name: 'batch', type: 'string', nargs: 1, description: 'Validate a JSONL file of requests, one a line (- = stdin)' },
  { name: 'all-lines', type: 'boolean', description: 'With --batch: print every invalid line as found, not a screenful grouped by problem' },
];

export const CHECK_OPTIONS: OptionSpec[] = [
  ...REQUEST_OPTIONS,
  { name: 'key', type: 'string', description: 'API key (prefer --key-file or MASHVISOR_API_KEY: flags end up in shell history)' },
  { name: 'key-file', type: 'string', description: 'File holding the API key' },
  { name: 'base-url', type: 'string', description: 'Base URL (default https://api.mashvisor.com/v1.1, or RapidAPI with --rapidapi)' },
  { name: 'allow-http', type: 'boolean', description: 'Send the key over plain http to a host that is not this machine (you mean it)' },
  { name: 'rapidapi', type: 'boolean', description: 'Call through RapidAPI (x-rapidapi-key and x-rapidapi-host headers)' },
  { name: 'header', alias: 'H', type: 'string', array: true, description: 'Extra request header "Name: value" (repeatable)' },
  { name: 'reports-dir', type: 'string', default: DEFAULT_REPORTS_DIR, description: 'Where reports are written' },
  { name: 'send-anyway', type: 'boolean', description: 'Send the request even when the parameters are invalid' },
  { name: 'max-requests', type: 'number', description: 'Hard budget of requests (default 1, plus --probe; 10 with --watch); 0 is refused: use --offline' },
  { name: 'timeout', type: 'number', default: DEFAULT_TIMEOUT_MS, description: 'Milliseconds for the whole exchange, connect included' },
  { name: 'rate', type: 'string', description: 'The request rate your app intends, e.g. 5/s or 100/min' },
  { name: 'probe', type: 'number', description: 'Opt-in: up to N extra (billed) requests to measure the rate-limit window' },
  { name: 'format', type: 'string', choices: ['table', 'md'], description: 'Terminal output: the table (default) or the Markdown report' },
  { name: 'har', type: 'boolean', description: 'Also write a HAR 1.2 file' },
  { name: 'html', type: 'boolean', description: 'Also write a self-contained HTML report' },
  { name: 'junit', type: 'string', description: 'Also write JUnit XML to this file' },
  { name: 'bundle', type: 'boolean', description: 'Write every format (JSON, Markdown, HAR, HTML; JUnit with --junit or next to them)' },
  { name: 'from-curl', type: 'string', nargs: 1, description: 'Take the request from a curl command (- = stdin)' },
  { name: 'from-har', type: 'string', description: 'Take the Mashvisor requests from a HAR file' },
  { name: 'entry', type: 'number', description: 'With --from-har: the entry to re-run live (1-based)' },
  { name: 'collection', type: 'string', description: 'Take the requests from a Postman collection (v2.0/v2.1)' },
  { name: 'postman-env', type: 'string', description: 'With --collection: a Postman environment file' },
  // Node 20 itself opens any --env-file argument, even one after the script's name, before the tool starts (a FIFO
  // hangs it, a missing file ends it with Node's own error): --postman-env is the name that always works.
  { name: 'env-file', type: 'string', description: 'Same as --postman-env (Node 20 opens this file itself: prefer --postman-env)' },
  { name: 'var', type: 'string', array: true, description: 'With --collection: a variable as key=value (repeatable)' },
  { name: 'offline', type: 'boolean', description: 'Send nothing and write nothing, for every input: validate, and judge the answers a HAR recorded' },
  { name: 'watch', type: 'boolean', description: 'After a 5xx, 429 or network error, wait and send again until it passes (each request may be billed)' },
  { name: 'every', type: 'string', description: 'With --watch: the wait when the server names none, doubling up to 5 min (default 30s)' },
  { name: 'watch-timeout', type: 'string', description: 'With --watch: give up after this long (default 30m)' },
];

/** Check's entries by name, in the order given, each with its own wording where given. */
function fromCheck(descriptions: Record<string, string | undefined>): OptionSpec[] {
  return Object.entries(descriptions).map(([name, description]) => {
    const option = CHECK_OPTIONS.find((o) => o.name === name);
    if (!option) throw new Error(`check has no option --${name}`);
    return description ? { ...option, description } : option;
  });
}

export const REPLAY_OPTIONS: OptionSpec[] = fromCheck({
  key: 'API key (prefer --key-file or MASHVISOR_API_KEY); never read from the report',
  'key-file': undefined,
  'base-url': 'Send it here instead of the saved base URL (needed for a host other than Mashvisor\'s)',
  'allow-http': 'Send the key over plain http to a host that is not this machine',
  'reports-dir': 'Where the new report is written',
  'send-anyway': undefined,
  'max-requests': 'Hard budget of requests (default 1); 0 is refused: use --offline',
  timeout: undefined,
  har: undefined,
  html: undefined,
  junit: undefined,
  bundle: 'Write every format',
  offline: 'Send nothing and write nothing: validate the saved request only',
  json: 'Print {report, diff, paths} as JSON',
});

export const DIFF_OPTIONS: OptionSpec[] = [
  { name: 'json', type: 'boolean', description: 'Print the comparison as JSON' },
];

export const ENDPOINTS_OPTIONS: OptionSpec[] = [
  { name: 'json', type: 'boolean', description: 'Print the operations as JSON' },
  { name: 'openapi', type: 'boolean', description: 'Print the whole catalog as an OpenAPI 3.1 document (JSON)' },
  { name: 'yaml', type: 'boolean', description: 'With --openapi: as YAML' },
];

export const EXPLAIN_OPTIONS: OptionSpec[] = [
  { name: 'json', type: 'boolean', description: 'Print the explanation as JSON' },
];

export const SANDBOX_OPTIONS: OptionSpec[] = [
  { name: 'port', type: 'number', default: DEFAULT_SANDBOX_PORT, description: 'Port to listen on (0: a free port)' },
  { name: 'host', type: 'string', default: DEFAULT_SANDBOX_HOST, description: 'Address to listen on (loopback unless you mean otherwise)' },
  { name: 'latency', type: 'number', description: 'Milliseconds added to every response' },
  { name: 'scenario', type: 'string', description: 'Default scenario for every request' },
  { name: 'rate-limit', type: 'number', description: 'Requests per 60 s per key' },
  { name: 'huge-mib', type: 'number', description: 'Size of the "huge" scenario\'s body in MiB (default 300)' },
];

export const DEMO_OPTIONS: OptionSpec[] = [
  { name: 'reports-dir', type: 'string', default: DEFAULT_REPORTS_DIR, description: 'Reports go to <dir>/demo' },
  { name: 'json', type: 'boolean', description: 'Print the cases and their verdicts as JSON' },
];

export const HISTORY_OPTIONS: OptionSpec[] = [
  { name: 'reports-dir', type: 'string', default: DEFAULT_REPORTS_DIR, description: 'Where check wrote its reports and history.jsonl' },
  { name: 'limit', type: 'number', description: 'How many recent runs to list and count (default 20; 500 with --html)' },
  { name: 'json', type: 'boolean', description: 'Print the runs and counts as JSON' },
  { name: 'html', type: 'string', description: 'Write a self-contained page: per endpoint, response codes and latency over time' },
];

export const REPORT_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', choices: ['md', 'json'], description: 'Print this format to stdout (md when nothing else is asked for)' },
  { name: 'html', type: 'boolean', description: 'Write a self-contained HTML report' },
  { name: 'har', type: 'boolean', description: 'Write a HAR 1.2 file' },
  { name: 'junit', type: 'string', description: 'Write JUnit XML to this file' },
  { name: 'out-dir', type: 'string', description: 'Where to write (default: next to the JSON report)' },
];

export const SANITIZE_OPTIONS: OptionSpec[] = [
  { name: 'out', alias: 'o', type: 'string', description: 'Output file (default <file>.sanitized.har)' },
];

/** The options of each command the fast reader may take. */
export const COMMAND_OPTIONS = { validate: VALIDATE_OPTIONS, check: CHECK_OPTIONS } as const;
