/**
 * The JWT access tokens this node has validated, so that judging one again skips its signature check: a resource
 * server introspects (RFC 7662) the same token on every request it receives, and verifying an EdDSA signature was
 * most of what an introspection cost in a profile. Entries are keyed by the token's SHA-256 (@tollgate/jwt's
 * TokenCache, as the verify SDK's) and die at the token's `exp`.
 *
 * A hit answers only what a full validation would answer now. The only checks whose outcome can change while a
 * token lives are re-applied: the key that verified it must still be the key ring's key for its `kid` (a rotation,
 * withdrawal or expiry builds new key objects, so every entry validated before it misses), and its audience must
 * still be a registered API. Revocation is the caller's check, on every call, hit or not.
 */
import { type AccessTokenClaims, TokenCache, tokenDigest, type VerificationKey } from '@tollgate/jwt';
import type { Clock } from '../clock.js';
import type { KeyRing } from '../keys/keyring.js';

/** Enough for every live token of a busy node's resource servers; an entry is a few hundred bytes. */
export const VERIFIED_ACCESS_TOKENS_MAX_ENTRIES = 10_000;

interface Entry {
  claims: AccessTokenClaims;
  /** The key object that verified the signature, compared by identity on every hit. */
  key: VerificationKey;
}

export class VerifiedAccessTokens {
  readonly #cache: TokenCache<Entry>;

  constructor(clock: Clock, maxEntries = VERIFIED_ACCESS_TOKENS_MAX_ENTRIES) {
    this.#cache = new TokenCache(maxEntries, clock);
  }

  /** The digest a later `remember` takes, so the token is hashed once per call. */
  digestOf(token: string): string {
    return tokenDigest(token);
  }

  /** The claims of a token validated before, if they still stand for these keys and audiences. */
  recall(digest: string, keys: Pick<KeyRing, 'resolve'>, audiences: readonly string[]): AccessTokenClaims | undefined {
    const entry = this.#cache.get(digest);
    if (entry === undefined) return undefined;
    if (keys.resolve(entry.key.kid) !== entry.key || !audiences.includes(entry.claims.aud)) return undefined;
    return entry.claims;
  }

  /** After a full validation of the token whose digest this is, with `key`. */
  remember(digest: string, claims: AccessTokenClaims, key: VerificationKey): void {
    this.#cache.set(digest, { claims, key }, claims.exp * 1000);
  }
}
