/**
 * The admin API as an RFC 8707 protected resource: `<issuer>/api/v1`, offering the admin scopes. It is not stored:
 * every process derives it from its issuer, so it needs no migration, cannot be removed or changed through the
 * API operations, and is not listed among the APIs people register. It is found by identifier wherever a token's
 * audience is resolved (the token endpoint, API-token creation, a client's API list).
 */
import { Conflict, InvalidRequest } from '../errors.js';
import type { AddApiOptions, ApiRecord, ApiStore } from '../storage/index.js';
import { ADMIN_SCOPES } from './scopes.js';

export const ADMIN_API_PATH = '/api/v1';

export function adminApiIdentifier(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}${ADMIN_API_PATH}`;
}

export function adminApiRecord(issuer: string, tokenTtlSeconds: number): ApiRecord {
  return Object.freeze({
    identifier: adminApiIdentifier(issuer),
    scopes: [...ADMIN_SCOPES],
    isDefault: false,
    tokenTtlSeconds,
    // Scripts and infrastructure tools hold bearer tokens today; an operator who wants more binds clients instead.
    dpop: 'allowed',
    createdAt: 0,
  });
}

function builtIn(identifier: string): InvalidRequest {
  return new InvalidRequest(`${identifier} is Tollgate's own admin API: it cannot be changed or removed`);
}

/** `apis` with the admin API added to lookups by identifier; `list` stays the registered APIs only. */
export function withAdminApi(apis: ApiStore, admin: ApiRecord): ApiStore {
  return {
    add: async (api: ApiRecord, options?: AddApiOptions) => {
      if (api.identifier === admin.identifier) throw new Conflict(`${admin.identifier} is the admin API's identifier`);
      return apis.add(api, options);
    },
    update: async (identifier, changes) => {
      if (identifier === admin.identifier) throw builtIn(identifier);
      return apis.update(identifier, changes);
    },
    get: async (identifier) => (identifier === admin.identifier ? admin : apis.get(identifier)),
    getDefault: () => apis.getDefault(),
    list: () => apis.list(),
    remove: async (identifier) => {
      if (identifier === admin.identifier) throw builtIn(identifier);
      return apis.remove(identifier);
    },
  };
}
