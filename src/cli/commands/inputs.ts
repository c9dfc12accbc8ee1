import { nowMs } from '../../shared/clock.js';
import { UsageError } from '../../shared/errors.js';
import { InputError, findHeader, type RawRequest } from '../../inputs/raw.js';
import { print, printError, registerSecret } from '../output.js';
import { parseJsonText, readInputText } from '../../request/params.js';
import { keyCarriedBy } from '../../checks/auth.js';
import { runPreflight } from '../../preflight.js';
import { DIRECT_BASE_URL, RAPIDAPI_BASE_URL, RAPIDAPI_HOST } from '../../catalog/hosts.js';
import { resolveEndpoint } from '../../catalog/resolve.js';
import { validateParams } from '../../catalog/validate.js';
import { progressFor, readKey, runOne, saveReport, type CheckArgs } from './check.js';
import type { Mode, Params, RequestSpec, ValidationResult } from '../../types.js';

// check --from-curl / --from-har / --collection: the request as the user actually has it, turned into the same
// RequestSpec the flags produce, with the input's own headers kept so the auth check can see how the key travelled.

const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** "$MASHVISOR_API_KEY" copied from a doc or a shell history: use the variable's value when it is set. */
function expandVariable(value: string): string {
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value.trim());
  return m && process.env[m[1]!] ? process.env[m[1]!]! : value;
}


function bodyOf(raw: RawRequest): unknown {
  if (raw.body === null || raw.body === '') return undefined;
  try {
    return JSON.parse(raw.body);
  } catch {
    return raw.body; // the body validator will say it is not a JSON object
  }
}

function modeOf(url: string, headers: Record<string, string>, args: CheckArgs, hinted?: Mode): Mode {
  if (args.rapidapi) return 'rapidapi';
  if (/^https?:\/\/[^/]*rapidapi\.com/i.test(url) || url.includes(RAPIDAPI_HOST)) return 'rapidapi';
  if (findHeader(headers, 'x-rapidapi-host') !== undefined && hinted !== 'direct') return 'rapidapi';
  return hinted ?? 'direct';
}

/** One raw request → a spec; the endpoint is found by its /client/... or RapidAPI path, whatever prefix precedes it. */
export async function specFromRaw(raw: RawRequest, args: CheckArgs, origin: string): Promise<RequestSpec> {
  for (const [name, value] of Object.entries(raw.headers)) {
    if (/^(x-api-key|x-rapidapi-key|authorization|api-key|x-apikey)$/i.test(name) && !value.includes('{{')) registerSecret(expandVariable(value));
  }
  const resolved = resolveEndpoint(raw.url);
  const body = bodyOf(raw);
  const params: Params = { path: resolved.path, query: resolved.query, ...(body !== undefined ? { body } : {}) };
  const mode = modeOf(raw.url, raw.headers, args, resolved.mode);
  const baseUrl = args.baseUrl ?? resolved.baseUrl ?? (mode === 'rapidapi' ? RAPIDAPI_BASE_URL : DIRECT_BASE_URL);
  const carried = keyCarriedBy(raw.headers, resolved.query);
  const fromInput = carried === undefined ? undefined : expandVariable(carried);
  if (fromInput !== undefined) registerSecret(fromInput);
  const key = fromInput !== undefined ? { key: fromInput, keySource: 'input' as const } : await readKey(args);
  // A collection's unresolved variables are summed up once for the whole collection.
  for (const note of raw.notes ?? []) {
    if (!(origin.startsWith('collection') && note.startsWith('unresolved variables'))) printError(`mashvisor-preflight: note: ${note}`);
  }
  return { operation: resolved.operation, params, mode, baseUrl, inputHeaders: raw.headers, origin, ...key };
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

interface Row {
  index: number;
  name: string;
  spec: RequestSpec | null;
  problem: string | null;
  validation: ValidationResult | null;
}

async function validateAll(raws: RawRequest[], args: CheckArgs, label: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, raw] of raws.entries()) {
    const index = raw.index ?? i + 1;
    const name = raw.name ?? `${raw.method} ${raw.url}`;
    try {
      const spec = await specFromRaw(raw, args, `${label}#${index}`);
      rows.push({ index, name, spec, problem: null, validation: await validateParams(spec.operation, spec.params) });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      rows.push({ index, name, spec: null, problem: err.message, validation: null });
    }
  }
  return rows;
}

async function printSummary(rows: Row[], extra: Map<number, string> = new Map()): Promise<void> {
  const { drawTable } = await import('../table.js');
  const cells: string[][] = [];
  for (const r of rows) {
    const result = extra.get(r.index) ?? (r.problem ? '✖ unknown' : r.validation!.valid ? (r.validation!.warnings.length ? '⚠ valid' : '✔ valid') : '✖ invalid');
    const problems = r.problem ?? [...r.validation!.errors, ...r.validation!.warnings].map((p) => `${p.severity === 'error' ? '✖' : '⚠'} ${p.message}`).join('\n');
    cells.push([String(r.index), r.name, r.spec?.operation.operationId ?? '—', result, problems || '']);
  }
  const invalid = rows.filter((r) => r.problem || !r.validation!.valid).length;
  const table = drawTable(['#', 'Request', 'Operation', 'Result', 'Problems'], cells, { keepWhole: [0, 2, 3] });
  print(`${table}\n${rows.length} request${rows.length === 1 ? '' : 's'}: ${rows.length - invalid} valid, ${invalid} invalid`);
}

function rowsJson(rows: Row[]): unknown[] {
  return rows.map((r) => ({ index: r.index, name: r.name, operationId: r.spec?.operation.operationId ?? null, problem: r.problem, validation: r.validation }));
}

async function offline(rows: Row[], args: CheckArgs): Promise<number> {
  if (args.json) print(JSON.stringify(rowsJson(rows), null, 2));
  else await printSummary(rows);
  return rows.some((r) => r.problem || !r.validation!.valid) ? 1 : 0;
}

async function fromCurl(args: CheckArgs): Promise<number> {
  const text = args.fromCurl === '-' ? await readInput('-', 'curl command') : args.fromCurl!;
  const { parseCurl } = await import('../../inputs/curl.js');
  const raw = asUsage(() => parseCurl(text), 'curl command');
  const spec = await specFromRaw(raw, args, 'curl');
  if (args.offline) {
    const { renderResult } = await import('./validate.js');
    const result = await validateParams(spec.operation, spec.params);
    print(args.json ? JSON.stringify(result, null, 2) : await renderResult(result));
    return result.valid ? 0 : 1;
  }
  return runOne(spec, args);
}

/** Why --entry N cannot be re-run: there is no entry N, or it is not a request to Mashvisor. */
function entryProblem(entry: number, count: number, mashvisor: Array<number | undefined>): string {
  const choose = `choose one of ${mashvisor.join(', ')}`;
  if (!Number.isInteger(entry) || entry < 1 || entry > count) {
    return `--entry ${entry}: entry ${entry} does not exist (the HAR has ${count} entr${count === 1 ? 'y' : 'ies'}); ${choose}`;
  }
  return `--entry ${entry}: entry ${entry} is not a Mashvisor request; ${choose}`;
}

async function fromHar(args: CheckArgs): Promise<number> {
  const { readHarEntries, filterMashvisor } = await import('../../inputs/har.js');
  const har = parseJsonText(await readInput(args.fromHar!, 'HAR file'), args.fromHar!);
  const all = asUsage(() => readHarEntries(har), args.fromHar!);
  const entries = filterMashvisor(all);
  if (!entries.length) throw new UsageError(`${args.fromHar}: no Mashvisor requests in this HAR (api.mashvisor.com, mashvisor-api.p.rapidapi.com or /v1.1/client/ paths)`);
  if (args.entry !== undefined) {
    const chosen = entries.find((e) => e.index === args.entry);
    if (!chosen) throw new UsageError(entryProblem(args.entry, all.length, entries.map((e) => e.index)));
    return runOne(await specFromRaw(chosen, args, `har#${args.entry}`), args);
  }
  if (!args.offline && entries.length > 1) {
    throw new UsageError(`${args.fromHar} holds ${entries.length} Mashvisor requests (entries ${entries.map((e) => e.index).join(', ')}): validate them all with --offline, or re-run one with --entry N`);
  }
  if (!args.offline) return runOne(await specFromRaw(entries[0]!, args, `har#${entries[0]!.index}`), args);
  return offline(await validateAll(entries, args, 'har'), args);
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

async function fromCollection(args: CheckArgs): Promise<number> {
  const { loadCollection } = await import('../../inputs/postman.js');
  const json = parseJsonText(await readInput(args.collection!, 'collection'), args.collection!);
  const env = args.envFile ? parseJsonText(await readInput(args.envFile, 'environment file'), args.envFile) : undefined;
  const loaded = asUsage(() => loadCollection(json, { env, vars: parseVars(args.var) }), args.collection!);
  if (loaded.auth?.value && !loaded.auth.value.includes('{{')) registerSecret(expandVariable(loaded.auth.value));
  if (loaded.unresolved.length) printError(`mashvisor-preflight: note: unresolved variables: ${loaded.unresolved.map((v) => `{{${v}}}`).join(', ')} (set them with --var name=value or --env-file)`);
  const rows = await validateAll(loaded.requests, args, 'collection');
  if (args.offline) return offline(rows, args);
  return liveCollection(rows, args);
}

/** Live checks, one request each, until --max-requests is spent; the rest are listed as not run. */
async function liveCollection(rows: Row[], args: CheckArgs): Promise<number> {
  let budget = args.maxRequests ?? 1;
  const results = new Map<number, string>();
  const reports: unknown[] = [];
  let failed = false;
  for (const row of rows) {
    if (!row.spec) {
      failed = true;
      continue;
    }
    if (budget <= 0 && row.validation!.valid) {
      results.set(row.index, '– not run');
      continue;
    }
    const started = nowMs();
    const report = await runPreflight(row.spec, { timeoutMs: args.timeout, maxRequests: Math.min(1, budget), sendAnyway: args.sendAnyway, onWaiting: progressFor(args) });
    budget -= report.requestsSent;
    const saved = await saveReport(report, args, Math.round(nowMs() - started));
    results.set(row.index, report.verdict === 'pass' ? '✔ pass' : `✖ ${report.verdict}`);
    if (report.verdict !== 'pass') failed = true;
    reports.push({ ...report, files: saved.paths });
  }
  if (args.json) print(JSON.stringify({ requests: rowsJson(rows), reports }, null, 2));
  else {
    await printSummary(rows, results);
    if ([...results.values()].includes('– not run')) print(`Budget spent: raise --max-requests to run more (each may be billed).`);
  }
  return failed ? 1 : 0;
}

/** check --from-curl / --from-har / --collection: null when none is given. */
export async function specsFromInput(args: CheckArgs): Promise<number | null> {
  const given = [args.fromCurl, args.fromHar, args.collection].filter((x) => x !== undefined).length;
  if (!given) return null;
  if (given > 1) throw new UsageError('use one of --from-curl, --from-har and --collection at a time');
  if (args.endpoint) throw new UsageError('give either an endpoint or an input (--from-curl, --from-har, --collection), not both');
  if (args.fromCurl !== undefined) return fromCurl(args);
  if (args.fromHar !== undefined) return fromHar(args);
  return fromCollection(args);
}
