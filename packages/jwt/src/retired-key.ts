/**
 * How a withdrawn signing key travels the revocation stream: as the revocation of a reserved id derived from its
 * `kid`, so it reaches every verifier with the same ordering, resumption and snapshot as token revocations, and a
 * verifier that does not know the convention merely keeps an id no token carries (our `jti`s never contain `:`).
 */
const RETIRED_KEY_PREFIX = 'kid:';

export function retiredKeyRevocationId(kid: string): string {
  return RETIRED_KEY_PREFIX + kid;
}

/** The kid a revocation id withdraws, or undefined for the revocation of a token. */
export function retiredKeyOf(revocationId: string): string | undefined {
  return revocationId.startsWith(RETIRED_KEY_PREFIX) ? revocationId.slice(RETIRED_KEY_PREFIX.length) : undefined;
}
