import { ACCESS_TOKEN_TYPE, type SigningAlgorithm } from '../types.js';
import { isSigningAlgorithm } from './algorithms.js';
import { refuse } from './refuse.js';
import { decodeJsonObject } from './segments.js';

/**
 * Header parameters that are refused even on a validly signed token:
 * - `jwk`, `jku`, `x5u`, `x5c` would let the token name its own key (RFC 7515 4.1.2-4.1.6); keys come only from the
 *   resolver, so these are refused rather than ignored.
 * - `crit` asks for extensions we do not implement (RFC 7515 4.1.11: a recipient MUST then refuse), and `b64`
 *   (RFC 7797) changes what was signed.
 * - `cty` announces a nested JWT (RFC 7519 5.2); access tokens are never nested.
 * - `enc` and `zip` belong to JWE (RFC 7516 4.1.2-4.1.3).
 */
const REFUSED_HEADER_PARAMETERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'cty', 'enc', 'zip'] as const;

/**
 * Kids Tollgate issues are RFC 7638 thumbprints (43 base64url characters). Anything that is not a short string of URL
 * unreserved characters (RFC 3986 2.3) is refused before the resolver sees it, so stores never get odd lookups
 * (paths, objects, megabyte strings).
 */
export const MAX_KID_LENGTH = 128;
const KID_SHAPE = /^[A-Za-z0-9._~-]+$/;

export function isAcceptableKid(kid: unknown): kid is string {
  return typeof kid === 'string' && kid.length <= MAX_KID_LENGTH && KID_SHAPE.test(kid);
}

/** RFC 9068 2.1 with RFC 7515 4.1.9: `at+jwt`, optionally with the `application/` prefix, compared ignoring case. */
function isAccessTokenType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  return lower === ACCESS_TOKEN_TYPE || lower === `application/${ACCESS_TOKEN_TYPE}`;
}

export interface CheckedHeader {
  alg: SigningAlgorithm;
  kid: string;
}

/** The header checks that need neither key nor signature nor options, in order of cheapness. */
function checkHeader(header: Record<string, unknown>): CheckedHeader {
  for (const name of REFUSED_HEADER_PARAMETERS) {
    if (Object.hasOwn(header, name)) throw refuse('ERR_TOKEN_HEADER_NOT_ALLOWED', name);
  }
  const { alg, kid, typ } = header;
  if (!isSigningAlgorithm(alg)) throw refuse('ERR_TOKEN_ALG_NOT_ALLOWED', 'alg');
  if (!isAccessTokenType(typ)) throw refuse('ERR_TOKEN_TYPE_INVALID', 'typ');
  if (!isAcceptableKid(kid)) throw refuse('ERR_TOKEN_UNKNOWN_KEY', 'kid');
  return { alg, kid };
}

/**
 * Every token signed by one key carries the same header segment, so headers that passed are remembered by their exact
 * text. Only passing headers are kept and the cache is emptied when full: a flood of distinct headers costs a reparse,
 * never memory.
 */
const MAX_CACHED_HEADERS = 64;
const checkedHeaders = new Map<string, CheckedHeader>();

/** Decodes and checks the protected header (RFC 7515 5.2 steps 2-5), then applies the caller's alg allow-list. */
export function readHeader(segment: string, allowed: readonly SigningAlgorithm[]): CheckedHeader {
  let header = checkedHeaders.get(segment);
  if (header === undefined) {
    header = checkHeader(decodeJsonObject(segment));
    if (checkedHeaders.size >= MAX_CACHED_HEADERS) checkedHeaders.clear();
    checkedHeaders.set(segment, header);
  }
  if (!allowed.includes(header.alg)) throw refuse('ERR_TOKEN_ALG_NOT_ALLOWED', 'alg');
  return header;
}
