/**
 * Scopes given to a user or a client must be ones a registered API defines: any other could never be granted (a
 * grant is limited to what the API defines), so accepting it would only hide a typo until a token comes out empty.
 */
import { checkScopes, printable } from './validate.js';
import { InvalidRequest } from '../errors.js';
import type { Store } from '../storage/index.js';
import { ADMIN_SCOPES, isAdminScope } from '../admin-access/scopes.js';

export async function checkDefinedScopes(
  store: Store,
  scopes: readonly string[],
  holder: 'client' | 'user',
): Promise<void> {
  const requested = checkScopes(scopes);
  if (requested.length === 0) return;
  const admin = requested.find(isAdminScope);
  if (admin !== undefined && holder === 'user') {
    // An admin's API tokens get the admin scopes from the admin flag, read at each use; a scope could outlive a demotion.
    throw new InvalidRequest(`scopes: "${admin}" is not given to users: make the user an admin instead`);
  }
  // The admin API (admin-access/resource.ts) defines the admin scopes: a client given them is a service account.
  const defined = new Set([...(await store.apis.list()).flatMap((api) => api.scopes), ...ADMIN_SCOPES]);
  const unknown = requested.filter((scope) => !defined.has(scope));
  if (unknown.length === 0) return;
  const listed = unknown.map((scope) => `"${printable(scope)}"`).join(', ');
  // RFC 6749 3.3: a scope list is space-delimited; "read,write" is one (undefined) scope.
  const hint = unknown.some((scope) => scope.includes(',')) ? '; separate scopes with spaces, not commas' : '';
  throw new InvalidRequest(
    `scopes: ${listed} ${unknown.length === 1 ? 'is' : 'are'} not defined by any registered API${hint}`,
  );
}
