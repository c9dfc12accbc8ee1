import { UsageError } from '../../shared/errors.js';
import { InputError, type RawRequest } from '../../inputs/raw.js';
import { cellText, print, printError, registerSecrets } from '../output.js';
import { parseJsonText, readInputText } from '../../request/params.js';
import { readPayload } from '../../request/spec.js';
import { buildSpec, inputSecrets, RefusedError, type RequestInput } from '../../request/build.js';
import { validateParams } from '../../catalog/validate.js';
import { evaluate, outgoingRequest } from '../../preflight.js';
import { CHECK_SYMBOLS } from '../../report/json.js';
import type { Exchange, KeySource, Report, RequestSpec, ValidationResult } from '../../types.js';

// check --from-curl / --from-har / --collection: the request as the user actually has it, turned by the one request
// builder into the same RequestSpec the flags produce, with the input's own headers kept so the auth check can see
// how the key travelled. This module reads inputs and says what to run; check.ts runs it.

const MAX_INPUT_BYTES = 64 * 1024 * 1024;
/**
 * A HAR is read whole and every recorded answer judged: memory grows to some twenty times the file (a 2.1 MB HAR of
 * JSON answers peaked at 97 MiB). Above this the file is refused, naming the limit, to keep a run within 100 MiB.
 */
export const MAX_HAR_BYTES = 2 * 1024 * 1024;
/** A collection is held by the Postman SDK several times over (see MAX_COLLECTION_ITEMS in inputs/postman.ts). */
export const MAX_COLLECTION_BYTES = 1024 * 1024;

/** What of the check's arguments the inputs need; the key and -H headers are read by check.ts. */
export interface InputArgs {
  endpoint?: string;
  param?: string[];
  payload?: string;
  json?: boolean;
  baseUrl?: string;
  rapidapi?: boolean;
  fromCurl?: string;
  fromHar?: string;
  entry?: number;
  collection?: string;
  envFile?: string;
  postmanEnv?: string;
  var?: string[];
  offline?: boolean;
  allowHttp?: boolean;
}

export interface InputContext {
  key: { key?: string; keySource?: KeySource };
  extraHeaders: Record<string, string>;
}

/** "$MASHVISOR_API_KEY" copied from a doc or a shell history: use the variable's value when it is set. */
function expandVariable(value: string): string {
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value.trim());
  return m && process.env[m[1]!] ? process.env[m[1]!]! : value;
}

const noted = new Set<string>();

/** A note that every entry of a HAR or collection would repeat is said once. */
function noteOnce(note: string): void {
  if (noted.has(note)) return;
  noted.add(note);
  printError(`mashvisor-preflight: note: ${note}`);
}

/** What chose a host when an input file did, for the destination rule's message. */
function hostFromOf(origin: string): string {
  const [kind, n] = origin.split('#');
  if (kind === 'curl') return 'the curl command';
  return kind === 'har' ? `HAR entry ${n}` : `collection item ${n}`;
}

/** One raw request → a spec; the endpoint is found by its /client/... or RapidAPI path, whatever prefix precedes it. */
export function specFromRaw(raw: RawRequest, args: InputArgs, context: InputContext, origin: string, secrets: string[] = []): RequestSpec {
  const input: RequestInput = {
    origin, endpoint: raw.url, body: raw.body, inputHeaders: raw.headers, extraHeaders: context.extraHeaders,
    key: context.key, baseUrl: args.baseUrl, rapidapi: args.rapidapi, secrets, expand: expandVariable,
    method: raw.method, ...(raw.methodFrom ? { methodFrom: raw.methodFrom } : {}),
    ...(raw.shellExpanded ? { shellExpanded: true } : {}), ...(raw.unsetKey ? { unsetKey: raw.unsetKey } : {}),
    hostFrom: hostFromOf(origin), send: !args.offline, allowHttp: Boolean(args.allowHttp),
  };
  registerSecrets(inputSecrets(input));
  const spec = buildSpec(input);
  registerSecrets(spec.secrets ?? []);
  // A collection's unresolved variables are summed up once for the whole collection.
  for (const note of raw.notes ?? []) {
    if (!(origin.startsWith('collection') && note.startsWith('unresolved variables'))) printError(`mashvisor-preflight: note: ${note}`);
  }
  if (spec.keyNote) noteOnce(spec.keyNote);
  return spec;
}

async function readInput(file: string, what: string): Promise<string> {
  return readInputText(file, what, MAX_INPUT_BYTES);
}

function asUsage<T>(fn: () => T, source: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(`${source}: ${err.message}`);
    throw err;
  }
}

export interface Row {
  index: number;
  name: string;
  spec: RequestSpec | null;
  problem: string | null;
  validation: ValidationResult | null;
  /** The answer the input recorded (a HAR entry's response), or null. */
  recorded: Exchange | null;
}

async function validateAll(raws: RawRequest[], args: InputArgs, context: InputContext, label: string, secrets: string[] = []): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, raw] of raws.entries()) {
    const index = raw.index ?? i + 1;
    const name = raw.name ?? `${raw.method} ${raw.url}`;
    try {
      const spec = specFromRaw(raw, args, context, `${label}#${index}`, secrets);
      rows.push({ index, name, spec, problem: null, validation: await validateParams(spec.operation, spec.params, spec), recorded: raw.recorded ?? null });
    } catch (err) {
      // A key that would go where the user did not send it stops the whole run, before any row is sent.
      if (!(err instanceof UsageError) || err instanceof RefusedError) throw err;
      // The request could not be read (a path typo, say), but what the server answered still says something.
      rows.push({ index, name, spec: null, problem: err.message, validation: null, recorded: raw.recorded ?? null });
    }
  }
  return rows;
}

export async function printSummary(rows: Row[], extra: Map<number, string> = new Map(), findings: Map<number, string[]> = new Map(), tally?: string): Promise<void> {
  const { drawTable } = await import('../table.js');
  const cells: string[][] = [];
  for (const r of rows) {
    const result = extra.get(r.index) ?? (r.problem ? '✖ unknown' : r.validation!.valid ? (r.validation!.warnings.length ? '⚠ valid' : '✔ valid') : '✖ invalid');
    const problems = r.problem ? [r.problem, ...(findings.get(r.index) ?? [])].join('\n') : [...[...r.validation!.errors, ...r.validation!.warnings].map((p) => `${p.severity === 'error' ? '✖' : '⚠'} ${p.message}`), ...(findings.get(r.index) ?? [])].join('\n');
    cells.push([String(r.index), r.name, r.spec?.operation.operationId ?? '—', result, problems || '']);
  }
  const invalid = rows.filter((r) => r.problem || !r.validation!.valid).length;
  const table = drawTable(['#', 'Request', 'Operation', 'Result', 'Problems'], cells, { keepWhole: [0, 2, 3] });
  print(`${table}\n${rows.length} request${rows.length === 1 ? '' : 's'}: ${tally ?? `${rows.length - invalid} valid, ${invalid} invalid`}`);
}

export function rowsJson(rows: Row[]): unknown[] {
  return rows.map((r) => ({ index: r.index, name: r.name, operationId: r.spec?.operation.operationId ?? null, problem: r.problem, validation: r.validation }));
}

/** What check.ts is to run: one request (live, or validated offline), or a list of requests. */
export type InputPlan =
  | { kind: 'one'; spec: RequestSpec; offline: boolean }
  | { kind: 'rows'; rows: Row[]; offline: boolean; source: 'har' | 'collection' };

async function fromCurl(args: InputArgs, context: InputContext): Promise<InputPlan> {
  const text = args.fromCurl === '-' ? await readInput('-', 'curl command') : args.fromCurl!;
  const { parseCurl } = await import('../../inputs/curl.js');
  const raw = asUsage(() => parseCurl(text), 'curl command');
  return { kind: 'one', spec: specFromRaw(raw, args, context, 'curl'), offline: Boolean(args.offline) };
}

/** Why --entry N cannot be re-run: there is no entry N, or it is not a request to Mashvisor. */
function entryProblem(entry: number, count: number, mashvisor: Array<number | undefined>): string {
  const choose = `choose one of ${mashvisor.join(', ')}`;
  if (!Number.isInteger(entry) || entry < 1 || entry > count) {
    return `--entry ${entry}: entry ${entry} does not exist (the HAR has ${count} entr${count === 1 ? 'y' : 'ies'}); ${choose}`;
  }
  return `--entry ${entry}: entry ${entry} is not a Mashvisor request; ${choose}`;
}

async function fromHar(args: InputArgs, context: InputContext): Promise<InputPlan> {
  const { readHarEntries, filterMashvisor } = await import('../../inputs/har.js');
  const har = parseJsonText(await readInputText(args.fromHar!, 'HAR file', MAX_HAR_BYTES), args.fromHar!);
  const all = asUsage(() => readHarEntries(har), args.fromHar!);
  const entries = filterMashvisor(all);
  if (!entries.length) throw new UsageError(`${args.fromHar}: no Mashvisor requests in this HAR (api.mashvisor.com, mashvisor-api.p.rapidapi.com or /v1.1/client/ paths)`);
  if (args.entry !== undefined) {
    const chosen = entries.find((e) => e.index === args.entry);
    if (!chosen) throw new UsageError(entryProblem(args.entry, all.length, entries.map((e) => e.index)));
    return { kind: 'one', spec: specFromRaw(chosen, args, context, `har#${args.entry}`), offline: false };
  }
  if (!args.offline && entries.length > 1) {
    throw new UsageError(`${args.fromHar} holds ${entries.length} Mashvisor requests (entries ${entries.map((e) => e.index).join(', ')}): validate them all with --offline, or re-run one with --entry N`);
  }
  if (!args.offline) return { kind: 'one', spec: specFromRaw(entries[0]!, args, context, `har#${entries[0]!.index}`), offline: false };
  return { kind: 'rows', rows: await validateAll(entries, args, context, 'har'), offline: true, source: 'har' };
}

function parseVars(flags: string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${JSON.stringify(flag)} must look like name=value`);
    vars[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return vars;
}

async function fromCollection(args: InputArgs, context: InputContext): Promise<InputPlan> {
  const { loadCollection } = await import('../../inputs/postman.js');
  const json = parseJsonText(await readInputText(args.collection!, 'collection', MAX_COLLECTION_BYTES), args.collection!);
  const envFile = args.postmanEnv ?? args.envFile;
  const env = envFile ? parseJsonText(await readInputText(envFile, 'environment file', MAX_COLLECTION_BYTES), envFile) : undefined;
  const loaded = asUsage(() => loadCollection(json, { env, vars: parseVars(args.var) }), args.collection!);
  // An apikey auth may put the key in a header of any name: its value is a secret whatever the name says.
  const secrets = loaded.auth?.value ? [expandVariable(loaded.auth.value)] : [];
  registerSecrets(secrets);
  if (loaded.unresolved.length) printError(`mashvisor-preflight: note: unresolved variables: ${loaded.unresolved.map((v) => `{{${v}}}`).join(', ')} (set them with --var name=value or --postman-env)`);
  return { kind: 'rows', rows: await validateAll(loaded.requests, args, context, 'collection', secrets), offline: Boolean(args.offline), source: 'collection' };
}

/** Endpoint + --payload + --param + the rest of the flags → a spec, through the one request builder. */
async function specFromFlags(args: InputArgs, context: InputContext): Promise<RequestSpec> {
  if (!args.endpoint) throw new UsageError('name an endpoint (e.g. getRentalRates), or use --from-curl, --from-har or --collection');
  const payload = await readPayload(args.payload);
  const input: RequestInput = {
    origin: 'flags', endpoint: args.endpoint, ...(payload ? { payload } : {}), paramFlags: args.param ?? [],
    extraHeaders: context.extraHeaders, key: context.key, baseUrl: args.baseUrl, rapidapi: args.rapidapi,
    send: !args.offline, allowHttp: Boolean(args.allowHttp),
  };
  registerSecrets(inputSecrets(input));
  const spec = buildSpec(input);
  registerSecrets(spec.secrets ?? []);
  return spec;
}

/**
 * Every input of check as requests: the flags (an endpoint and its parameters), --from-curl, --from-har or
 * --collection. The flags make one request that takes the live path even under --offline: that path sends nothing
 * and writes nothing then, and shows the check's table.
 */
export async function planFromInput(args: InputArgs, context: InputContext): Promise<InputPlan> {
  const given = [args.fromCurl, args.fromHar, args.collection].filter((x) => x !== undefined).length;
  if (!given) return { kind: 'one', spec: await specFromFlags(args, context), offline: false };
  if (given > 1) throw new UsageError('use one of --from-curl, --from-har and --collection at a time');
  if (args.endpoint) throw new UsageError('give either an endpoint or an input (--from-curl, --from-har, --collection), not both');
  if (args.fromCurl !== undefined) return fromCurl(args, context);
  if (args.fromHar !== undefined) return fromHar(args, context);
  return fromCollection(args, context);
}

/**
 * Each entry through the same checks as a live answer, nothing sent: its parameters, how it carried the key, and
 * the answer the HAR recorded (status, error envelope, rate-limit headers), when it recorded one.
 */
/** A recorded answer to a request no operation matches: whose answer it is and what it says, in one line. */
async function answerNote(exchange: Exchange): Promise<string | null> {
  const res = exchange.response;
  if (!res) return exchange.error ? `recorded: no answer (${exchange.error.code})` : null;
  const [{ readAnswer }, { parseJson }] = await Promise.all([import('../../checks/gateway.js'), import('../../shared/json.js')]);
  const parsed = parseJson(res.body);
  const body = parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : null;
  const envelope = body?.status === 'error' || body?.status === 'success';
  const reading = readAnswer(res.status, res.headers, body, envelope);
  const what = reading.from === 'gateway' ? `from the RapidAPI gateway${reading.means ? `: ${reading.means}` : ''}`
    : reading.from === 'api' ? 'from the API' : res.status === 404 ? 'not from the API: no such path at that base URL' : 'not in the API\'s envelope';
  return `recorded answer: HTTP ${res.status} ${what}${reading.said ? ` ("${reading.said}")` : ''}`;
}

function judgeRecorded(row: Row): Report | null {
  if (!row.spec || !row.validation) return null;
  return evaluate({
    spec: row.spec, validation: row.validation, exchange: row.recorded, requestsSent: 0, request: outgoingRequest(row.spec, {}),
    recordedBy: 'the HAR', ...(row.recorded ? {} : { notSent: 'offline' as const }),
  });
}

/** The Result cell: the recorded status and verdict, or (no answer recorded) whether the request would go out as it is. */
function recordedResult(report: Judged): string {
  const warned = report.checks.some((c) => c.status === 'warn');
  const mark = report.verdict !== 'pass' ? CHECK_SYMBOLS.fail : warned ? CHECK_SYMBOLS.warn : CHECK_SYMBOLS.pass;
  if (report.response) return `${mark} ${report.response.status} ${report.verdict}`;
  if (report.error) return `${mark} no answer`;
  return `${mark} ${report.verdict === 'pass' ? 'valid' : 'invalid'}`;
}

/** The footer of a list whose rows show outcomes: it counts those outcomes, not the validation. */
export function outcomeTally(rows: Row[], results: Map<number, string>): string {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const outcome = row.problem ? 'unreadable' : (results.get(row.index) ?? (row.validation!.valid ? 'valid' : 'invalid')).replace(/^\S+\s/, '');
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  return [...counts].map(([outcome, n]) => `${n.toLocaleString('en-US')} ${outcome}`).join(', ');
}

/** A key check that had no answer to judge but warns about how the request carried the key: its notes say more. */
const notCheckedButNoted = (c: Judged['checks'][number]) => 'notChecked' in c.details && c.details.notChecked === true && c.advice !== '';

/** The Problems cell: what each check beyond the parameters found, one line each (parameters are listed as before). */
export function recordedFindings(report: Judged): string[] {
  return report.checks
    .filter((c) => c.id !== 'params' && (c.status === 'fail' || c.status === 'warn'))
    .map((c) => `${CHECK_SYMBOLS[c.status]} ${c.title}: ${notCheckedButNoted(c) ? c.advice : c.message}`);
}

/** Offline: the table (or JSON) of every request's validation; a HAR's recorded answers are judged too. */
export async function printOffline(rows: Row[], args: InputArgs, source: 'har' | 'collection'): Promise<number> {
  if (source === 'har') return offlineHar(rows, args);
  if (args.json) print(JSON.stringify(rowsJson(rows), null, 2));
  else await printSummary(rows);
  return rows.some((r) => r.problem || !r.validation!.valid) ? 1 : 0;
}

/** What the table and --json show of a judged entry; the rest of its report (the body, parsed) is let go at once. */
type Judged = Pick<Report, 'verdict' | 'summary' | 'checks' | 'error'> & { response: { status: number } | null };

async function offlineHar(rows: Row[], args: InputArgs): Promise<number> {
  const reports = new Map<number, Judged>();
  for (const row of rows) {
    const report = judgeRecorded(row);
    // Judged: its body is not needed again. An unreadable row keeps its answer for the note below.
    if (row.spec) row.recorded = null;
    if (report) {
      const { verdict, summary, checks, error, response } = report;
      reports.set(row.index, { verdict, summary, checks, error, response: response ? { status: response.status } : null });
    }
  }
  const failed = rows.some((r) => r.problem || reports.get(r.index)?.verdict !== 'pass');
  if (args.json) {
    print(JSON.stringify(rowsJson(rows).map((row, i) => {
      const report = reports.get(rows[i]!.index);
      return { ...(row as object), status: report?.response?.status ?? null, verdict: report?.verdict ?? null, summary: report?.summary ?? null, checks: report?.checks ?? [] };
    }), null, 2));
  } else {
    const results = new Map([...reports].map(([index, report]) => [index, recordedResult(report)]));
    const findings = new Map([...reports].map(([index, report]) => [index, recordedFindings(report)]));
    let notes = 0;
    for (const row of rows) {
      const note = row.problem && row.recorded ? await answerNote(row.recorded) : null;
      if (!note) continue;
      findings.set(row.index, [note]);
      if (row.recorded!.response) results.set(row.index, `${CHECK_SYMBOLS.fail} ${row.recorded!.response.status}`);
      notes++;
    }
    const bad = rows.filter((r) => r.problem || reports.get(r.index)?.verdict !== 'pass').length;
    const recorded = [...reports.values()].filter((r) => r.response || r.error).length + notes;
    await printSummary(rows, results, findings, `${rows.length - bad} pass, ${bad} with a problem\n${recorded} recorded answer${recorded === 1 ? '' : 's'} judged offline; nothing was sent`);
  }
  return failed ? 1 : 0;
}

/** Offline, one request: its validation. */
export async function printOfflineOne(spec: RequestSpec, args: InputArgs): Promise<number> {
  const { renderResult } = await import('./validate.js');
  const result = await validateParams(spec.operation, spec.params, spec);
  print(args.json ? JSON.stringify(result, null, 2) : await renderResult(result));
  return result.valid ? 0 : 1;
}
