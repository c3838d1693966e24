/**
 * WWW-Authenticate (RFC 9110 11.6.1): one or more challenges, each a scheme and either a token68 or a list of
 * auth-params, values a token or a quoted-string. A header may carry several challenges (`DPoP ..., Bearer ...`),
 * and fetch joins repeated headers with ", ", so the parser splits challenges where a new scheme starts.
 */

export interface Challenge {
  /** Lower-cased: schemes are case-insensitive (RFC 9110 11.1). */
  scheme: string;
  /** Parameter names lower-cased (RFC 9110 11.2), values unquoted. */
  params: ReadonlyMap<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[-._~+/0-9A-Za-z]+=*/y;
const SPACES = /[ \t]*/y;

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.position = pattern.lastIndex;
    return found[0];
  }

  skipSpaces(): void {
    this.match(SPACES);
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  /** A quoted-string (RFC 9110 5.6.4), the cursor on its opening quote; a backslash quotes the next character. */
  quoted(): string {
    let value = '';
    this.position += 1;
    while (this.position < this.text.length) {
      const char = this.text[this.position] as string;
      this.position += 1;
      if (char === '"') return value;
      if (char === '\\' && this.position < this.text.length) {
        value += this.text[this.position];
        this.position += 1;
      } else value += char;
    }
    return value;
  }

  /**
   * True when the cursor is at `name = value` (an auth-param), not at the next challenge's scheme nor at a token68
   * (`YIIB+w==`, whose `=` is followed by another `=` or by nothing: an auth-param always has a value).
   */
  atParam(): boolean {
    const start = this.position;
    const name = this.match(TOKEN);
    this.skipSpaces();
    let isParam = false;
    if (name !== undefined && this.peek() === '=') {
      this.position += 1;
      this.skipSpaces();
      const next = this.peek();
      TOKEN.lastIndex = this.position;
      isParam = next === '"' || (next !== undefined && TOKEN.test(this.text));
    }
    this.position = start;
    return isParam;
  }
}

function parseParams(cursor: Cursor): Map<string, string> {
  const params = new Map<string, string>();
  for (;;) {
    cursor.skipSpaces();
    while (cursor.peek() === ',') {
      cursor.position += 1;
      cursor.skipSpaces();
    }
    if (!cursor.atParam()) return params;
    const name = (cursor.match(TOKEN) as string).toLowerCase();
    cursor.skipSpaces();
    cursor.position += 1; // '='
    cursor.skipSpaces();
    const value = cursor.peek() === '"' ? cursor.quoted() : (cursor.match(TOKEN) ?? '');
    // RFC 9110 11.2: each parameter name occurs once per challenge; the first one counts.
    if (!params.has(name)) params.set(name, value);
  }
}

export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  if (header === null || header === undefined) return [];
  const cursor = new Cursor(header);
  const challenges: Challenge[] = [];
  while (cursor.position < header.length) {
    cursor.skipSpaces();
    if (cursor.peek() === ',') {
      cursor.position += 1;
      continue;
    }
    const scheme = cursor.match(TOKEN);
    if (scheme === undefined) break; // Unparsable from here on: keep what was understood.
    cursor.skipSpaces();
    // A token68 (`Basic dXNlcg==`) carries no parameters this client reads; step over it.
    if (!cursor.atParam() && cursor.peek() !== ',') cursor.match(TOKEN68);
    challenges.push({ scheme: scheme.toLowerCase(), params: parseParams(cursor) });
  }
  return challenges;
}
