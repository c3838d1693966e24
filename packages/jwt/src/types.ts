import type { KeyObject } from 'node:crypto';

/** The algorithms Tollgate signs with. EdDSA (Ed25519) is the default; the others exist for compatibility. */
export const SIGNING_ALGORITHMS = Object.freeze(['EdDSA', 'ES256', 'RS256'] as const);
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * The longest access-token lifetime (`exp - iat`) the server issues and verifiers accept by default. A stolen signing
 * key, or a bug, must not yield a token that outlives every revocation list and key rotation.
 */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** RFC 9068 2.1: the `typ` header of a JWT access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** RFC 9068 2.2 claims, as Tollgate issues them. `aud` is always exactly one API identifier. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** Space-delimited, possibly empty. */
  scope: string;
  nbf?: number;
  username?: string;
  /**
   * RFC 7800 confirmation: `jkt` binds the token to a DPoP key (RFC 9449 6.1). A token with it must come with a proof
   * signed by that key; the verify SDK and the gateway refuse it as a plain bearer token (RFC 9449 7.2).
   */
  cnf?: { jkt: string };
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  publicKey: KeyObject;
}

/**
 * Finds the verification key for a `kid` taken from a token header. Returns undefined for unknown kids;
 * it must never build a key from anything in the token.
 */
export type KeyResolver = (kid: string) => VerificationKey | undefined | Promise<VerificationKey | undefined>;

export interface AccessTokenValidationOptions {
  /** Exact match with `iss`. */
  issuer: string;
  /** `aud` must be a string equal to one of these. */
  audience: string | readonly string[];
  /** Allowed `alg` values; defaults to all of SIGNING_ALGORITHMS. A key's own `alg` must match too. */
  algorithms?: readonly SigningAlgorithm[];
  /** Leeway for `exp`/`nbf`/`iat`, in seconds. Default 5; clamped to [0, 300]. */
  clockToleranceSeconds?: number;
  /**
   * Longest accepted `exp - iat`, in seconds: default MAX_ACCESS_TOKEN_LIFETIME_SECONDS (24 h, the longest the server
   * issues). A positive integer.
   */
  maxTokenLifetimeSeconds?: number;
  /** Current time in milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
}
