/** The token endpoint's dispatch: one handler per grant type (RFC 6749 4.1, 4.3, 4.4, 6). */
import { InvalidRequest, UnsupportedGrantType } from '../errors.js';
import type { TokenRequest, TokenResponse } from '../service.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { GrantContext, GrantHandler } from './context.js';
import { verifiedProofOf } from './dpop.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';

const HANDLERS: ReadonlyMap<string, GrantHandler> = new Map<string, GrantHandler>([
  ['password', passwordGrant],
  ['client_credentials', clientCredentialsGrant],
  ['refresh_token', refreshTokenGrant],
  ['authorization_code', authorizationCodeGrant],
]);

export async function handleTokenRequest(context: GrantContext, request: TokenRequest): Promise<TokenResponse> {
  const { grantType, handler } = handlerFor(context, request);
  const response = await handler(context, request, verifiedProofOf(context, request));
  context.events.emit({ type: 'token_issued', grantType });
  return response;
}

function handlerFor(context: GrantContext, request: TokenRequest): { grantType: string; handler: GrantHandler } {
  const grantType = request.params.get('grant_type');
  if (grantType === undefined) {
    // The simple login: `{"username", "password"}` and nothing else is the password grant.
    if (context.passwordLogin && request.params.has('username') && request.params.has('password')) {
      return { grantType: 'password', handler: passwordGrant };
    }
    throw new InvalidRequest('The grant_type parameter is required');
  }
  const handler = HANDLERS.get(grantType);
  if (!handler) throw new UnsupportedGrantType(`Supported grant types: ${SUPPORTED_GRANT_TYPES.join(', ')}`);
  return { grantType, handler };
}

export const SUPPORTED_GRANT_TYPES = [...HANDLERS.keys()];
export { LOGIN_CLIENT_ID } from '../clients/authenticate.js';
