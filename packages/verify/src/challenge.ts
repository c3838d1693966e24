/**
 * `WWW-Authenticate` challenges (RFC 9110 11.6.1) for the two schemes a Tollgate-protected API speaks: `Bearer`
 * (RFC 6750 3) and `DPoP` (RFC 9449 7.1). One renderer, so both quote and filter their attributes the same way.
 *
 * An API that accepts both sends both challenges in one header, comma-separated (RFC 9110 11.6.1, RFC 9449 7.2):
 * `${bearerChallenge}, ${dpopChallenge(...)}`, with the error attributes only on the scheme the request used.
 */

/**
 * RFC 6750 3: `error_description` and `scope` values may hold only %x20-21 / %x23-5B / %x5D-7E (printable ASCII
 * without `"` and `\`), so anything else is dropped rather than escaped.
 */
const NOT_DESCRIPTION_CHAR = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;
const NOT_SCOPE_CHAR = /[^\x21\x23-\x5B\x5D-\x7E ]/g;
/** RFC 7515 4.1.1 `alg` values in practice are tokens (`ES256`, `EdDSA`, `PS256`); nothing else goes into `algs`. */
const NOT_ALG_CHAR = /[^A-Za-z0-9+\-._]/g;

/**
 * RFC 9110 5.6.4 quoted-string for `realm`: `"` and `\` become quoted-pairs; control characters and anything beyond
 * ASCII (a header value must stay a ByteString in fetch) are replaced, so the header can never be split or rejected.
 */
function quoteRealm(realm: string): string {
  return `"${realm.replace(/[^\x20-\x7E]/g, '?').replace(/["\\]/g, '\\$&')}"`;
}

export interface ChallengeAttributes {
  realm?: string | undefined;
  error?: string | undefined;
  description?: string | undefined;
  scope?: string | undefined;
  /** RFC 9449 7.1: the JWS algorithms acceptable for proofs (DPoP only). */
  algs?: readonly string[] | undefined;
}

/** `<scheme> realm="…", error="…", error_description="…", scope="…", algs="…"`, each attribute only when given. */
export function renderChallenge(scheme: 'Bearer' | 'DPoP', attributes: ChallengeAttributes): string {
  const parts: string[] = [];
  if (attributes.realm !== undefined) parts.push(`realm=${quoteRealm(attributes.realm)}`);
  // `error` values are fixed names from RFC 6750 / RFC 9449, never caller text.
  if (attributes.error !== undefined) parts.push(`error="${attributes.error}"`);
  if (attributes.description !== undefined) {
    parts.push(`error_description="${attributes.description.replace(NOT_DESCRIPTION_CHAR, '')}"`);
  }
  if (attributes.scope !== undefined) parts.push(`scope="${attributes.scope.replace(NOT_SCOPE_CHAR, '')}"`);
  if (attributes.algs !== undefined) {
    parts.push(`algs="${attributes.algs.map((alg) => alg.replace(NOT_ALG_CHAR, '')).join(' ')}"`);
  }
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}

/**
 * RFC 9449 7.1 and 9: `invalid_dpop_proof` for a proof that fails the checks, `use_dpop_nonce` to ask for a (new)
 * server nonce, and the RFC 6750 3.1 codes for everything about the token itself.
 */
export type DpopChallengeError =
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_token'
  | 'invalid_request'
  | 'insufficient_scope';

export interface DpopChallengeInit {
  /** The JWS algorithms accepted for proofs, which RFC 9449 7.1 says a challenge SHOULD carry. Non-empty. */
  algs: readonly string[];
  realm?: string;
  /** Absent for a request that carried no DPoP credentials at all (RFC 6750 3.1, RFC 9449 7.2). */
  error?: DpopChallengeError;
  /** A client-safe sentence, such as DpopProofError's `description`. */
  description?: string;
  scope?: string;
}

/**
 * The `DPoP` challenge of RFC 9449 7.1, for instance
 * `DPoP error="invalid_dpop_proof", error_description="The DPoP proof was already used", algs="ES256 EdDSA"`.
 * With `use_dpop_nonce` the response also carries the `DPoP-Nonce` header (RFC 9449 9); that is the caller's.
 */
export function dpopChallenge(init: DpopChallengeInit): string {
  if (!Array.isArray(init?.algs) || init.algs.length === 0 || !init.algs.every((alg) => typeof alg === 'string')) {
    throw new TypeError('dpopChallenge needs a non-empty list of algs');
  }
  const { realm, error, description, scope, algs } = init;
  return renderChallenge('DPoP', { realm, error, description, scope, algs });
}
