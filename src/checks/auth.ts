import { DOCUMENTED_CODES } from '../catalog/codes.js';
import { findHeader, hasHeader } from '../shared/headers.js';
import { isKeyParam } from '../shared/redact.js';
import { responseCheck } from './response.js';
import { keyCarriedBy, MISSPELLED_KEY_HEADER } from '../request/key-place.js';
import type { Cause } from './causes.js';
import type { AuthDetails, Check, CheckContext, CheckResultOf, Exchange, Mode, RequestSpec } from '../types.js';

const PLACEHOLDER = /^(<[^>]*>|\{\{[^}]*\}\}|\$\{?[A-Z_][A-Z0-9_]*\}?|your[-_ ]?(api[-_ ]?)?key|api[-_ ]?key|x{3,}|\*{3,}|changeme|replace[-_ ]?me|<?api key>?|test|key)$/i;
/** RapidAPI keys carry recognisable markers ("msh…p…jsn…"). */
const RAPIDAPI_KEY = /msh[0-9a-f]{6,}p[0-9a-f]{6,}jsn[0-9a-f]{6,}/i;

export function looksLikeRapidApiKey(key: string): boolean {
  return RAPIDAPI_KEY.test(key);
}

function unquoted(key: string): string {
  return key.trim().replace(/^["']|["']$/g, '');
}

/** Problems with the key itself, found before anything is sent. Each one stops the (billed) call. */
export function keyProblems(key: string | undefined): string[] {
  if (key === undefined) return ['no API key: pass --key-file FILE, set MASHVISOR_API_KEY, or --key'];
  if (key.trim() === '') return ['the key is empty: check the key file or MASHVISOR_API_KEY'];
  const problems: string[] = [];
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(unquoted(key))?.[1];
  if (variable) problems.push(`the key is a placeholder, the name of the shell variable ${variable}, never expanded (single quotes keep $ as written): use double quotes, or --key-file`);
  else if (PLACEHOLDER.test(unquoted(key))) problems.push('the key is a placeholder, not a real key (e.g. YOUR_API_KEY): paste the key from your dashboard');
  if (/[\r\n]/.test(key)) problems.push('the key contains a newline: remove it');
  else if (/^\s|\s$/.test(key)) problems.push('the key has surrounding whitespace: remove it');
  else if (/\s/.test(key.replace(/^bearer\s+/i, ''))) problems.push('the key contains whitespace: a key is one word');
  if (/^["'].*["']$/s.test(key.trim())) problems.push('the key is wrapped in quotes: send it without them');
  if (/^bearer\s/i.test(key.trim())) problems.push('the key starts with "Bearer ": the API wants the bare key in its key header, not a bearer token');
  return problems;
}

/** How the user's own request carried the key (curl, HAR, collection, interceptor): name each mistake. */
export function headerMistakes(headers: Record<string, string> | undefined, query: Record<string, unknown>, mode: Mode): string[] {
  const mistakes: string[] = [];
  const names = Object.keys(headers ?? {});
  const has = (n: string) => hasHeader(headers ?? {}, n);
  const expected = mode === 'direct' ? 'x-api-key' : 'x-rapidapi-key';
  for (const name of names) {
    const lower = name.toLowerCase();
    const value = headers![name]!;
    if (lower === 'authorization' && /^bearer\s/i.test(value) && !has(expected)) {
      mistakes.push(`the key travels as a Bearer token in the Authorization header; the ${mode === 'direct' ? 'direct API' : 'RapidAPI gateway'} expects the ${expected} header`);
    } else if (MISSPELLED_KEY_HEADER.test(lower) && lower !== 'x-api-key') {
      mistakes.push(`the key travels in a header named "${name}"; the API expects "${expected}"`);
    }
  }
  if (mode === 'direct' && has('x-rapidapi-key')) mistakes.push('RapidAPI headers (x-rapidapi-key) sent to the direct API: api.mashvisor.com reads only x-api-key');
  if (mode === 'rapidapi' && has('x-api-key') && !has('x-rapidapi-key')) mistakes.push('x-api-key sent through RapidAPI: RapidAPI expects x-rapidapi-key and x-rapidapi-host');
  if (mode === 'rapidapi' && has('x-rapidapi-key') && !has('x-rapidapi-host')) mistakes.push('x-rapidapi-host is missing: RapidAPI needs it next to x-rapidapi-key');
  for (const name of Object.keys(query)) {
    if (isKeyParam(name)) mistakes.push(`the key travels in the query string (${name}=…): it belongs in the ${expected} header, and URLs end up in logs`);
  }
  return mistakes;
}

/** A key of the other kind (RapidAPI vs dashboard), when its shape tells. */
function crossedKey(spec: RequestSpec): string | null {
  if (!spec.key) return null;
  if (spec.mode === 'direct' && looksLikeRapidApiKey(spec.key)) {
    return 'this looks like a RapidAPI key sent to the direct API: use --rapidapi, or a key from your Mashvisor dashboard';
  }
  if (spec.mode === 'rapidapi' && !looksLikeRapidApiKey(spec.key)) {
    return 'this does not look like a RapidAPI key (those hold "msh" and "jsn"): a Mashvisor dashboard key works only on api.mashvisor.com (drop --rapidapi)';
  }
  return null;
}

function crossedAdvice(spec: RequestSpec): string {
  return spec.mode === 'rapidapi'
    ? 'Send your RapidAPI key with --rapidapi, or drop --rapidapi to use this key on api.mashvisor.com.'
    : 'Use a key from your Mashvisor dashboard, or call through RapidAPI (--rapidapi) with this key.';
}

export interface AuthPreflight {
  blocking: string[];
  notes: string[];
  /** The blocking problems are how the user's own request carried the key, not the key itself. */
  misplaced: boolean;
}

function carriesExpectedHeader(spec: RequestSpec): boolean {
  return hasHeader(spec.inputHeaders ?? {}, spec.mode === 'direct' ? 'x-api-key' : 'x-rapidapi-key');
}

/**
 * Before the call: problems that make sending pointless, and notes on how the key is carried. When the user's own
 * request carries the key the wrong way (Bearer, a misspelled header, the query string) and not the documented way,
 * the API cannot accept it: that too stops the (billed) call.
 */
export function authPreflight(spec: RequestSpec): AuthPreflight {
  const notes = headerMistakes(spec.inputHeaders, spec.params.query, spec.mode);
  const misplaced = spec.keySource === 'input' && notes.length > 0 && !carriesExpectedHeader(spec);
  return {
    blocking: misplaced ? notes : keyProblems(spec.key),
    notes: misplaced ? [] : notes,
    misplaced,
  };
}

function serverMessage(exchange: Exchange): string | null {
  try {
    const body = JSON.parse(exchange.response?.body ?? '') as { message?: unknown };
    return typeof body.message === 'string' ? body.message : null;
  } catch {
    return null;
  }
}

function keyHeaderText(spec: RequestSpec): string {
  return spec.mode === 'direct' ? 'the x-api-key header' : 'x-rapidapi-key (with x-rapidapi-host)';
}

function blockingAdvice(spec: RequestSpec): string {
  if (spec.keySource === 'input' && spec.key && !carriesExpectedHeader(spec)) {
    return `Send the key in ${keyHeaderText(spec)} (your request sends it another way); --send-anyway sends it as it is.`;
  }
  return 'Fix the key, then run the check again.';
}

/** How the key was sent and whether the API took it: the errors page's "check your API key". */
export const authCheck: Check<'auth'> = {
  id: 'auth',
  title: 'API key',
  run: (context) => withKeyChoice(context.spec, judgeKey(context)),
};

/** Which key was judged, when the input and an option both had one (or the input's variable was unset). */
function withKeyChoice(spec: RequestSpec, result: CheckResultOf<'auth'>): CheckResultOf<'auth'> {
  if (!spec.keyNote) return result;
  return { ...result, message: `${result.message} (${spec.keyNote})`, details: { ...result.details, keyChoice: spec.keyNote } };
}

/** Answers that came before the key was looked at: the key row says so instead of "not rejected". */
const NOT_CHECKED: Partial<Record<Cause, string>> = {
  server: 'the server failed before the key was looked at',
  'upstream-timeout': 'the gateway timed out waiting for the API',
  'host-header': 'RapidAPI found no API for the x-rapidapi-host sent, so it looked at no subscription',
  'no-route': 'nothing at that path answered, so no key was looked at',
};

/** The gateway's own 401/403 answers, by what they say about the key. */
const GATEWAY_KEY: Partial<Record<Cause, { status: 'pass' | 'fail'; text: string; advice: string }>> = {
  plan: { status: 'pass', text: 'the key was recognised; your plan, not the key, leaves this endpoint out (see the response row).', advice: '' },
  subscription: { status: 'fail', advice: 'Subscribe to the API on RapidAPI with the app whose key you send, and check the key is that app\'s, copied whole.',
    text: 'no subscription to this API for the key sent — or no such key: RapidAPI gives this answer to an unknown or mistyped key too.' },
  key: { status: 'fail', advice: 'Copy the key again from your RapidAPI app and send it in x-rapidapi-key (with x-rapidapi-host), without quotes or spaces.',
    text: 'the gateway refused the key (its own answer, not the API\'s).' },
};

/** The cause the response row names for this answer, when the answer came through the gateway or before auth. */
function answerCause(context: CheckContext): Cause | undefined {
  const details = responseCheck.run(context).details;
  // The gateway checks the key before it looks for the path: its "no such endpoint" does not skip the key.
  if (details.from === 'gateway') return details.cause === 'no-route' ? undefined : details.cause;
  if (details.cause === 'server' && (details.status ?? 0) >= 500) return 'server';
  return details.cause === 'no-route' ? 'no-route' : undefined;
}

function judgeKey(context: CheckContext): CheckResultOf<'auth'> {
  const { spec, exchange, recordedBy, notSent } = context;
  const pre = authPreflight(spec);
  const base = { id: 'auth' as const, title: authCheck.title };
  const details: AuthDetails = { mode: spec.mode, header: spec.mode === 'direct' ? 'x-api-key' : 'x-rapidapi-key', notes: pre.misplaced ? pre.blocking : pre.notes };
  const status = exchange?.response?.status;
  // A key sent the wrong way that the API took anyway (a 2xx): the answer outranks our reading, so only warn.
  const tookIt = pre.misplaced && status !== undefined && status >= 200 && status < 300;
  const notes = tookIt ? pre.blocking : pre.notes;
  if (pre.blocking.length && !tookIt && !exchange && notSent === 'budget') {
    // Only validating (--offline, --max-requests 0): a key problem would stop a live check, not this one.
    return { ...base, status: 'warn', message: `${pre.blocking.join('; ')}: a live check would stop here. No request was sent (none was allowed).`,
      advice: blockingAdvice(spec), details };
  }
  if (pre.blocking.length && !tookIt) {
    const sent = !exchange ? ' No request was sent.' : recordedBy ? ` (as ${recordedBy} sent it)` : ' (sent anyway)';
    return { ...base, status: 'fail', message: `${pre.blocking.join('; ')}.${sent}`, advice: blockingAdvice(spec), details };
  }
  if (status === undefined) {
    return { ...base, status: notes.length ? 'warn' : 'skip', message: exchange ? 'not checked: no answer from the API' : 'not checked: no request was sent',
      advice: notes.join('; '), details: { ...details, notChecked: true } };
  }
  const cause = answerCause(context);
  const unchecked = cause ? NOT_CHECKED[cause] : undefined;
  if (unchecked) {
    return { ...base, status: notes.length ? 'warn' : 'skip', message: `not checked: ${unchecked} (HTTP ${status})`, advice: notes.join('; '),
      details: { ...details, notChecked: true } };
  }
  const gateway = cause ? GATEWAY_KEY[cause] : undefined;
  if (gateway && (status === 401 || status === 403)) {
    const said = serverMessage(exchange!);
    const crossed = gateway.status === 'fail' ? crossedKey(spec) : null;
    if (crossed) details.crossedKey = true;
    return { ...base, status: gateway.status, details: { ...details, serverMessage: said },
      message: `${status} from RapidAPI: ${gateway.text}${said ? ` The gateway said: "${said}"` : ''}${crossed ? ` — ${crossed}` : ''}`,
      advice: gateway.status === 'pass' ? '' : notes.join('; ') || (crossed ? crossedAdvice(spec) : gateway.advice) };
  }
  const crossed = crossedKey(spec);
  if (status === 401 || status === 403) {
    const said = serverMessage(exchange!);
    if (crossed) details.crossedKey = true;
    // The mix-up itself is named in the message; the advice says what to do about it, so it is not said twice.
    const hint = notes.join('; ') || (crossed ? crossedAdvice(spec) : '');
    const what = status === 401
      ? `401: the key is wrong or inactive (${DOCUMENTED_CODES['401']!.documented})`
      : '403: the key may not use this API (plan or subscription; some gateways also answer so to an unknown key)';
    // The server's own words, unless they are the documented text already quoted.
    const same = said !== null && status === 401 && said.trim().replace(/\.$/, '') === DOCUMENTED_CODES['401']!.documented.trim().replace(/\.$/, '');
    return { ...base, status: 'fail', details: { ...details, serverMessage: said },
      message: `${what}${said && !same ? ` The server said: "${said}"` : ''}${crossed ? ` — ${crossed}` : ''}`,
      advice: hint || `Check that the key is active in your dashboard and sent in ${keyHeaderText(spec)}, without quotes or spaces.` };
  }
  // Only a success shows the key was taken; a 4xx other than 401/403 (or a gateway's 429) may come before the key is looked at.
  const accepted = status >= 200 && status < 300 ? `the key was accepted (HTTP ${status})` : `the key was not rejected (HTTP ${status})`;
  if (notes.length) {
    return { ...base, status: 'warn', message: `${accepted}, but: ${notes.join('; ')}`, advice: 'Send the key the documented way.', details };
  }
  return { ...base, status: 'pass', message: `${accepted}, sent in ${keyHeaderText(spec)}`, advice: '', details };
}
