/** Where each endpoint lives below the issuer: the metadata publishes them, the token endpoint checks DPoP `htu`. */
export const ENDPOINT_PATHS = Object.freeze({
  authorization: '/authorize',
  token: '/token',
  revocation: '/revoke',
  introspection: '/introspect',
  jwks: '/.well-known/jwks.json',
  metadata: '/.well-known/oauth-authorization-server',
  revocationStream: '/revocations',
  apiTokenUsage: '/api-tokens/usage',
  apiTokenCredits: '/api-tokens/credits',
});
