import { algorithmEntry, isSigningAlgorithm } from './lib/algorithms.js';
import { isAcceptableKid } from './lib/header.js';
import {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
  type SigningKey,
} from './types.js';

const REQUIRED_STRING_CLAIMS = ['iss', 'sub', 'aud', 'jti', 'client_id'] as const;
const REQUIRED_DATE_CLAIMS = ['exp', 'iat'] as const;

/** Refuses to mint what validateAccessToken would refuse anyway: a bug here should fail loudly at issuance. */
function assertSignable(claims: AccessTokenClaims, key: SigningKey): void {
  if (!isSigningAlgorithm(key.alg)) throw new TypeError('signing key has an unsupported alg');
  if (!isAcceptableKid(key.kid)) throw new TypeError('signing key kid must be 1-128 URL-safe characters');
  if (key.privateKey?.type !== 'private') throw new TypeError('signing key must hold a private KeyObject');
  for (const claim of REQUIRED_STRING_CLAIMS) {
    if (typeof claims[claim] !== 'string' || claims[claim] === '') {
      throw new TypeError(`claim ${claim} must be a non-empty string`);
    }
  }
  for (const claim of REQUIRED_DATE_CLAIMS) {
    if (!Number.isFinite(claims[claim])) throw new TypeError(`claim ${claim} must be a NumericDate`);
  }
  if (typeof claims.scope !== 'string') throw new TypeError('claim scope must be a string');
  if (claims.exp - claims.iat > MAX_ACCESS_TOKEN_LIFETIME_SECONDS) {
    throw new TypeError(`an access token must not live longer than ${MAX_ACCESS_TOKEN_LIFETIME_SECONDS} s`);
  }
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * The encoded protected header of each key's tokens, made once per key object rather than once per token; kept with
 * the alg and kid it was made from, so a key object changed in place never signs under a stale header.
 */
const HEADER_SEGMENTS = new WeakMap<SigningKey, { alg: string; kid: string; segment: string }>();

function headerSegmentOf(key: SigningKey): string {
  const made = HEADER_SEGMENTS.get(key);
  if (made !== undefined && made.alg === key.alg && made.kid === key.kid) return made.segment;
  const segment = base64urlJson({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE });
  HEADER_SEGMENTS.set(key, { alg: key.alg, kid: key.kid, segment });
  return segment;
}

/**
 * Signs a JWT access token (RFC 9068 2) in the JWS Compact Serialization (RFC 7515 7.1). The protected header is
 * exactly `{alg, kid, typ: "at+jwt"}`: no key material or URLs travel in the token, verifiers find the key by `kid`
 * alone. Async for its callers' sake only: the signature is computed synchronously (see lib/algorithms).
 */
export async function signAccessToken(claims: AccessTokenClaims, key: SigningKey): Promise<string> {
  assertSignable(claims, key);
  const signingInput = `${headerSegmentOf(key)}.${base64urlJson(claims)}`;
  // Both segments are base64url, hence ASCII: latin1 is the exact and fastest encoding (RFC 7515 5.1 step 4).
  const signature = algorithmEntry(key.alg).sign(Buffer.from(signingInput, 'latin1'), key.privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}
