/**
 * Why a DPoP proof (RFC 9449) was refused. Same shape as TokenValidationError: a stable `code` for programs and logs,
 * a `description` safe to show the client (it never quotes the proof, the token or the key), the offending claim or
 * header parameter, plus `error`, the name the wire carries.
 */
export type DpopErrorCode =
  | 'ERR_DPOP_MISSING'
  | 'ERR_DPOP_MALFORMED'
  | 'ERR_DPOP_HEADER_NOT_ALLOWED'
  | 'ERR_DPOP_TYPE_INVALID'
  | 'ERR_DPOP_ALG_NOT_ALLOWED'
  | 'ERR_DPOP_KEY_INVALID'
  | 'ERR_DPOP_SIGNATURE_INVALID'
  | 'ERR_DPOP_CLAIM_INVALID'
  | 'ERR_DPOP_METHOD_MISMATCH'
  | 'ERR_DPOP_URI_MISMATCH'
  | 'ERR_DPOP_STALE'
  | 'ERR_DPOP_NOT_YET_VALID'
  | 'ERR_DPOP_ATH_MISMATCH'
  | 'ERR_DPOP_REPLAYED'
  | 'ERR_DPOP_KEY_MISMATCH'
  | 'ERR_DPOP_NONCE_REQUIRED'
  | 'ERR_DPOP_NONCE_INVALID';

/**
 * The error names of RFC 9449: `invalid_dpop_proof` for a proof that fails the checks of 4.3, `use_dpop_nonce` when
 * the server wants (another) nonce (8, 9), and RFC 6750's `invalid_token` for a token bound to another key than the
 * proof's: RFC 9449 7.1 answers "Invalid DPoP key binding" that way, since the proof itself may be perfectly valid.
 */
export type DpopErrorName = 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token';

interface CodeEntry {
  error: DpopErrorName;
  description: string;
}

/** One entry per code: the wire name and a fixed client-safe sentence (RFC 6750 3 `error_description`). */
const CODES: Readonly<Record<DpopErrorCode, CodeEntry>> = {
  ERR_DPOP_MISSING: { error: 'invalid_dpop_proof', description: 'A DPoP proof is required' },
  ERR_DPOP_MALFORMED: { error: 'invalid_dpop_proof', description: 'The DPoP proof is malformed' },
  ERR_DPOP_HEADER_NOT_ALLOWED: {
    error: 'invalid_dpop_proof',
    description: 'The DPoP proof carries a header parameter that is not allowed',
  },
  ERR_DPOP_TYPE_INVALID: { error: 'invalid_dpop_proof', description: 'The DPoP proof is not typed dpop+jwt' },
  ERR_DPOP_ALG_NOT_ALLOWED: {
    error: 'invalid_dpop_proof',
    description: 'The DPoP proof is signed with an algorithm that is not allowed',
  },
  ERR_DPOP_KEY_INVALID: {
    error: 'invalid_dpop_proof',
    description: 'The DPoP proof does not carry a usable public key',
  },
  ERR_DPOP_SIGNATURE_INVALID: { error: 'invalid_dpop_proof', description: 'The DPoP proof signature is invalid' },
  ERR_DPOP_CLAIM_INVALID: { error: 'invalid_dpop_proof', description: 'The DPoP proof has a missing or invalid claim' },
  ERR_DPOP_METHOD_MISMATCH: { error: 'invalid_dpop_proof', description: 'The DPoP proof is for another HTTP method' },
  ERR_DPOP_URI_MISMATCH: { error: 'invalid_dpop_proof', description: 'The DPoP proof is for another URI' },
  ERR_DPOP_STALE: { error: 'invalid_dpop_proof', description: 'The DPoP proof is too old' },
  ERR_DPOP_NOT_YET_VALID: { error: 'invalid_dpop_proof', description: 'The DPoP proof is issued in the future' },
  ERR_DPOP_ATH_MISMATCH: { error: 'invalid_dpop_proof', description: 'The DPoP proof is not for this access token' },
  ERR_DPOP_REPLAYED: { error: 'invalid_dpop_proof', description: 'The DPoP proof was already used' },
  ERR_DPOP_KEY_MISMATCH: { error: 'invalid_token', description: 'Invalid DPoP key binding' },
  ERR_DPOP_NONCE_REQUIRED: { error: 'use_dpop_nonce', description: 'The DPoP proof must carry a server nonce' },
  ERR_DPOP_NONCE_INVALID: { error: 'use_dpop_nonce', description: 'The DPoP proof nonce is invalid or expired' },
};

export class DpopProofError extends Error {
  readonly code: DpopErrorCode;
  /** The RFC 9449 / RFC 6750 error name for the response. */
  readonly error: DpopErrorName;
  readonly description: string;
  /** The offending claim or header parameter, when there is one; always a fixed name, never proof content. */
  readonly claim: string | undefined;

  constructor(code: DpopErrorCode, claim?: string) {
    const entry = CODES[code];
    const description =
      code === 'ERR_DPOP_CLAIM_INVALID' && claim !== undefined
        ? `The DPoP proof has a missing or invalid "${claim}" claim`
        : entry.description;
    super(description);
    this.name = 'DpopProofError';
    this.code = code;
    this.error = entry.error;
    this.description = description;
    this.claim = claim;
  }
}
