/**
 * The dashboard's one cookie. The `__Host-` prefix (RFC 6265bis 4.1.3.2) makes browsers accept it only when it is
 * `Secure`, has `Path=/` and no `Domain`, so no sibling host or plain-HTTP page can set or shadow it. `HttpOnly`
 * keeps it from scripts; `SameSite=Strict` keeps it off cross-site requests. Parsed by hand: only this one name
 * matters, and a dependency for that is not worth it.
 */

export const SESSION_COOKIE = '__Host-tollgate_session';

/** RFC 6265 4.1.1 cookie-octets (no space, quote, comma, semicolon or backslash), bounded in length. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,512}$/;

/**
 * The session id in a `Cookie` header (RFC 6265 5.4: `name=value` pairs joined by `; `), or undefined. When the
 * cookie appears twice the request is ambiguous and counts as not signed in.
 */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  return cookieFrom(cookieHeader, SESSION_COOKIE);
}

/** The value of the cookie `name`, or undefined when absent, repeated or not made of cookie-octets. */
export function cookieFrom(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  let found: string | undefined;
  for (const pair of cookieHeader.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = unquote(pair.slice(equals + 1).trim());
  }
  return found !== undefined && COOKIE_VALUE.test(found) ? found : undefined;
}

/** RFC 6265 4.1.1 allows the value in double quotes. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** The `Set-Cookie` value that opens a session for `maxAgeSeconds`. */
export function sessionCookie(sessionId: string, maxAgeSeconds: number): string {
  if (!COOKIE_VALUE.test(sessionId)) throw new TypeError('a session id must consist of cookie-octets');
  return `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** The `Set-Cookie` value that makes the browser drop the cookie (RFC 6265 5.3: Max-Age=0 expires it now). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`;
}
