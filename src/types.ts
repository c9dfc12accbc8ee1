// The shapes that flow through the tool, in the order the data flows:
// request spec → validation → exchange → checks → verdict → report → writers.

/** What an answer asks of the user; src/checks/causes.ts says, per cause, whether that is a fix or a wait. */
export type Cause =
  | 'ok' | 'request' | 'not-found' | 'no-route' | 'method' | 'redirect'
  | 'key' | 'subscription' | 'plan' | 'host-header' | 'quota' | 'rate'
  | 'upstream-timeout' | 'server' | 'body-too-large' | 'network';

export type Location = 'path' | 'query' | 'body';
/** The documented methods are GET and POST; an input may carry any other, which is then sent as given. */
export type HttpMethod = 'GET' | 'POST' | 'HEAD' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | (string & {});
export type Mode = 'direct' | 'rapidapi';

/** One parameter of an operation, as the catalog describes it. */
export interface ParamDoc {
  name: string;
  in: Location;
  type: string; // 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'
  required: boolean;
  /** Missing it is a warning, not an error: the sources disagree on whether it is required. */
  warnIfMissing?: string;
  enum?: string[];
  /** The enum is compared without case (the sources write its values in different cases). */
  enumIgnoreCase?: boolean;
  /** Values a source names in prose only: another value is a warning, never an error. */
  warnEnum?: string[];
  /** A form a source describes but does not enforce: a value not matching it is a warning. */
  warnPattern?: { pattern: string; expect: string };
  /** Where the warning rules above come from, quoted in their messages. */
  source?: string;
  description?: string;
}

/** A search level of a calculator: once one of `when` is given, the `needs` are advised (warnings). */
export interface SearchLevel {
  level: string;
  when: string[];
  needs: string[];
}

/** One API operation from schemas/endpoints/*.json. */
export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** Path template on the direct API, under /v1.1, e.g. /client/city/properties/{state}/{city}. */
  path: string;
  /** Path template through RapidAPI (no /v1.1/client prefix), or null when RapidAPI lists no such path. */
  rapidapiPath: string | null;
  summary: string;
  params: ParamDoc[];
  hasBody: boolean;
  /** Search levels whose missing parameters are warnings (schemas' x-warn-levels). */
  levels?: SearchLevel[];
  /** Documented fields of the JSON body, when a source lists them. */
  bodyParams?: ParamDoc[];
}

export type QueryValue = string | string[];

/** Parameters of one request, split the way they travel. Query and path values are strings, as on the wire. */
export interface Params {
  path: Record<string, string>;
  query: Record<string, QueryValue>;
  body?: unknown;
}

export type Severity = 'error' | 'warning';

/**
 * What a validation problem is about, so that code can tell problems apart without reading their text.
 * missing: a required parameter or body field is absent (as a warning: one the API needs for a useful answer);
 * type, enum, range, empty, format: the value breaks the documented type, list, limits, non-emptiness or form;
 * placeholder: still a documentation placeholder such as "<string>"; repeated: a query parameter given twice;
 * unknown: a name the operation does not have; misspelled: an unknown name close to a documented one;
 * misplaced: a path parameter given in the query; unlisted: a value outside a list or form a source names but
 * the API does not enforce; case: a state code not in capitals; method: a method the API does not document for
 * the path; not-sent: a JSON body on an operation that takes none; invalid: anything else the schema refuses.
 */
export type ProblemKind =
  | 'missing' | 'type' | 'enum' | 'range' | 'empty' | 'format' | 'placeholder' | 'repeated' | 'unknown'
  | 'misspelled' | 'misplaced' | 'unlisted' | 'case' | 'method' | 'not-sent' | 'invalid';

/** One finding of the offline validation. */
export interface Problem {
  kind: ProblemKind;
  param: string;
  in: Location | 'request';
  severity: Severity;
  /** What is wrong, in the API's terms: "state is required: the API answers 404 when it is missing". */
  message: string;
  /** How to fix it. */
  fix: string;
  value?: unknown;
  /** The operation whose parameters the name is not among (kind 'unknown'), to point at its documentation. */
  operationId?: string;
}

export interface ValidationResult {
  operationId: string;
  method: HttpMethod;
  endpoint: string;
  valid: boolean;
  errors: Problem[];
  warnings: Problem[];
}

/** Where the API key came from; never the key itself. */
export type KeySource = 'flag' | 'file' | 'env' | 'input' | 'option';

/** Everything needed to make (or judge) one request. */
export interface RequestSpec {
  operation: Operation;
  params: Params;
  mode: Mode;
  /** e.g. https://api.mashvisor.com/v1.1 or https://mashvisor-api.p.rapidapi.com */
  baseUrl: string;
  key?: string;
  keySource?: KeySource;
  /** Headers exactly as the user's input carried them (curl, HAR, collection, interceptor); used by the auth check. */
  inputHeaders?: Record<string, string>;
  /**
   * Every credential the request carries, wherever it sat (key, headers, userinfo, key-like parameters, proxy
   * settings): filled by the request builder; reports and output remove each of them in any encoding.
   */
  secrets?: string[];
  /** Where the spec came from, for the report: 'flags', 'curl', 'har#3', 'collection:Get rental rates', 'interceptor'. */
  origin?: string;
  /** The method the input used, when it came from one (curl, HAR, collection); else the operation's own. */
  method?: HttpMethod;
  /** What in the input set that method, for messages: "-X/--request POST", "-I/--head", "the HAR entry". */
  methodFrom?: string;
  /** Which key was used and why, when the input and --key / --key-file / the environment both had one (or the input's was unset). */
  keyNote?: string;
}

export type NetworkErrorKind = 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'redirect' | 'budget' | 'other';

export interface Timings {
  dns: number | null;
  connect: number | null;
  tls: number | null;
  firstByte: number | null;
  download: number | null;
  total: number;
}

/** One recorded HTTP exchange. Headers and URL here may still hold the key: redaction happens when the report is built. */
export interface Exchange {
  startedAt: string;
  request: {
    method: HttpMethod;
    url: string;
    headers: Record<string, string>;
    body: string | null;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: Record<string, string>;
    body: string;
    bodyBytes: number;
    truncated: boolean;
    /** A recorded answer whose body the recording left out (a HAR saved without content): not an empty body. */
    bodyNotRecorded?: true;
    /** The exchange stopped reading at the read limit: the body did not end there, so it was never judged whole. */
    readStopped?: true;
  } | null;
  timings: Timings;
  error: { kind: NetworkErrorKind; code: string; message: string } | null;
  /** A redirect that was not followed (the key must not travel to another host). */
  redirect: { status: number; location: string; crossHost: boolean } | null;
}

export type CheckId = 'params' | 'auth' | 'rate-limit' | 'response';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** Why no request was sent: invalid parameters, an unusable key, a request budget of 0, or an offline reading. */
export type NotSent = 'params' | 'key' | 'budget' | 'offline';

/** Whose side a response points at; the verdict is read from it. */
export type Side = 'client' | 'server' | 'network' | 'none';

/** What --probe found: extra identical requests, stopped at the first 429 or other failure. */
export interface ProbeResult {
  sent: number;
  accepted: number;
  hit429: boolean;
  retryAfterSeconds: number | null;
  /** Why the probe stopped before its count: '429', 'HTTP 503', 'network error ECONNRESET', or why it never ran. */
  stoppedBy?: string | null;
}

/** Everything a check may look at. Every check gets the same one, and none may change it. */
export interface CheckContext {
  spec: RequestSpec;
  validation: ValidationResult;
  /** The one exchange: ours, one captured in the user's app, or one recorded in a HAR; null when none happened. */
  exchange: Exchange | null;
  /** Why there is no exchange, when there is none. */
  notSent?: NotSent;
  /** Who sent the exchange when it was not us ('your app', 'the HAR'): the checks word their findings for it. */
  recordedBy?: string;
  sendAnyway: boolean;
  /** The rate the user's app intends (--rate), in requests per second. */
  intendedPerSecond: number | null;
  probe: ProbeResult | null;
  nowMs: number;
}

/** One header family as read from a response, with the window length when the headers tell it. */
export interface RateLimitFamily extends RateLimitState {
  windowSeconds: number | null;
}

export interface ParamsDetails {
  errors: Problem[];
  warnings: Problem[];
}

export interface AuthDetails {
  mode: Mode;
  /** The header the key belongs in for this mode. */
  header: 'x-api-key' | 'x-rapidapi-key';
  /** How the user's own request carried the key wrongly, one sentence each. */
  notes: string[];
  /** The key looks like the other kind (RapidAPI vs dashboard) and was refused. */
  crossedKey?: true;
  /** No answer said anything about the key (none came, or it was about something else): the row stands for its notes. */
  notChecked?: true;
  /** Which key was used and why, when the input and an option both had one (or the input's was unset). */
  keyChoice?: string;
  /** The server's own message on a 401/403. */
  serverMessage?: string | null;
}

export interface RateLimitDetails {
  families: RateLimitFamily[];
  probe: ProbeResult | null;
  intendedPerSecond?: number;
  allowedPerSecond?: number;
}

export interface ResponseDetails {
  side: Side;
  notSent?: NotSent | null;
  status?: number;
  class?: string;
  documented?: string | null;
  bodyBytes?: number;
  truncated?: boolean;
  envelope?: { kind: 'error' | 'success' | 'other' | null; status: unknown; code: unknown; message: unknown };
  /** A name for what the answer means beyond its status: 'state missing', 'maintenance / gateway page', ... */
  diagnosis?: string | null;
  redirect?: Exchange['redirect'];
  error?: Exchange['error'];
  /** Why the body was kept as text rather than laid out (too deep, too large): see shared/json-bounds.ts. */
  bodyKeptAsText?: string;
  /** What the answer asks of the user (src/checks/causes.ts); absent when no answer was judged. */
  cause?: Cause;
  /** Whose answer it is: the RapidAPI gateway's own, the API's envelope, or something else (a router, a page). */
  from?: 'gateway' | 'api' | 'other';
}

/** The row of a check that threw: a bug in this tool, named, instead of a lost report. */
export interface InternalErrorDetails {
  internalError: string;
}

export interface CheckDetailsById {
  params: ParamsDetails;
  auth: AuthDetails;
  'rate-limit': RateLimitDetails;
  response: ResponseDetails;
}

/** One row of the checklist; `details` is typed by `id`. */
export type CheckResult = {
  [Id in CheckId]: {
    id: Id;
    title: string;
    status: CheckStatus;
    message: string;
    advice: string;
    details: CheckDetailsById[Id] | InternalErrorDetails;
  };
}[CheckId];

/** A CheckResult of one id, as its check returns it. */
export type CheckResultOf<Id extends CheckId> = Extract<CheckResult, { id: Id }> & { details: CheckDetailsById[Id] };

/** One check as the runner knows it: an id, a title, and one pure function of the context. */
export interface Check<Id extends CheckId = CheckId> {
  id: Id;
  title: string;
  run: (ctx: CheckContext) => CheckResultOf<Id>;
}

export type Verdict = 'pass' | 'client-error' | 'server-error' | 'network-error';

export type RateLimitScope = 'rate' | 'quota' | 'unknown';

export interface RateLimitState {
  limit: number | null;
  remaining: number | null;
  percentLeft: number | null;
  resetSeconds: number | null;
  retryAfterSeconds: number | null;
  scope: RateLimitScope;
  /** Which header family: 'x-ratelimit-requests', 'x-ratelimit', 'ratelimit', 'ratelimit-structured', 'retry-after', '429' or null. */
  source: string | null;
}

export interface Environment {
  tool: string;
  node: string;
  os: string;
  arch: string;
  axios: string;
  proxyVariables: string[];
  timeUtc: string;
  timezone: string;
}

/** The single source of every output format. Holds no secret: built through redaction. */
export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  createdAt: string;
  verdict: Verdict;
  exitCode: number;
  summary: string;
  request: {
    method: HttpMethod;
    endpoint: string;
    operationId: string;
    mode: Mode;
    baseUrl: string;
    url: string;
    query: Record<string, QueryValue>;
    path: Record<string, string>;
    body: unknown;
    headers: Record<string, string>;
    origin: string;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    headers: Record<string, string>;
    body: unknown;
    bodyText: string;
    bodyBytes: number;
    truncated: boolean;
    contentType: string | null;
    documented: { code: string; text: string } | null;
    timings: Timings;
  } | null;
  error: { kind: NetworkErrorKind; code: string; message: string } | null;
  /**
   * Timings of the exchange, also when there was no response (response is null on a network error, so
   * response.timings cannot hold them). Optional: writers fall back to response.timings.
   */
  timings?: Timings;
  checks: CheckResult[];
  rateLimit: RateLimitState | null;
  key: { present: boolean; fingerprint: string | null; last4: string | null; source: KeySource | null };
  requestsSent: number;
  validation: { errors: Problem[]; warnings: Problem[] };
  reproduction: { curl: string };
  environment: Environment;
  /** Only in the final report of a `check --watch`. */
  watch?: WatchTimeline;
}

/** One request of a `check --watch`. */
export interface WatchAttempt {
  time: string;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  verdict: Verdict;
  /** The network error code when no answer came. */
  error?: string;
  durationMs?: number;
}

/** How a watch ended: a pass (at once or after failures), a verdict waiting cannot fix, or a limit reached. */
export type WatchOutcome = 'passed' | 'recovered' | 'needs-fix' | 'budget' | 'timeout' | 'interrupted';

/** The timeline of a `check --watch`, carried by its final report so the ticket says how long it lasted. */
export interface WatchTimeline {
  attempts: WatchAttempt[];
  outcome: WatchOutcome;
  /** "503 at 10:02:00, 200 at 10:11:00 — back after 9 min, 2 requests" */
  summary: string;
  /** File name of the first failure's full report, in the same directory. */
  firstFailureReport?: string;
}

export type ReportFormat = 'json' | 'md' | 'har' | 'html' | 'junit';
