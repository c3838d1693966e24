/** The one shape a handler gets, whether the token was a JWT or an API token. */
import type { AccessTokenClaims } from '@tollgate/jwt';
import type { TokenCredits, TokenRateLimit, VerifiedToken } from './types.js';

/**
 * Frozen: the same object is handed out on every cache hit, so no caller can change what the next one sees.
 * `owner`: an API token's metadata and external id.
 */
export function toVerifiedToken(
  claims: AccessTokenClaims,
  kind: VerifiedToken['kind'],
  owner?: {
    metadata: Readonly<Record<string, string | number | boolean>>;
    externalId: string | undefined;
    credits?: TokenCredits | undefined;
    rateLimit?: TokenRateLimit | undefined;
  },
): VerifiedToken {
  return Object.freeze({
    claims: Object.freeze(claims),
    subject: claims.sub,
    clientId: claims.client_id,
    // RFC 6749 3.3: space-delimited; an absent or empty scope means none.
    scopes: Object.freeze(claims.scope.split(' ').filter((scope) => scope !== '')),
    kind,
    ...(owner === undefined ? {} : { metadata: Object.freeze({ ...owner.metadata }) }),
    ...(owner?.externalId === undefined ? {} : { externalId: owner.externalId }),
    ...(owner?.credits === undefined ? {} : { credits: owner.credits }),
    ...(owner?.rateLimit === undefined ? {} : { rateLimit: owner.rateLimit }),
  });
}
