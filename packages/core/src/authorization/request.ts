/**
 * Checking an authorization request (RFC 6749 4.1.1, RFC 7636 4.3, RFC 8707 2), in the order RFC 6749 4.1.2.1
 * implies: first the client and its redirect URI, whose errors the user sees on the server's own page; then
 * everything else, whose errors go back to the client at that redirect URI.
 */
import { resolveApi } from '../grants/audience.js';
import { grantScopes, requireGrantedScope } from '../grants/scopes.js';
import { InvalidRequest, TollgateError, UnauthorizedClient, UnsupportedResponseType } from '../errors.js';
import type { ApiRecord, ClientRecord, Store } from '../storage/index.js';
import type { BuiltInClient } from './dashboard-client.js';
import { isS256Challenge } from './pkce.js';
import { AuthorizationRedirect, type RedirectTarget } from './redirect-error.js';
import { redirectUriMatches } from './redirect-uri.js';

/** The parameters the authorization endpoint reads; every other one is ignored (RFC 6749 3.1). */
export const AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
]);

const MAX_STATE_LENGTH = 1024;
const MAX_CLIENT_ID_LENGTH = 256;

/** A checked authorization request: what the sign-in page shows and what a code is issued for. */
export interface AuthorizationRequest {
  client: ClientRecord;
  target: RedirectTarget;
  codeChallenge: string;
  api: ApiRecord;
  /** The `scope` parameter as sent, limited again by the user's scopes once they sign in. */
  requestedScope: string | undefined;
  /** What the client and the API allow of the request; the consent screen lists these. */
  scopes: string[];
  /** Every parameter as checked, for the sign-in form to send back. */
  params: ReadonlyMap<string, string>;
  resources: readonly string[];
}

export async function checkAuthorizationRequest(
  store: Pick<Store, 'clients' | 'apis'>,
  issuer: string,
  params: ReadonlyMap<string, string>,
  resources: readonly string[],
  builtIn?: BuiltInClient,
): Promise<AuthorizationRequest> {
  const { client, redirectUri } = await clientAndRedirect(store, params, builtIn?.client);
  const state = params.get('state');
  const target: RedirectTarget = { redirectUri, state: state?.slice(0, MAX_STATE_LENGTH), issuer };
  try {
    checkResponseType(params.get('response_type'));
    if (!client.grantTypes.includes('authorization_code')) {
      throw new UnauthorizedClient('This client may not use the authorization code flow');
    }
    if (state !== undefined && state.length > MAX_STATE_LENGTH) {
      throw new InvalidRequest(`The state parameter is longer than ${MAX_STATE_LENGTH} characters`);
    }
    const codeChallenge = checkCodeChallenge(params);
    const api =
      builtIn !== undefined && client === builtIn.client
        ? builtIn.api
        : await resolveApi(store.apis, resources, { ...client, confidential: !client.public });
    const requestedScope = params.get('scope');
    const scopes = requireGrantedScope(grantScopes(requestedScope, api.scopes, client.scopes), api, [
      { label: `client ${client.id}`, scopes: client.scopes },
    ]);
    return { client, target, codeChallenge, api, requestedScope, scopes, params, resources };
  } catch (error) {
    if (error instanceof TollgateError && error.status < 500) throw new AuthorizationRedirect(error, target);
    throw error;
  }
}

/** RFC 6749 3.1.2.4: with no valid client and redirect URI there is nowhere safe to redirect to. */
async function clientAndRedirect(
  store: Pick<Store, 'clients'>,
  params: ReadonlyMap<string, string>,
  builtIn: ClientRecord | undefined,
): Promise<{ client: ClientRecord; redirectUri: string }> {
  const clientId = params.get('client_id');
  if (clientId === undefined) throw new InvalidRequest('The client_id parameter is required');
  const client =
    clientId === builtIn?.id
      ? builtIn
      : clientId.length <= MAX_CLIENT_ID_LENGTH
        ? await store.clients.get(clientId)
        : undefined;
  if (client === undefined) throw new InvalidRequest('The client_id names no registered client');
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === undefined) throw new InvalidRequest('The redirect_uri parameter is required');
  if (!redirectUriMatches(client.redirectUris, redirectUri)) {
    throw new InvalidRequest('The redirect_uri is not registered for this client');
  }
  return { client, redirectUri };
}

function checkResponseType(responseType: string | undefined): void {
  if (responseType === undefined) throw new InvalidRequest('The response_type parameter is required');
  if (responseType !== 'code') throw new UnsupportedResponseType('Only response_type=code is supported');
}

/** PKCE is required of every client (RFC 9700 2.1.1), with S256 (a `plain` challenge is the verifier itself). */
function checkCodeChallenge(params: ReadonlyMap<string, string>): string {
  const challenge = params.get('code_challenge');
  if (challenge === undefined) throw new InvalidRequest('PKCE is required: send code_challenge (S256)');
  if (params.get('code_challenge_method') !== 'S256') {
    throw new InvalidRequest('The code_challenge_method must be S256');
  }
  if (!isS256Challenge(challenge)) {
    throw new InvalidRequest('The code_challenge must be 43 base64url characters (RFC 7636 4.2)');
  }
  return challenge;
}
