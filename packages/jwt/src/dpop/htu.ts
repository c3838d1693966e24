/**
 * The `htu` comparison of RFC 9449 4.3 step 9: the proof's URI must match the request's, "ignoring any query and
 * fragment parts", after Syntax-Based (RFC 3986 6.2.2) and Scheme-Based (6.2.3) Normalization.
 *
 * The WHATWG URL parser does most of it: lower-case scheme and host (6.2.2.1), dot segments (6.2.2.3, including
 * their `%2E` spellings), the default port and the empty path as `/` (6.2.3). What it leaves is percent-encoding:
 * hex digits are upper-cased (6.2.2.1) and octets of unreserved characters decoded (6.2.2.2) here.
 */

/** Longer `htu` values are refused unparsed; the proof as a whole is bounded too. */
export const MAX_HTU_LENGTH = 2048;

const PERCENT_ENCODED = /%[0-9A-Fa-f]{2}/g;
/** RFC 3986 2.3 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function normalizePercentEncoding(path: string): string {
  return path.replace(PERCENT_ENCODED, (octet) => {
    const char = String.fromCharCode(Number.parseInt(octet.slice(1), 16));
    return UNRESERVED.test(char) ? char : octet.toUpperCase();
  });
}

/**
 * An http(s) URI as compared: `scheme://host[:port]/path`, or undefined when the value is no absolute http(s) URI.
 * Userinfo is refused: a request's target URI has none (RFC 9110 4.2.4), and a proof must not sign a password.
 */
export function normalizeHtu(value: string): string | undefined {
  if (value.length > MAX_HTU_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.protocol}//${url.host}${normalizePercentEncoding(url.pathname)}`;
}
