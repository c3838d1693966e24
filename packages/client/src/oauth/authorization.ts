/**
 * The authorization code flow (RFC 6749 4.1) for public and confidential clients, as RFC 9700 2.1.1 wants it:
 * PKCE S256 always, an unguessable `state` checked on return, and the RFC 9207 `iss` parameter checked so a
 * response from another authorization server (mix-up) is refused. Storage of the pending request is the caller's:
 * the browser helper keeps it in sessionStorage, the loopback helper in memory.
 */
import { ClientError, OAuthError } from '../errors.js';
import { codeChallengeOf, generateCodeVerifier, generateState } from './pkce.js';

export interface AuthorizationRequestOptions {
  redirectUri: string;
  /** Space-delimited scopes, or a list. */
  scope?: string | readonly string[];
  /** RFC 8707 resource indicators: the API (or APIs) the tokens are for. */
  resource?: string | readonly string[];
  /** Further parameters (`prompt`, `login_hint`, `nonce`, ...), sent as given. */
  extraParams?: Record<string, string>;
}

/** What completing the flow needs back: keep it secret (the verifier) and for one use. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  redirectUri: string;
  resource?: readonly string[] | undefined;
}

export interface AuthorizationRequest extends PendingAuthorization {
  /** Where to send the user (RFC 6749 4.1.1). */
  url: string;
}

const listOf = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? value.split(' ').filter(Boolean) : value;

export async function buildAuthorizationRequest(
  authorizationEndpoint: string,
  clientId: string,
  options: AuthorizationRequestOptions,
  dpopThumbprint?: string,
): Promise<AuthorizationRequest> {
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const url = new URL(authorizationEndpoint);
  const params = url.searchParams;
  for (const [name, value] of Object.entries(options.extraParams ?? {})) params.set(name, value);
  params.set('response_type', 'code');
  params.set('client_id', clientId);
  params.set('redirect_uri', options.redirectUri);
  params.set('state', state);
  params.set('code_challenge', await codeChallengeOf(codeVerifier));
  params.set('code_challenge_method', 'S256');
  const scopes = listOf(options.scope);
  if (scopes.length > 0) params.set('scope', scopes.join(' '));
  const resource = listOf(options.resource);
  for (const value of resource) params.append('resource', value);
  // RFC 9449 10: binds the code to the DPoP key, so a stolen code is useless without it.
  if (dpopThumbprint !== undefined) params.set('dpop_jkt', dpopThumbprint);
  return {
    url: url.href,
    state,
    codeVerifier,
    redirectUri: options.redirectUri,
    resource: resource.length > 0 ? resource : undefined,
  };
}

export interface ResponseChecks {
  issuer: string;
  /** The server said it always sends `iss` (RFC 9207 3): then a response without one is refused. */
  issRequired: boolean;
}

/**
 * Checks the redirect back (RFC 6749 4.1.2) and returns the code: `state` first (anything else could be an attack),
 * then `iss` (RFC 9207 2.4), then an `error` response (4.1.2.1), which becomes an OAuthError.
 */
export function codeFromResponse(callbackUrl: string, pending: PendingAuthorization, checks: ResponseChecks): string {
  const params = new URL(callbackUrl).searchParams;
  if (params.get('state') !== pending.state) {
    throw new ClientError('ERR_STATE_MISMATCH', 'The authorization response does not carry the state that was sent');
  }
  const iss = params.get('iss');
  if (iss === null ? checks.issRequired : iss !== checks.issuer) {
    throw new ClientError('ERR_ISSUER_MISMATCH', 'The authorization response does not come from the expected issuer');
  }
  const error = params.get('error');
  if (error !== null) {
    throw new OAuthError({ error, errorDescription: params.get('error_description') ?? undefined });
  }
  const code = params.get('code');
  if (code === null || code === '') {
    throw new ClientError('ERR_RESPONSE_INVALID', 'The authorization response carries neither a code nor an error');
  }
  return code;
}
