// The options of `validate` and `check`, declared once. yargs.ts builds its commands from these lists, and
// fastpath.ts reads the everyday command lines with the same lists, so the two readings cannot drift apart.

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
  { name: 'reports-dir', type: 'string', default: './reports', description: 'Where reports are written' },
  { name: 'send-anyway', type: 'boolean', description: 'Send the request even when the parameters are invalid' },
  { name: 'max-requests', type: 'number', description: 'Hard budget of requests (default 1, plus --probe; 10 with --watch)' },
  { name: 'timeout', type: 'number', default: 30000, description: 'Milliseconds for the whole exchange, connect included' },
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
  { name: 'env-file', type: 'string', description: 'With --collection: a Postman environment file' },
  { name: 'var', type: 'string', array: true, description: 'With --collection: a variable as key=value (repeatable)' },
  { name: 'offline', type: 'boolean', description: 'Send nothing and write nothing, for every input: validate, and judge the answers a HAR recorded' },
  { name: 'watch', type: 'boolean', description: 'After a 5xx, 429 or network error, wait and send again until it passes (each request may be billed)' },
  { name: 'every', type: 'string', description: 'With --watch: the wait when the server names none, doubling up to 5 min (default 30s)' },
  { name: 'watch-timeout', type: 'string', description: 'With --watch: give up after this long (default 30m)' },
];

/** The options of each command the fast reader may take. */
export const COMMAND_OPTIONS = { validate: VALIDATE_OPTIONS, check: CHECK_OPTIONS } as const;
