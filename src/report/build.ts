import { fillPath } from '../catalog/resolve.js';
import { documentedFor } from '../catalog/codes.js';
import { parseJson } from '../checks/response.js';
import { EXIT_CODES, verdictText } from '../checks/verdict.js';
import { TOOL_NAME, toolVersion } from '../shared/version.js';
import { reproductionCurl } from './curl.js';
import { isKeyParam, isSensitiveHeader, keyFingerprint, makeRedactor, redactDeep, redactHeaders, redactUrl, type Redactor } from '../shared/redact.js';
import type { CheckResult, Environment, Exchange, RateLimitState, Report, RequestSpec, ValidationResult, Verdict } from '../types.js';

export interface ReportInput {
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
}


/** Every value that could be a credential: the key, and whatever the user's own input carried as one. */
export function secretsOf(spec: RequestSpec, headers: Record<string, string>): string[] {
  const found = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    const bare = v.trim().replace(/^["']|["']$/g, '').replace(/^(bearer|basic)\s+/i, '').trim();
    for (const s of [v, v.trim(), bare]) if (s.length >= 4) found.add(s);
  };
  add(spec.key);
  for (const source of [spec.inputHeaders ?? {}, headers]) {
    for (const [name, value] of Object.entries(source)) if (isSensitiveHeader(name)) add(value);
  }
  // A key put among the parameters, or at the top of a JSON body, is a key all the same.
  const body = spec.params.body && typeof spec.params.body === 'object' && !Array.isArray(spec.params.body) ? spec.params.body as Record<string, unknown> : {};
  for (const [name, value] of [...Object.entries(spec.params.query), ...Object.entries(body)]) if (isKeyParam(name)) [value].flat().forEach(add);
  return [...found].sort((a, b) => b.length - a.length);
}

/** A message as a clause inside a longer sentence: no closing full stop. */
const clause = (text: string) => text.trim().replace(/[.;]+$/, '');

function summaryOf(verdict: Verdict, checks: CheckResult[], spec: RequestSpec, requestsSent: number, status: number | null): string {
  const op = spec.operation;
  const what = `${spec.method ?? op.method} ${op.path} (${op.operationId})`;
  const response = checks.find((c) => c.id === 'response');
  if (verdict === 'pass' && requestsSent === 0) return `${what}: the checks before the call pass — ${clause(response?.message ?? 'no request was sent')}.`;
  if (verdict === 'pass') return `${what}: the request works — ${clause(response?.message ?? 'success')}.`;
  const failed = checks.filter((c) => c.status === 'fail');
  const first = failed.find((c) => c.id === 'response') ?? failed[0];
  return `${what}: ${clause(first?.message ?? 'problem found')} — ${verdictText(verdict, status).split(' — ')[1]}.`;
}

/**
 * A body cut at the size cap may end with the first characters of a secret, which no redactor can recognise
 * as the secret: drop such a tail.
 */
export function dropSecretPrefixTail(text: string, secrets: string[]): string {
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, text.length); n >= 4; n--) {
      if (text.endsWith(secret.slice(0, n))) return text.slice(0, text.length - n);
    }
  }
  return text;
}

function responseOf(exchange: Exchange | null, redact: Redactor, secrets: string[]): Report['response'] {
  const res = exchange?.response;
  if (!exchange || !res) return null;
  const text = redact(res.truncated ? dropSecretPrefixTail(res.body, secrets) : res.body);
  const parsed = res.truncated ? { ok: false as const } : parseJson(text);
  const doc = documentedFor(res.status);
  return {
    status: res.status,
    statusText: res.statusText,
    httpVersion: res.httpVersion,
    headers: redactHeaders(res.headers, redact),
    body: parsed.ok ? redactDeep(parsed.value, redact) : null,
    bodyText: text,
    bodyBytes: res.bodyBytes,
    truncated: res.truncated,
    contentType: res.headers['content-type'] ?? null,
    documented: doc ? { code: doc.code, text: doc.documented } : null,
    timings: exchange.timings,
  };
}

/** The one report every format is written from. Everything in it passes through redaction. */
export function buildReport(input: ReportInput): Report {
  const { spec, exchange, verdict } = input;
  const secrets = secretsOf(spec, input.headers);
  const redact = makeRedactor(secrets);
  const url = redactUrl(input.url, redact);
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
    summary: summaryOf(verdict, input.checks, spec, input.requestsSent, exchange?.response?.status ?? null),
    request: {
      method,
      endpoint: spec.operation.path,
      operationId: spec.operation.operationId,
      mode: spec.mode,
      baseUrl: spec.baseUrl,
      url,
      query: spec.params.query,
      path: spec.params.path,
      body: spec.params.body ?? null,
      headers,
      origin: spec.origin ?? 'flags',
    },
    response: responseOf(exchange, redact, secrets),
    error: exchange?.error ?? null,
    ...(exchange ? { timings: exchange.timings } : {}),
    checks: input.checks,
    rateLimit: input.rateLimit,
    key: { present: Boolean(spec.key), fingerprint: key?.fingerprint ?? null, last4: key?.last4 ?? null, source: spec.key ? spec.keySource ?? null : null },
    requestsSent: input.requestsSent,
    validation: { errors: input.validation.errors, warnings: input.validation.warnings },
    reproduction: {
      curl: reproductionCurl({ method, url, headers, body: sendsBody ? spec.params.body : undefined, mode: spec.mode }),
    },
    environment: input.environment,
  };
  // Deep pass: a key may hide anywhere (a check message quoting the server, a parameter value, a note).
  return redactDeep(report, redact);
}

export function requestPath(spec: RequestSpec): string {
  const template = spec.mode === 'rapidapi' ? spec.operation.rapidapiPath ?? spec.operation.path.replace(/^\/client/, '') : spec.operation.path;
  return fillPath(template, spec.params.path);
}
