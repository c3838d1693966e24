/**
 * Request-path normalisation, done once, before a route is matched. The normalised path is both what the
 * route table sees and what goes upstream, so no spelling of a path can be checked as one route and
 * served as another (the `..;/`, `%2e%2e`, `//admin` family of gateway bypasses).
 *
 * - RFC 3986 6.2.2.2: percent-encoded unreserved characters are decoded; other escapes keep their meaning
 *   and get upper-case hex (6.2.2.1).
 * - Refused with 400: an encoded `/` or `\` (servers disagree on whether they separate segments), an
 *   encoded `%` (double encoding), NUL and control characters, `;` path parameters (Tomcat and Spring strip
 *   them, so `/admin;x` reaches `/admin`), and a raw backslash.
 * - RFC 3986 5.2.4: `.` and `..` segments are resolved (after decoding, so `%2e%2e` counts); `..` above
 *   the root is refused rather than clamped. Empty segments (`//`) are collapsed.
 * Case is kept: matching is case-sensitive, so `/ADMIN` is a different path from `/admin`.
 */

export type PathResult = { path: string } | { problem: string };
export type TargetResult = { path: string; query: string } | { problem: string };

/** Paths made only of these characters, with no `//` and no dot segment, are already normal. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9\-_~!$&'()*+,=:@]+(?:\.[A-Za-z0-9\-_~!$&'()*+,=:@]+)*)*\/?$/;
/** RFC 3986 3.3 pchar minus `%` and `;`, which are handled separately. */
const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,=:@]/;

/**
 * Splits an origin-form request target (RFC 9112 3.2.1) into its normalised path and its query, which
 * is passed on as it came (`?` included) minus any `access_token` parameter. Absolute-form and
 * asterisk-form are refused: only the configuration, never the request, decides where a request goes.
 */
export function normaliseRequestTarget(target: string): TargetResult {
  if (!target.startsWith('/')) return { problem: 'the request target must be a path starting with /' };
  const queryStart = target.indexOf('?');
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = queryStart === -1 ? '' : withoutAccessToken(target.slice(queryStart));
  if (target.includes('#')) return { problem: 'a request target cannot contain #' };
  const result = normalisePath(rawPath);
  return 'problem' in result ? result : { path: result.path, query };
}

/**
 * RFC 6750 5.3: a token in the URL ends up in logs, so it never goes upstream, on any route. Parameters are compared
 * as form-decoded names (`access%5Ftoken`, as the SDK reads them) in any letter case (some frameworks ignore it);
 * every other parameter is kept byte for byte, in order.
 */
export function withoutAccessToken(query: string): string {
  if (!/access|%/i.test(query)) return query;
  const kept = query
    .slice(1)
    .split('&')
    .filter((parameter) => !isAccessToken(parameter));
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}

function isAccessToken(parameter: string): boolean {
  const equals = parameter.indexOf('=');
  const rawName = equals === -1 ? parameter : parameter.slice(0, equals);
  // URLSearchParams decodes `+` and percent-escapes as a form parser does, and tolerates malformed escapes.
  const [name] = new URLSearchParams(`${rawName}=`).keys();
  return name?.toLowerCase() === 'access_token';
}

export function normalisePath(rawPath: string): PathResult {
  if (!rawPath.startsWith('/')) return { problem: 'the path must start with /' };
  if (PLAIN_PATH.test(rawPath)) return { path: rawPath };
  const decoded = decodeUnreserved(rawPath);
  if ('problem' in decoded) return decoded;
  return removeDotSegments(decoded.path);
}

function decodeUnreserved(rawPath: string): PathResult {
  let out = '';
  for (let index = 0; index < rawPath.length; index++) {
    const char = rawPath.charAt(index);
    const code = rawPath.charCodeAt(index);
    if (char === '%') {
      const hex = rawPath.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { problem: 'the path has a malformed percent-encoding' };
      const byte = Number.parseInt(hex, 16);
      const refusal = refusedEscape(byte);
      if (refusal !== undefined) return { problem: `the path contains an encoded ${refusal}` };
      const decodedChar = String.fromCharCode(byte);
      out += isUnreserved(decodedChar) ? decodedChar : `%${hex.toUpperCase()}`;
      index += 2;
    } else if (char === '/' || PCHAR.test(char)) {
      out += char;
    } else {
      const refusal = refusedCharacter(code);
      if (refusal !== undefined) return { problem: `the path contains ${refusal}` };
      // Anything else printable (`"`, `{`, `|`, bytes above 0x7e) is made canonical by encoding it.
      out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return { path: out };
}

function refusedEscape(byte: number): string | undefined {
  if (byte === 0x2f) return 'slash (%2F)';
  if (byte === 0x5c) return 'backslash (%5C)';
  if (byte === 0x25) return 'percent sign (%25)';
  if (byte === 0x3b) return 'semicolon (%3B)';
  if (byte < 0x20 || byte === 0x7f) return 'control character';
  return undefined;
}

function refusedCharacter(code: number): string | undefined {
  if (code === 0x3b) return 'a path parameter (;)';
  if (code === 0x5c) return 'a backslash';
  if (code <= 0x20 || code === 0x7f) return 'a control character or space';
  if (code > 0xff) return 'a character outside Latin-1';
  return undefined;
}

/** RFC 3986 2.3. */
function isUnreserved(char: string): boolean {
  return /^[A-Za-z0-9\-._~]$/.test(char);
}

function removeDotSegments(path: string): PathResult {
  const segments = path.split('/');
  const kept: string[] = [];
  for (let index = 1; index < segments.length; index++) {
    const segment = segments[index] as string;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (kept.length === 0) return { problem: 'the path climbs above the root' };
      kept.pop();
      continue;
    }
    kept.push(segment);
  }
  const last = segments[segments.length - 1];
  // `/a/b/` and `/a/b/..` (which is `/a/`) keep their trailing slash: upstreams may tell them apart.
  const trailingSlash = kept.length > 0 && (last === '' || last === '.' || last === '..');
  return { path: `/${kept.join('/')}${trailingSlash ? '/' : ''}` };
}
