// JSON.parse's messages differ between Node versions and often carry no position. When a payload is malformed
// this scanner finds where, so the user is told "line 3, column 7" whatever Node says.

export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
  expected: string;
}

class Scan {
  i = 0;
  constructor(readonly s: string) {}

  fail(expected: string): never {
    throw Object.assign(new Error(expected), { offset: this.i, expected });
  }

  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  value(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail(c === undefined ? 'a value, but the input ended' : 'a value (string, number, object, array, true, false or null)');
  }

  object(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') return void this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('a property name in double quotes');
      this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("':' after the property name");
      this.i++;
      this.value();
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') return void this.i++;
      this.fail("',' or '}' after a property value");
    }
  }

  array(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') return void this.i++;
    for (;;) {
      this.value();
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') return void this.i++;
      this.fail("',' or ']' after an array element");
    }
  }

  string(): void {
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '"') return void this.i++;
      if (c === '\\') this.escape();
      else if (c < ' ') this.fail('no raw control characters inside a string (write \\n, \\t, ...)');
      else this.i++;
    }
    this.fail('a closing double quote');
  }

  escape(): void {
    const next = this.s[this.i + 1];
    if (next === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) this.fail('four hex digits after \\u');
      this.i += 6;
    } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
      this.i += 2;
    } else {
      this.fail('a valid escape after the backslash (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)');
    }
  }

  number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail('a number');
    this.i += m[0].length;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Where (1-based line and column) and why the text is not valid JSON; null when it is. */
export function locateJsonError(text: string): JsonErrorPosition | null {
  const scan = new Scan(text);
  try {
    scan.value();
    scan.ws();
    if (scan.i < text.length) scan.fail('nothing after the JSON value');
    return null;
  } catch (err) {
    // A nesting too deep for the scanner's recursion (RangeError) has no position to report.
    const { offset, expected } = err as { offset?: number; expected?: string };
    if (typeof offset !== 'number' || !expected) return null;
    return { offset, expected, ...lineAndColumn(text, offset) };
  }
}
