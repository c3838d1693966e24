/**
 * What kind of client may do what (RFC 6749 2.1, RFC 9700 2.4): a public client has no secret, so it may use only
 * the authorization code grant (with PKCE) and refresh tokens; a third-party client never sees a user's password;
 * the code flow needs somewhere to send the user back.
 */
import { redirectUriProblem } from '../authorization/redirect-uri.js';
import { InvalidRequest } from '../errors.js';
import type { GrantType } from '../storage/index.js';
import type { ClientInput } from './contract.js';

const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'password', 'refresh_token', 'authorization_code'];
const PUBLIC_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token'];
const MAX_REDIRECT_URIS = 20;

export interface ClientKind {
  public: boolean;
  firstParty: boolean;
  redirectUris: string[];
  grantTypes: GrantType[];
}

export function checkClientKind(input: ClientInput): ClientKind {
  const isPublic = input.public ?? false;
  const firstParty = input.firstParty ?? true;
  const redirectUris = checkRedirectUris(input.redirectUris ?? []);
  const fallback: GrantType[] =
    redirectUris.length > 0 || isPublic ? ['authorization_code', 'refresh_token'] : ['client_credentials'];
  const grantTypes = checkGrantTypes(input.grantTypes ?? fallback);
  if (isPublic) {
    const refused = grantTypes.find((grant) => !PUBLIC_GRANT_TYPES.includes(grant));
    if (refused) throw new InvalidRequest(`grant types: a public client has no secret and may not use ${refused}`);
  }
  if (!firstParty && grantTypes.includes('password')) {
    throw new InvalidRequest('grant types: a third-party client may not use the password grant (RFC 9700 2.4)');
  }
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw new InvalidRequest('redirect URIs: the authorization_code grant needs at least one');
  }
  return { public: isPublic, firstParty, redirectUris, grantTypes };
}

function checkRedirectUris(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  if (unique.length > MAX_REDIRECT_URIS) throw new InvalidRequest(`redirect URIs: at most ${MAX_REDIRECT_URIS}`);
  for (const value of unique) {
    const problem = redirectUriProblem(value);
    if (problem !== undefined) throw new InvalidRequest(`redirect URIs: ${value} ${problem}`);
  }
  return unique;
}

function checkGrantTypes(values: readonly string[]): GrantType[] {
  const grants: GrantType[] = [];
  for (const value of values) {
    const grant = GRANT_TYPES.find((known) => known === value);
    if (!grant) throw new InvalidRequest(`grant types: "${value}" is not one of ${GRANT_TYPES.join(', ')}`);
    if (!grants.includes(grant)) grants.push(grant);
  }
  if (grants.length === 0) throw new InvalidRequest('grant types: name at least one');
  return grants;
}
