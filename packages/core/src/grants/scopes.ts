import { InvalidScope } from '../errors.js';
import { intersectScopes, parseScope } from '../scope.js';

/**
 * RFC 6749 3.3: the granted scope is what was requested, limited by every party's allowance
 * (API, user, client); asking for anything beyond that is `invalid_scope`, never a silent downgrade.
 * With no scope requested, the grant is everything all parties allow. A `null` limit does not restrict.
 */
export function grantScopes(
  requestedParam: string | undefined,
  ...limits: ReadonlyArray<readonly string[] | null>
): string[] {
  const requested = parseScope(requestedParam);
  const active = limits.filter((limit): limit is readonly string[] => limit !== null);
  if (requested.length === 0) {
    const [first, ...rest] = active;
    return first ? intersectScopes(first, ...rest) : [];
  }
  const refused = requested.filter((scope) => !active.every((limit) => limit.includes(scope)));
  if (refused.length > 0) {
    throw new InvalidScope(`The requested scope is not allowed: ${refused.join(' ')}`);
  }
  return requested;
}

/** A party whose allowance limits a grant's scope, named for the error that says why nothing is left. */
export interface ScopeHolder {
  label: string;
  /** `null`: no limit. */
  scopes: readonly string[] | null;
}

/**
 * RFC 6749 3.3: with no scope requested, the grant is the default, every scope all parties allow; when that is
 * nothing at an API that defines scopes, the request fails with `invalid_scope` rather than issuing `scope: ""`, a
 * token every route of that API would refuse with 403. The description names the party whose allowance left
 * nothing. An API that defines no scopes takes tokens without one (its routes check the audience only).
 */
export function requireGrantedScope(
  scopes: string[],
  api: { identifier: string; scopes: readonly string[] },
  holders: readonly ScopeHolder[],
): string[] {
  if (scopes.length > 0 || api.scopes.length === 0) return scopes;
  let left: readonly string[] = api.scopes;
  for (const { label, scopes: allowed } of holders) {
    if (allowed === null) continue;
    left = left.filter((scope) => allowed.includes(scope));
    if (left.length === 0) {
      throw new InvalidScope(`None of the scopes granted to ${label} is defined by API ${api.identifier}`);
    }
  }
  throw new InvalidScope(`No scope of API ${api.identifier} is left for this grant`);
}
