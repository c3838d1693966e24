/** Records (or the admin classes' public shapes) as the management surface shows them: fresh objects, no hashes. */
import type { PublicClient } from '../admin/clients.js';
import type { KeyInfo } from '../admin/keys.js';
import type { PublicUser } from '../admin/users.js';
import type { ApiRecord } from '../storage/index.js';
import type { ApiView, ClientView, KeyView, UserView } from './contract.js';

export function userView(user: PublicUser): UserView {
  const { id, username, scopes, disabled, isAdmin, createdAt } = user;
  return { id, username, scopes: [...scopes], disabled, isAdmin, createdAt };
}

export function apiView(api: ApiRecord): ApiView {
  const { identifier, scopes, isDefault, tokenTtlSeconds, createdAt } = api;
  return { identifier, scopes: [...scopes], isDefault, tokenTtlSeconds, createdAt };
}

export function clientView(client: PublicClient): ClientView {
  const { id, name, scopes, apis, grantTypes, createdAt } = client;
  return { id, name, scopes: [...scopes], apis: apis && [...apis], grantTypes: [...grantTypes], createdAt };
}

export function keyView(key: KeyInfo): KeyView {
  const { kid, alg, createdAt, activatesAt, retiredAt, expiresAt, signing } = key;
  return { kid, alg, createdAt, activatesAt, retiredAt, expiresAt, signing };
}
