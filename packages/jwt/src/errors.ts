/**
 * Why a token was refused. `code` is stable for programs; `description` is safe to show a client
 * (RFC 6750 `error_description`) and never contains the token or any part of it.
 */
export type TokenErrorCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_HEADER_NOT_ALLOWED'
  | 'ERR_TOKEN_ALG_NOT_ALLOWED'
  | 'ERR_TOKEN_UNKNOWN_KEY'
  | 'ERR_TOKEN_SIGNATURE_INVALID'
  | 'ERR_TOKEN_TYPE_INVALID'
  | 'ERR_TOKEN_CLAIM_INVALID'
  | 'ERR_TOKEN_ISSUER_INVALID'
  | 'ERR_TOKEN_AUDIENCE_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_LIFETIME_TOO_LONG';

export class TokenValidationError extends Error {
  readonly code: TokenErrorCode;
  readonly description: string;
  /** The offending claim or header parameter, when there is one. */
  readonly claim: string | undefined;

  constructor(code: TokenErrorCode, description: string, claim?: string) {
    super(description);
    this.name = 'TokenValidationError';
    this.code = code;
    this.description = description;
    this.claim = claim;
  }
}
