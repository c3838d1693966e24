/** RFC 8414 authorization server metadata, and where each endpoint lives below the issuer. */
import { DEFAULT_DPOP_ALGORITHMS, METADATA_EXTENSIONS } from '@tollgate/jwt';
import { ENDPOINT_PATHS } from './endpoint-paths.js';
import { SUPPORTED_GRANT_TYPES } from './grants/index.js';

export { ENDPOINT_PATHS };

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: issuer + ENDPOINT_PATHS.authorization,
    token_endpoint: issuer + ENDPOINT_PATHS.token,
    jwks_uri: issuer + ENDPOINT_PATHS.jwks,
    revocation_endpoint: issuer + ENDPOINT_PATHS.revocation,
    introspection_endpoint: issuer + ENDPOINT_PATHS.introspection,
    grant_types_supported: SUPPORTED_GRANT_TYPES,
    // The authorization code flow only (no implicit grant, RFC 9700 2.1.2), with PKCE S256 for every client.
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    // RFC 9207: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // RFC 9449 5.1: the token endpoint binds tokens to a DPoP proof made with one of these.
    dpop_signing_alg_values_supported: DEFAULT_DPOP_ALGORITHMS,
    // Tollgate extension (RFC 8414 2 allows additional members): Server-Sent Events of revoked jtis, for verifiers.
    [METADATA_EXTENSIONS.revocationStreamEndpoint]: issuer + ENDPOINT_PATHS.revocationStream,
    // Tollgate extension: where verifiers report API-token uses (request counts, last used), client-authenticated.
    [METADATA_EXTENSIONS.apiTokenUsageEndpoint]: issuer + ENDPOINT_PATHS.apiTokenUsage,
    // Tollgate extension: where verifiers consume API-token credits (the server is their one authority).
    [METADATA_EXTENSIONS.apiTokenCreditsEndpoint]: issuer + ENDPOINT_PATHS.apiTokenCredits,
  };
}
