import { documentedFor } from '../catalog/codes.js';
import { parseJson } from '../shared/json.js';
import { keepEscapedWithin } from '../shared/json-bounds.js';
import { EXIT_CODES, verdictText } from '../shared/verdict.js';
import { headlineCheck } from './json.js';
import { TOOL_NAME, toolVersion } from '../shared/version.js';
import { reproductionCurl } from './curl.js';
import { isKeyParam, keyFingerprint, redactHeaders, redactParams, redactUrl } from '../shared/redact.js';
import { attachScrubber, type Scrubber } from '../shared/scrub.js';
import type { Problem, CheckResult, Environment, Exchange, RateLimitState, Report, RequestSpec, ValidationResult, Verdict } from '../types.js';

export interface ReportInput {
  /**
   * The scrubber every string of the report passes, already told the request's secrets (the pipeline registers them:
   * src/preflight.ts). Taken as handed in: a report builder adds nothing to a registry the CLI shares.
   */
  redactor: Scrubber;
  spec: RequestSpec;
  validation: ValidationResult;
  exchange: Exchange | null;
  checks: CheckResult[];
  rateLimit: RateLimitState | null;
  verdict: Verdict;
  requestsSent: number;
  environment: Environment;
  /** The URL that was (or would have been) requested, key-free or not: it is redacted here. */
  url: string;
  headers: Record<string, string>;
  now?: Date;
  /** Keep the response body as text only, never walked as JSON (the fallback when walking it failed). */
  bodyAsText?: boolean;
}

/** A message as a clause inside a longer sentence: no closing full stop. */
const clause = (text: string) => text.trim().replace(/[.;]+$/, '');

/** One sentence for the top of every view: the operation, then the headline row's finding, then what to do. */
function summaryOf(verdict: Verdict, checks: CheckResult[], spec: RequestSpec, requestsSent: number, status: number | null, error?: Exchange['error']): string {
  const op = spec.operation;
  const what = `${spec.method ?? op.method} ${op.path} (${op.operationId})`;
  const found = clause(headlineCheck(checks, status)?.message ?? 'no finding');
  if (verdict === 'pass' && requestsSent === 0 && status === null) return `${what}: the checks before the call pass — ${found}.`;
  if (verdict === 'pass') return `${what}: the request works — ${found}.`;
  return `${what}: ${found} — ${verdictText(verdict, status, error).split(' — ')[1]}.`;
}

function responseOf(exchange: Exchange | null, scrubber: Scrubber, bodyAsText = false): Report['response'] {
  const res = exchange?.response;
  if (!exchange || !res) return null;
  // Scrubbed with the rest of the report by the deep pass in buildReport: the parsed body is scrubbed value by
  // value, so a secret JSON-escaped in the text is caught in its decoded form too. A body of control characters
  // would weigh six times its size in the report: less of it is kept.
  const within = keepEscapedWithin(res.body);
  const truncated = res.truncated || within.length < res.body.length;
  const text = truncated ? scrubber.cutTail(within) : res.body;
  const parsed = truncated || bodyAsText ? { ok: false as const } : parseJson(text);
  const doc = documentedFor(res.status);
  return {
    status: res.status,
    statusText: res.statusText,
    httpVersion: res.httpVersion,
    headers: redactHeaders(res.headers, scrubber.scrub),
    body: parsed.ok ? parsed.value : null,
    bodyText: text,
    bodyBytes: res.bodyBytes,
    truncated,
    contentType: res.headers['content-type'] ?? null,
    documented: doc ? { code: doc.code, text: doc.documented } : null,
    timings: exchange.timings,
  };
}

/** A finding about a key-like parameter does not quote its value. */
function maskProblem(problem: Problem): Problem {
  return isKeyParam(problem.param) && problem.value !== undefined ? { ...problem, value: redactParams({ [problem.param]: problem.value })[problem.param] } : problem;
}

/** The one report every format is written from. Everything in it passes through redaction. */
export function buildReport(input: ReportInput): Report {
  const { spec, exchange, verdict } = input;
  const scrubber = input.redactor;
  const redact = scrubber.scrub;
  const url = redactUrl(input.url, redact);
  const body = redactParams(spec.params.body);
  const headers = redactHeaders(input.headers, redact);
  const key = spec.key ? keyFingerprint(spec.key.trim()) : null;
  // The input's own method (curl -X, -I, --data; HAR; collection) is what was or would be sent.
  const method = spec.method ?? spec.operation.method;
  const sendsBody = spec.operation.hasBody || (method !== spec.operation.method && method !== 'GET' && method !== 'HEAD');
  const report: Report = {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: toolVersion() },
    createdAt: (input.now ?? new Date()).toISOString(),
    verdict,
    exitCode: EXIT_CODES[verdict],
    summary: summaryOf(verdict, input.checks, spec, input.requestsSent, exchange?.response?.status ?? null, exchange?.error),
    request: {
      method,
      endpoint: spec.operation.path,
      operationId: spec.operation.operationId,
      mode: spec.mode,
      baseUrl: redactUrl(spec.baseUrl, redact),
      url,
      query: redactParams(spec.params.query),
      path: spec.params.path,
      body: body ?? null,
      headers,
      origin: spec.origin ?? 'flags',
    },
    response: responseOf(exchange, scrubber, input.bodyAsText),
    error: exchange?.error ?? null,
    ...(exchange ? { timings: exchange.timings } : {}),
    checks: input.checks,
    rateLimit: input.rateLimit,
    key: { present: Boolean(spec.key), fingerprint: key?.fingerprint ?? null, last4: key?.last4 ?? null, source: spec.key ? spec.keySource ?? null : null },
    requestsSent: input.requestsSent,
    validation: { errors: input.validation.errors.map(maskProblem), warnings: input.validation.warnings.map(maskProblem) },
    reproduction: {
      curl: reproductionCurl({ method, url, headers, body: sendsBody ? body : undefined, mode: spec.mode }),
    },
    environment: input.environment,
  };
  // Deep pass: a key may hide anywhere (a check message quoting the server, a parameter value, a note).
  const clean = scrubber.deep(report);
  attachScrubber(clean, scrubber);
  return clean;
}
