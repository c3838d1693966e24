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
