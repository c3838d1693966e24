/** Scope checks for a verified token: all-of or any-of, refused with RFC 6750 3.1 insufficient_scope (403). */
import { DEFAULT_DPOP_ALGORITHMS } from '@tollgate/jwt';
import { type AcceptedSchemes, BearerError } from './errors.js';
import type { ScopeMode, VerifiedToken } from './types.js';

const DPOP_ONLY: AcceptedSchemes = Object.freeze({ bearer: false, dpopAlgorithms: DEFAULT_DPOP_ALGORITHMS });

/** RFC 6749 3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A string is a space-delimited scope list (RFC 6749 3.3), so `'read write'` means both. */
function requiredScopes(scopes: string | readonly string[]): readonly string[] {
  const list = typeof scopes === 'string' ? scopes.split(' ').filter((scope) => scope !== '') : scopes;
  if (!Array.isArray(list) || list.length === 0) throw new TypeError('requireScopes needs at least one scope');
  for (const scope of list) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError('each required scope must be an RFC 6749 scope-token (printable ASCII, no space, " or \\)');
    }
  }
  return list;
}

/**
 * Throws BearerError 403 insufficient_scope, with the required scopes in the `scope` attribute, unless the token has
 * all of them (mode `all`, the default) or at least one (mode `any`). A caller mistake (no scopes, a malformed scope,
 * an unknown mode) is a TypeError.
 */
export function requireScopes(token: VerifiedToken, scopes: string | readonly string[], mode: ScopeMode = 'all'): void {
  if (mode !== 'all' && mode !== 'any') throw new TypeError("mode must be 'all' or 'any'");
  const required = requiredScopes(scopes);
  const granted = token.scopes;
  const satisfied =
    mode === 'all'
      ? required.every((scope) => granted.includes(scope))
      : required.some((scope) => granted.includes(scope));
  if (satisfied) return;
  const refusal = BearerError.insufficientScope(required, mode);
  // A DPoP-bound token came with the DPoP scheme (the verifier takes it no other way): the challenge names that.
  throw token.claims?.cnf === undefined ? refusal : refusal.withScheme(DPOP_ONLY, 'DPoP');
}
