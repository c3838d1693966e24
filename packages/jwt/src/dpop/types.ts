import type { SigningAlgorithm } from '../types.js';

/**
 * The `alg` values a DPoP proof may use by default (RFC 9449 4.3 step 5, "acceptable per local policy"): the two
 * compact, fast ones. RS256 is implemented too and can be allowed per verifier; `none` and MACs never are.
 */
export const DEFAULT_DPOP_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze(['ES256', 'EdDSA']);

/** What a proof is checked against: the request it came with, and what the caller knows of its access token. */
export interface DpopProofExpectations {
  /** The request's method, compared exactly with `htm` (RFC 9110 9.1: methods are case-sensitive). */
  method: string;
  /**
   * The request's absolute URL as this server answers it (behind a proxy: the public one, after the gateway's own
   * path normalisation). Its query and fragment are ignored, as the proof's are (RFC 9449 4.3 step 9).
   */
  url: string;
  /** The access token presented with the proof: `ath` must then be its hash (RFC 9449 4.3 step 12, 7). */
  accessToken?: string;
  /** The access token's `cnf.jkt`: the proof's key must have this thumbprint (RFC 9449 6.1, 7). */
  jkt?: string;
  /**
   * When set, a nonce is required (RFC 9449 8, 9) and must pass this check (for instance `DpopNonces.accepts`);
   * without it a `nonce` claim is not looked at.
   */
  nonce?: (nonce: string) => boolean;
  /** Allowed `alg` values, a subset of SIGNING_ALGORITHMS; default DEFAULT_DPOP_ALGORITHMS. */
  algorithms?: readonly SigningAlgorithm[];
  /** How old `iat` may be, in seconds (RFC 9449 11.1). Default 60; clamped to [1, 600]. */
  maxAgeSeconds?: number;
  /** How far ahead of this server's clock `iat` may be, in seconds (RFC 9449 11.1 note). Default 10; [0, 300]. */
  clockSkewSeconds?: number;
}

/** What a verified proof yields: the key binding and what a replay cache needs. */
export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: the `cnf.jkt` to issue or to compare (RFC 9449 6.1). */
  jkt: string;
  alg: SigningAlgorithm;
  jti: string;
  /** As in the proof: seconds since the epoch, possibly fractional. */
  iat: number;
  /** The nonce the proof carried, when the caller required one. */
  nonce: string | undefined;
  /**
   * The key for DpopReplayCache: a SHA-256 over `jkt` and `jti`, so a `jti` counts per key (one client cannot burn
   * another's) and the cache holds fixed-size hashes, never client text (RFC 9449 11.1).
   */
  replayKey: string;
  /** Epoch milliseconds until which this proof would still be accepted: how long a replay cache must remember it. */
  replayUntilMs: number;
}
