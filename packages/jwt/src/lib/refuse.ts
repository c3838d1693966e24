import { type TokenErrorCode, TokenValidationError } from '../errors.js';

/**
 * Client-safe descriptions, one per code (RFC 6750 3: `error_description` is for the client developer).
 * They name at most a claim or header parameter from a fixed set, never anything taken from the token.
 */
const DESCRIPTIONS: Readonly<Record<TokenErrorCode, string>> = {
  ERR_TOKEN_MALFORMED: 'The access token is malformed',
  ERR_TOKEN_HEADER_NOT_ALLOWED: 'The access token carries a header parameter that is not allowed',
  ERR_TOKEN_ALG_NOT_ALLOWED: 'The access token is signed with an algorithm that is not allowed',
  ERR_TOKEN_UNKNOWN_KEY: 'The access token is signed with an unknown signing key',
  ERR_TOKEN_SIGNATURE_INVALID: 'The access token signature is invalid',
  ERR_TOKEN_TYPE_INVALID: 'The token is not an access token',
  ERR_TOKEN_CLAIM_INVALID: 'The access token has a missing or invalid claim',
  ERR_TOKEN_ISSUER_INVALID: 'The access token is not from this issuer',
  ERR_TOKEN_AUDIENCE_INVALID: 'The access token is not for this audience',
  ERR_TOKEN_EXPIRED: 'The access token expired',
  ERR_TOKEN_NOT_YET_VALID: 'The access token is not valid yet',
  ERR_TOKEN_LIFETIME_TOO_LONG: 'The access token is valid for longer than this verifier allows',
};

/** Builds the error for a refused token. `claim` must be a fixed claim/parameter name, never token content. */
export function refuse(code: TokenErrorCode, claim?: string): TokenValidationError {
  const description =
    code === 'ERR_TOKEN_CLAIM_INVALID' && claim !== undefined
      ? `The access token has a missing or invalid "${claim}" claim`
      : DESCRIPTIONS[code];
  return new TokenValidationError(code, description, claim);
}
