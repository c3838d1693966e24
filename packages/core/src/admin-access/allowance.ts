/**
 * What scopes an owner's tokens may carry. A user's: the user's own, and the admin scopes while the user is an admin. Read
 * when a token is made and again each time it is used, so demoting an admin takes them out of every token at once.
 */
import type { UserRecord } from '../storage/index.js';
import { ADMIN_SCOPE_ALL, ADMIN_SCOPES } from './scopes.js';

export function userAllowance(user: Pick<UserRecord, 'scopes' | 'isAdmin'>): readonly string[] {
  return user.isAdmin ? [...new Set([...user.scopes, ...ADMIN_SCOPES])] : user.scopes;
}

/** A client allowed `tollgate:admin` may ask for any narrower admin scope: least privilege per script. */
export function clientAllowance(scopes: readonly string[]): readonly string[];
/** `null` (no limit, the login client's) stays `null`. */
export function clientAllowance(scopes: readonly string[] | null): readonly string[] | null;
export function clientAllowance(scopes: readonly string[] | null): readonly string[] | null {
  if (scopes === null) return null;
  return scopes.includes(ADMIN_SCOPE_ALL) ? [...new Set([...scopes, ...ADMIN_SCOPES])] : scopes;
}
