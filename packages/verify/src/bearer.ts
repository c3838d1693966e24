/**
 * Finding the access token in a request, RFC 6750 2 exactly. The header method (2.1) always; the query method (2.3)
 * only when the API opted in; the form-body method (2.2) never, since it needs the body parsed before auth.
 */
import { BearerError } from './errors.js';
import type { BearerRequest, HeaderSource } from './types.js';

/**
 * RFC 6750 2.1: `credentials = "Bearer" 1*SP b64token`, with
 * `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. The scheme is case-insensitive
 * (RFC 9110 11.1). Anything else, a second token or a comma included, does not match.
 */
const BEARER_CREDENTIALS = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]+=*)$/;
/** RFC 9449 7.1: `DPoP` followed by the token as a token68, the same grammar; the scheme is case-insensitive too. */
const DPOP_CREDENTIALS = /^[Dd][Pp][Oo][Pp] +([A-Za-z0-9\-._~+/]+=*)$/;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** RFC 9110 11.4: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, the scheme being a `token`. */
const AUTH_SCHEME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?: |$)/;
/** RFC 9110 11.2: `auth-param = token BWS "=" BWS ( token / quoted-string )`. */
const AUTH_PARAM_START = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=/;

const MALFORMED_HEADER = 'The Authorization header must be "Bearer" followed by one access token';
const MALFORMED_DPOP_HEADER = 'The Authorization header must be "DPoP" followed by one access token';
const SEVERAL_PROOFS = 'The request must not carry more than one DPoP header';
const SEVERAL_HEADERS = 'The request must not carry more than one Authorization header';
const QUERY_REFUSED = 'tokens in the query string are not accepted';
const SEVERAL_METHODS = 'The request must not carry the access token in more than one place';
const MALFORMED_QUERY_TOKEN = 'The access_token query parameter must hold exactly one access token';

export interface ExtractOptions {
  /** RFC 6750 2.3: accept `?access_token=`. Off by default; when off, such a request is refused with 400. */
  allowQueryToken?: boolean;
}

function isFetchHeaders(headers: HeaderSource): headers is Headers {
  return typeof (headers as Headers).get === 'function';
}

/**
 * Every Authorization value the request carries. Node's `req.headers` keeps only the first of several Authorization
 * headers, so Node callers should pass `req.headersDistinct` (string[] per name) to have duplicates refused; a fetch
 * Headers object joins them with ", ", which the grammar then refuses (a b64token has no comma).
 */
function headerValues(headers: HeaderSource, lowerName: string): string[] {
  if (isFetchHeaders(headers)) {
    const value = headers.get(lowerName);
    return value === null ? [] : [value];
  }
  const values: string[] = [];
  // Keys are compared ignoring case: a hand-built object may hold both `Authorization` and `authorization`.
  for (const name of Object.keys(headers)) {
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    const value = headers[name];
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) values.push(...value);
  }
  return values;
}

/** The credentials of an Authorization header: the scheme the client used and its token. */
export interface Credentials {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/**
 * The token of a single Authorization header value. Another scheme (`Basic`, `Digest`, `Token`, ...) carries no Bearer
 * credentials: RFC 6750 3.1 answers it like a request without any, 401 with a bare challenge. A value that tries
 * Bearer but is not `Bearer <b64token>`, or is no credentials at all, is a malformed request: 400.
 */
export function parseAuthorizationHeader(value: string): string {
  const match = BEARER_CREDENTIALS.exec(value);
  if (match !== null) return match[1] as string;
  return parseOther(value);
}

/** Bearer or DPoP credentials (RFC 6750 2.1, RFC 9449 7.1); anything else as parseAuthorizationHeader answers it. */
export function parseCredentials(value: string): Credentials {
  const bearer = BEARER_CREDENTIALS.exec(value);
  if (bearer !== null) return { scheme: 'Bearer', token: bearer[1] as string };
  const dpop = DPOP_CREDENTIALS.exec(value);
  if (dpop !== null) return { scheme: 'DPoP', token: dpop[1] as string };
  // `DPoP` glued to nothing or followed by more than one token: a DPoP attempt gone wrong (`DPoPx` is another scheme).
  if (/^dpop(?![!#$%&'*+\-.^_`|~0-9A-Za-z])/i.test(value)) {
    const description = value.includes(',') ? SEVERAL_HEADERS : MALFORMED_DPOP_HEADER;
    throw new BearerError({
      status: 400,
      error: 'invalid_request',
      description,
      code: 'ERR_BEARER_MALFORMED',
      scheme: 'DPoP',
    });
  }
  return { scheme: 'Bearer', token: parseOther(value) };
}

/** What is neither well-formed Bearer nor DPoP credentials: another scheme (401, bare) or a malformed header (400). */
function parseOther(value: string): never {
  // `Bearer` glued to its token or followed by anything else is a Bearer attempt gone wrong, not another scheme.
  if (!/^bearer/i.test(value) && AUTH_SCHEME.test(value)) {
    if (joinsSeveralCredentials(value)) throw BearerError.invalidRequest(SEVERAL_HEADERS);
    throw BearerError.otherScheme();
  }
  throw BearerError.invalidRequest(value.includes(',') ? SEVERAL_HEADERS : MALFORMED_HEADER);
}

/**
 * Whether a value holds more than one set of credentials, as fetch Headers make of repeated headers (`Basic x, Bearer
 * y`). Commas also separate one scheme's auth-params (`Digest username="a", realm="b"`), so only a list element that is
 * not an auth-param starts new credentials; commas inside quoted strings separate nothing.
 */
function joinsSeveralCredentials(value: string): boolean {
  const elements: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < value.length; index++) {
    const char = value.charAt(index);
    if (quoted && char === '\\') {
      current += char + value.charAt(index + 1);
      index++;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === ',' && !quoted) {
      elements.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  elements.push(current);
  // RFC 9110 5.6.1: empty list elements count for nothing.
  return elements.slice(1).some((element) => element.trim() !== '' && !AUTH_PARAM_START.test(element.trim()));
}

/** The `access_token` query values, read only when the URL has a query at all (the common case costs one scan). */
function queryTokens(url: string | undefined): string[] {
  if (url === undefined) return [];
  const start = url.indexOf('?');
  if (start === -1) return [];
  const end = url.indexOf('#', start);
  const query = url.slice(start + 1, end === -1 ? undefined : end);
  // A percent-encoded name (`access%5Ftoken`) decodes to the same parameter, so `%` sends us to the full parse too.
  if (!query.includes('access_token') && !query.includes('%')) return [];
  return new URLSearchParams(query).getAll('access_token');
}

function tokenFromQuery(tokens: readonly string[], allowQueryToken: boolean): string {
  // RFC 6750 2.3 and 5.3: query tokens end up in logs and browser history, hence opt-in only.
  if (!allowQueryToken) throw BearerError.invalidRequest(QUERY_REFUSED, 'ERR_BEARER_QUERY_REFUSED');
  const [token] = tokens;
  if (tokens.length !== 1 || token === undefined || !B64TOKEN.test(token)) {
    throw BearerError.invalidRequest(MALFORMED_QUERY_TOKEN);
  }
  return token;
}

/**
 * The access token of a request (RFC 6750 2). Throws BearerError: 401 with a bare challenge when there are no
 * Bearer credentials at all (no Authorization header, or one of another scheme); 400 invalid_request for a malformed or duplicated Authorization header, for a query token when
 * those are not allowed, and for a token sent in more than one way (RFC 6750 2: clients MUST NOT use more than one).
 */
export function extractBearerToken(request: BearerRequest, options: ExtractOptions = {}): string {
  return extract(request, options, parseAuthorizationHeader);
}

/**
 * The credentials of a request: as extractBearerToken, and `Authorization: DPoP <token>` too (RFC 9449 7.1). A
 * query token is a Bearer one (RFC 6750 2.3); DPoP has no query form.
 */
export function extractCredentials(request: BearerRequest, options: ExtractOptions = {}): Credentials {
  return extract<Credentials>(request, options, parseCredentials, (token) => ({ scheme: 'Bearer', token }));
}

function extract<T>(
  request: BearerRequest,
  options: ExtractOptions,
  parse: (header: string) => T,
  fromQueryToken: (token: string) => T = (token) => token as T,
): T {
  const authorization = headerValues(request.headers, 'authorization');
  const fromQuery = queryTokens(request.url);
  if (authorization.length > 1) throw BearerError.invalidRequest(SEVERAL_HEADERS);
  const [header] = authorization;
  if (fromQuery.length > 0) {
    const token = tokenFromQuery(fromQuery, options.allowQueryToken === true);
    if (header !== undefined) throw BearerError.invalidRequest(SEVERAL_METHODS);
    return fromQueryToken(token);
  }
  if (header === undefined) throw BearerError.missing();
  return parse(header);
}

/**
 * The one `DPoP` header of a request (RFC 9449 4.3 step 1: not more than one), or undefined. A fetch Headers object
 * joins repeated ones with ", ", which no compact JWS contains, so the proof check refuses them as malformed.
 */
export function extractDpopProof(request: BearerRequest): string | undefined {
  const values = headerValues(request.headers, 'dpop');
  if (values.length > 1) {
    throw new BearerError({
      status: 401,
      error: 'invalid_dpop_proof',
      description: SEVERAL_PROOFS,
      code: 'ERR_DPOP_HEADER_MALFORMED',
      scheme: 'DPoP',
    });
  }
  return values[0];
}
