// The one scrubber every outgoing byte passes: each registered secret is removed in the forms a server, a log or an
// encoder may have turned it into. One regular expression covers every secret: each character of a secret may
// appear as itself or escaped (percent-encoded once or twice, `+` for a space, JSON `\uXXXX` and `\/` at any depth
// of backslashes, HTML numeric or named entities), so mixed encodings are caught too; base64 copies are matched as
// the groups that encode the same way wherever the secret sits in a longer blob.
import { maskFor } from './fingerprint.js';
import { MAYBE_INVISIBLE, MAYBE_PERCENT_INVISIBLE, withoutInvisible } from './invisible.js';

/**
 * Secrets shorter than this are not looked for in free text: a 5-character value ("admin", "12345") occurs in
 * ordinary text often enough that replacing it everywhere would damage reports. Where such a value sits in a known
 * place (a key header, a key-like parameter), structural redaction still masks it.
 */
export const MIN_SECRET_LENGTH = 6;

/**
 * An unresolved variable ({{apiKey}}, $MASHVISOR_API_KEY, ${KEY}) is a name, not a secret: shown as it is, it tells
 * the user which variable to set. A real key never has this shape.
 */
export function isVariableName(value: string): boolean {
  return /^\s*(?:\{\{\s*[\w.-]+\s*\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)\s*$/.test(value);
}


/** A cut tail shorter than this says nothing about the secret it began. */
const MIN_TAIL = 3;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Hex digits matched in either case: %2f and %2F, \u00E9 and \u00e9. */
function hexPattern(n: number, width: number): string {
  return n.toString(16).padStart(width, '0').replace(/[a-f]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

const NAMED_ENTITY: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/** Every way one character (a code point) of a secret may have been written. */
function charPattern(ch: string): string {
  const alts = [escapeRegExp(ch)];
  alts.push([...Buffer.from(ch, 'utf8')].map((b) => `%(?:25)*${hexPattern(b, 2)}`).join(''));
  if (ch === ' ') alts.push('\\+');
  const units: number[] = [];
  for (let i = 0; i < ch.length; i++) units.push(ch.charCodeAt(i));
  // An escape starts where a run of backslashes starts: trying it again at each backslash inside a long run would
  // make a hostile body of backslashes slow to scan.
  alts.push(units.map((u) => `(?<!\\\\)\\\\{1,8}u${hexPattern(u, 4)}`).join(''));
  if (ch === '/' || ch === '"') alts.push(`(?<!\\\\)\\\\{1,8}${escapeRegExp(ch)}`);
  const cp = ch.codePointAt(0)!;
  alts.push(`&(?:amp;)*#(?:0*${cp}|[xX]0*${hexPattern(cp, 1)});?`);
  if (NAMED_ENTITY[ch]) alts.push(`&(?:amp;)*${NAMED_ENTITY[ch]};`);
  return `(?:${alts.join('|')})`;
}

/**
 * Base64 pieces that appear whenever the secret is base64-encoded, alone or inside a longer text
 * (e.g. "Basic base64(user:key)"): the secret can start at any of three byte offsets in a 3-byte group, and only
 * the groups made entirely of secret bytes encode the same way whatever surrounds them.
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>();
  const whole = bytes.toString('base64');
  forms.add(whole);
  forms.add(whole.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  for (let offset = 0; offset < 3; offset++) {
    const lead = offset === 0 ? 0 : 3 - offset; // secret bytes that share the first group with foreign bytes
    const usable = Math.floor((bytes.length - lead) / 3) * 3;
    if (usable < 6) continue;
    const core = bytes.subarray(lead, lead + usable);
    forms.add(core.toString('base64'));
    forms.add(core.toString('base64url'));
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** A partly written escape at the very end of a cut text: "%2", "\u00", "&#x4". */
const PARTIAL_ESCAPE = '(?:%(?:25)*[0-9a-fA-F]?|\\\\+(?:u[0-9a-fA-F]{0,3})?|&(?:amp;)*#?[xX]?[0-9a-fA-F]*)?';

interface Compiled {
  pattern: RegExp;
  /**
   * The same secrets in their literal forms only (raw, its prefix, base64, latin1-misread), with the same capture
   * groups. Text with no escape that could encode a secret's character can only hold those forms, and this pattern
   * is far cheaper for V8 to compile than the character-by-character one, which is then never compiled at all.
   */
  plain: RegExp;
  /** Finds an escape that could encode one of the secrets' characters; null when every text needs `pattern`. */
  escapes: RegExp | null;
  /** Capture group n+1 holds secret n. */
  order: string[];
  tails: RegExp[];
  literals: string[];
  window: number;
}

/**
 * Longer secrets (a whole Cookie header, a token blob) are matched in their literal forms only: a character-by-
 * character pattern that long costs more to compile than it is worth, and their parts are registered on their own.
 */
const MAX_MIXED_LENGTH = 256;

/**
 * The secret as units to match: each character, except that a run of backslashes is one unit, matched at a bounded
 * number of escaping depths. Letting each backslash match "one or more" would let a hostile run of backslashes make
 * the matcher try every way of splitting it.
 */
function unitPatterns(secret: string): string[] {
  const units: string[] = [];
  for (const m of secret.matchAll(/\\+|[^\\]/gsu)) {
    const unit = m[0];
    if (!unit.startsWith('\\')) {
      units.push(charPattern(unit));
      continue;
    }
    const k = unit.length;
    units.push(`(?<!\\\\)(?:(?:\\\\{${k}}){1,4}|(?:\\\\{1,8}u005[cC]){${k}}|(?:%(?:25)*5[cC]){${k}}|(?:&(?:amp;)*#(?:0*92|[xX]0*5[cC]);?){${k}})`);
  }
  return units;
}

/** Literal forms of a long secret: as is, JSON-escaped, percent-encoded. */
function literalForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {
    // a lone surrogate has no percent-encoded form
  }
  return forms;
}

/**
 * Servers often echo a shortened key ("key abcd1234efgh5678ijkl... is invalid"). A long secret's first PREFIX_UNITS
 * characters, and as many of the following ones as are there, are matched too; twelve characters of a random key
 * do not occur by chance. Empty for secrets too short for a prefix to tell them apart.
 */
const PREFIX_UNITS = 12;
const PREFIX_MIN_LENGTH = 16;

/** What could encode one of these secrets' characters in text: percent, \\u, numeric and named entities, \\/ and \\". */
function escapesFor(secrets: string[]): RegExp | null {
  const all = secrets.join('');
  // A backslash run or a space ('+') in a secret has forms with no escape introducer: always the full pattern.
  if (/[\\ ]/.test(all)) return null;
  const parts = ['%[0-9a-fA-F]', '\\\\+u[0-9a-fA-F]', '&(?:amp;)*#'];
  if (/[/"]/.test(all)) parts.push('\\\\+[/"]');
  if (/[&<>"']/.test(all)) parts.push('&(?:amp;)*(?:amp|lt|gt|quot|apos);');
  return new RegExp(parts.join('|'));
}

function prefixForm(units: string[]): string[] {
  if (units.length < PREFIX_MIN_LENGTH) return [];
  let nested = '';
  for (let i = units.length - 2; i >= PREFIX_UNITS; i--) nested = `(?:${units[i]}${nested})?`;
  return [`${units.slice(0, PREFIX_UNITS).join('')}${nested}`];
}

/**
 * The same for any other run of PREFIX_UNITS characters of the secret, written as is: a server may echo the key's
 * end ("key ending in ...567890abcdef"), a middle, or the key split by a line break or a dash. Each run extends over
 * as many of the secret's following characters as follow it.
 */
function innerForms(raw: string[]): string[] {
  if (raw.length < PREFIX_MIN_LENGTH) return [];
  const forms: string[] = [];
  for (let start = 1; start + PREFIX_UNITS <= raw.length; start++) {
    // A run starts on a character of the value, not on a separator ("Bearer KEY", "a=b; c=d") the text keeps.
    if (/^[\s=;,:&]$/.test(raw[start]!)) continue;
    let nested = '';
    for (let i = raw.length - 1; i >= start + PREFIX_UNITS; i--) nested = `(?:${raw[i]}${nested})?`;
    forms.push(`${raw.slice(start, start + PREFIX_UNITS).join('')}${nested}`);
  }
  return forms;
}

/**
 * Runs of at least `min` units anywhere in `units`, each extended over as many following units as are there: the
 * shape every "long run of a secret" form takes once the secret is cut into units of its encoding.
 */
function runForms(units: string[], min: number): string[] {
  const forms: string[] = [];
  for (let start = 0; start + min <= units.length; start++) {
    let nested = '';
    for (let i = units.length - 1; i >= start + min; i--) nested = `(?:${units[i]}${nested})?`;
    forms.push(`${units.slice(start, start + min).join('')}${nested}`);
  }
  return forms;
}

/** Secrets up to this length also have their long runs matched in hex, base64 and percent-encoding. */
const MAX_RUN_LENGTH = 128;

/**
 * A long run of the secret written as hex (any case: the expression ignores case) or as base64/base64url: a hex dump
 * of the key, or a slice of it inside an encoded blob. A base64 slice starting at byte i encodes the same way as
 * the base64 of the secret from byte i, group by group; PREFIX_UNITS bytes is four groups.
 */
function encodedRunForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < PREFIX_MIN_LENGTH || bytes.length > MAX_RUN_LENGTH) return [];
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
  const forms = runForms(hex, PREFIX_UNITS);
  for (let start = 0; start + PREFIX_UNITS <= bytes.length; start++) {
    const core = bytes.subarray(start, start + Math.floor((bytes.length - start) / 3) * 3);
    for (const text of [core.toString('base64'), core.toString('base64url')]) {
      const groups = text.match(/.{4}/g) ?? [];
      let nested = '';
      for (let i = groups.length - 1; i >= PREFIX_UNITS / 3; i--) nested = `(?:${escapeRegExp(groups[i]!)}${nested})?`;
      forms.push(`${groups.slice(0, PREFIX_UNITS / 3).map(escapeRegExp).join('')}${nested}`);
    }
  }
  return [...new Set(forms)];
}

/** A long run of escapes only ("%73%6b%5f…"): a slice of a secret percent-encoded character by character. */
const PERCENT_RUN = /(?:%(?:25)*[0-9a-fA-F]{2}){12,}/g;

function percentDecoded(run: string): string {
  const bytes = (run.match(/%(?:25)*([0-9a-fA-F]{2})/g) ?? []).map((e) => parseInt(e.slice(-2), 16));
  return Buffer.from(bytes).toString('utf8');
}

// Scrubbers of the same secrets (the CLI's output boundary, each report's own) share one compiled matcher: V8
// compiles a large regular expression on its first use, once per RegExp object.
const compiledCache = new Map<string, Compiled>();

function compiledFor(secrets: string[]): Compiled {
  const id = [...secrets].sort().join('\u0000');
  let compiled = compiledCache.get(id);
  if (!compiled) {
    if (compiledCache.size >= 16) compiledCache.clear();
    compiledCache.set(id, (compiled = compile(secrets)));
  }
  return compiled;
}

function compile(secrets: string[]): Compiled {
  // Longest first: a secret that contains another one is replaced whole.
  const order = [...secrets].sort((a, b) => b.length - a.length);
  const groups: string[] = [];
  const plainGroups: string[] = [];
  const tails: RegExp[] = [];
  const literals: string[] = [];
  for (const secret of order) {
    const mixed = secret.length <= MAX_MIXED_LENGTH;
    const units = mixed ? unitPatterns(secret) : [];
    const b64 = base64Forms(secret);
    // A non-ASCII secret echoed in a header arrives as its UTF-8 bytes read as latin1 ("Ã©" for "é").
    const misread = Buffer.from(secret, 'utf8').toString('latin1');
    const literal = [...b64, ...(misread !== secret ? [misread] : []), ...(mixed ? [] : literalForms(secret))];
    literals.push(...literal);
    const raw = [...secret].map(escapeRegExp);
    const inner = mixed ? innerForms(raw) : [];
    const encoded = encodedRunForms(secret);
    groups.push(`(${[...(mixed ? [units.join(''), ...prefixForm(units)] : []), ...inner, ...encoded, ...literal.map(escapeRegExp)].join('|')})`);
    plainGroups.push(`(${[...(mixed ? [raw.join(''), ...prefixForm(raw)] : []), ...inner, ...encoded, ...literal.map(escapeRegExp)].join('|')})`);
    if (!mixed) continue;
    // The secret's first units up to the cut, in any of its encodings: U1 U2 U3 (U4 (U5 ...)?)?
    const head = Math.min(MIN_TAIL, units.length - 1);
    let nested = '';
    for (let i = units.length - 2; i >= head; i--) nested = `(?:${units[i]}${nested})?`;
    tails.push(new RegExp(`${units.slice(0, head).join('')}${nested}${PARTIAL_ESCAPE}$`));
  }
  const longest = order.reduce((n, s) => Math.max(n, Math.min(s.length, MAX_MIXED_LENGTH)), 0);
  return {
    // Case ignored: a server may echo the key upper-cased, and hex comes in either case.
    pattern: new RegExp(groups.join('|'), 'gi'), plain: new RegExp(plainGroups.join('|'), 'gi'), escapes: escapesFor(order),
    order, tails, literals, window: longest * 24 + 64,
  };
}

/** Replaces every registered secret, in any of its encodings, with [REDACTED:<fingerprint>]. */
export class Scrubber {
  private readonly set = new Set<string>();
  private compiled: Compiled | null = null;
  private readonly labels = new Map<string, string>();

  /** `label` names what replaces a secret; by default its fingerprint, [REDACTED:sha256:…]. */
  constructor(secrets: Iterable<string> = [], private readonly fixedLabel?: string) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret; values too short to be told from ordinary text are left to structural redaction. */
  add(secret: unknown): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || this.set.has(secret)) return;
    if (/^\[REDACTED/.test(secret) || isVariableName(secret)) return;
    // Quotes around a value (`x-api-key: "KEY"`) delimit it and are no part of the secret. Masked with it, they
    // would take a JSON string's own quotes away ({"you":"KEY"} -> {"you":[REDACTED]}): the value inside is kept.
    const inner = secret.replace(/^\s*["'`]+|["'`]+\s*$/g, '');
    if (inner !== secret) return this.add(inner);
    this.set.add(secret);
    this.compiled = null;
  }

  get size(): number {
    return this.set.size;
  }

  secrets(): string[] {
    return [...this.set];
  }

  private matcher(): Compiled {
    return (this.compiled ??= compiledFor([...this.set]));
  }

  private label(secret: string): string {
    if (this.fixedLabel !== undefined) return this.fixedLabel;
    let label = this.labels.get(secret);
    if (label === undefined) this.labels.set(secret, (label = maskFor(secret)));
    return label;
  }

  /** The text with every registered secret replaced; the same string when there is nothing to do. */
  scrub = (text: string): string => {
    if (this.set.size === 0 || typeof text !== 'string' || text.length < MIN_SECRET_LENGTH) return text;
    let out = this.scrubForms(text);
    const percent = out.includes('%');
    if (percent) out = this.scrubPercentRuns(out);
    return MAYBE_INVISIBLE.test(out) || (percent && MAYBE_PERCENT_INVISIBLE.test(out)) ? this.scrubInvisible(out) : out;
  };

  /**
   * A secret with invisible format characters (Unicode Cf: zero-width space, joiners, soft hyphen, tags) between its
   * characters reads as the secret on screen, and so does one whose writer escaped them ("\\u200b", "&#8203;",
   * "%E2%80%8B").
   * The text is matched with them left out, and each match replaces the span of the original text it came from.
   * Only text holding such a character, or an escape that could be one, pays for this.
   */
  private scrubInvisible(text: string): string {
    const hidden = withoutInvisible(text);
    if (!hidden) return text;
    const { pattern, order } = this.matcher();
    let out = '';
    let from = 0;
    hidden.visible.replace(pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const offset = args[order.length + 1] as number;
      let label = '[REDACTED]';
      for (let n = 0; n < order.length; n++) if (args[n + 1] !== undefined) label = this.label(order[n]!);
      out += text.slice(from, hidden.original(offset)) + label;
      from = hidden.original(offset + match.length - 1) + 1;
      return '';
    });
    return from === 0 ? text : out + text.slice(from);
  }

  private scrubForms(text: string): string {
    const { pattern, plain, escapes, order } = this.matcher();
    return text.replace(escapes && !escapes.test(text) ? plain : pattern, (...args: unknown[]) => {
      for (let i = 0; i < order.length; i++) if (args[i + 1] !== undefined) return this.label(order[i]!);
      return '[REDACTED]';
    });
  }

  /**
   * A long run of percent-escapes is decoded and looked at as text: a slice of a secret encoded character by
   * character matches there as a run of the secret. Cheaper than a per-character form of every run.
   */
  private scrubPercentRuns(text: string): string {
    return text.replace(PERCENT_RUN, (run) => {
      const decoded = percentDecoded(run);
      const scrubbed = this.scrub(decoded);
      return scrubbed === decoded ? run : scrubbed;
    });
  }

  /**
   * A text cut at a size cap may end with the first characters of a secret, in any encoding, which no matcher
   * can recognise as the secret: that tail is dropped (the text was cut anyway). So is a half character.
   */
  cutTail = (text: string): string => {
    if (typeof text !== 'string') return text;
    let out = text.replace(/\uFFFD+$/, '');
    if (this.set.size === 0) return out;
    const { tails, literals, window } = this.matcher();
    for (let again = true; again; ) {
      again = false;
      const start = Math.max(0, out.length - window);
      const tail = out.slice(start);
      let cut = tail.length;
      for (const re of tails) {
        const m = re.exec(tail);
        if (m && m.index < cut) cut = m.index;
      }
      for (const form of literals) {
        for (let n = Math.min(form.length - 1, tail.length); n >= MIN_TAIL && tail.length - n < cut; n--) {
          if (tail.endsWith(form.slice(0, n))) {
            cut = tail.length - n;
            break;
          }
        }
      }
      if (cut < tail.length) {
        out = out.slice(0, start + cut);
        again = true; // what is left may itself end in another secret's beginning
      }
    }
    return out;
  };

  /** A deep copy in which every string, and every object key, was scrubbed. */
  deep = <T>(value: T): T => (this.set.size === 0 ? value : deepMap(value, this.scrub));
}

/** A deep copy in which every string, and every object key, went through `fn`. */
export function deepMap<T>(value: T, fn: (text: string) => string): T {
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fn(v);
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v)) return seen.get(v);
    if (v instanceof Date) return new Date(v.getTime());
    if (Array.isArray(v)) {
      const copy: unknown[] = [];
      seen.set(v, copy);
      for (const item of v) copy.push(walk(item));
      return copy;
    }
    const copy: Record<string, unknown> = {};
    seen.set(v, copy);
    for (const [k, item] of Object.entries(v)) copy[fn(k)] = walk(item);
    return copy;
  };
  return walk(value) as T;
}

// The scrubber a report was built with, kept beside it (not in it) so that every writer of that report applies it
// to the bytes it produces, without the report carrying its secrets.
const byReport = new WeakMap<object, Scrubber>();

export function attachScrubber(report: object, scrubber: Scrubber): void {
  byReport.set(report, scrubber);
}

/** The scrub function of the report's own scrubber, or one that changes nothing. */
export function scrubberOf(report: object): (text: string) => string {
  return byReport.get(report)?.scrub ?? ((text: string) => text);
}
