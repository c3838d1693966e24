/**
 * The dashboard's own OAuth client, for `dashboard.signIn: oauth`: a first-party public client whose one redirect URI
 * is `<issuer>/dashboard/callback`. Like the login client it is built in, not stored: every node derives it from its
 * issuer, nobody can change or remove it, and it never reaches the token endpoint (which finds only stored clients),
 * so its codes open a dashboard session and nothing else. Its code is for the admin API's identifier with no scope:
 * signing in grants no scope, what the session may do is the user's role, as with the password sign-in.
 */
import { adminApiIdentifier } from '../admin-access/resource.js';
import type { ApiRecord, ClientRecord } from '../storage/index.js';

export const DASHBOARD_CLIENT_ID = 'tollgate-dashboard';
export const DASHBOARD_CALLBACK_PATH = '/dashboard/callback';

/** A client that exists without being stored, with the API its codes are for. */
export interface BuiltInClient {
  client: ClientRecord;
  api: ApiRecord;
}

export function dashboardRedirectUri(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}${DASHBOARD_CALLBACK_PATH}`;
}

export function dashboardClient(issuer: string): BuiltInClient {
  const client: ClientRecord = Object.freeze({
    id: DASHBOARD_CLIENT_ID,
    name: 'Tollgate dashboard',
    secretHash: '',
    public: true,
    redirectUris: [dashboardRedirectUri(issuer)],
    firstParty: true,
    scopes: [],
    apis: null,
    grantTypes: ['authorization_code' as const],
    // The server redeems its codes itself, with no proof: the session cookie is what the browser holds.
    dpop: 'allowed' as const,
    createdAt: 0,
  });
  const api: ApiRecord = Object.freeze({
    identifier: adminApiIdentifier(issuer),
    scopes: [],
    isDefault: false,
    tokenTtlSeconds: 0,
    dpop: 'allowed',
    createdAt: 0,
  });
  return { client, api };
}
