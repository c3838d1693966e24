/**
 * The peer the benchmark measures Tollgate against: panva's oidc-provider, the reference OAuth server for Node,
 * set up for what Tollgate's rows do: client_credentials (RFC 6749 4.4) with client_secret_basic, JWT access
 * tokens for the bench API through resource indicators (RFC 8707; RFC 9068 tokens signed with the one key of
 * the run's algorithm), opaque tokens when no resource is named, and introspection (RFC 7662).
 */
import type { JsonWebKey } from 'node:crypto';
import type { ProviderConfiguration } from 'oidc-provider';
import { API } from '../seed.js';
import type { AdapterFactory } from './sqlite-adapter.js';

export const PEER_CLIENT = { clientId: 'bench-peer', clientSecret: 'bench-peer-secret-not-for-production' };
export const PEER_SCOPE = 'read:data';
/** Tollgate's default access-token lifetime (15 minutes), so both sides store the same. */
const ACCESS_TOKEN_TTL_SECONDS = 900;

export type PeerAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

export function providerConfiguration(
  algorithm: PeerAlgorithm,
  signingKey: JsonWebKey,
  adapter: AdapterFactory,
): ProviderConfiguration {
  const resourceServer = {
    scope: 'read:data write:data',
    audience: API,
    accessTokenFormat: 'jwt',
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    jwt: { sign: { alg: algorithm } },
  };
  return {
    adapter,
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: PEER_CLIENT.clientId,
        client_secret: PEER_CLIENT.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'read:data write:data',
      },
    ],
    clientDefaults: { id_token_signed_response_alg: algorithm },
    scopes: ['read:data', 'write:data'],
    ttl: { ClientCredentials: ACCESS_TOKEN_TTL_SECONDS },
    cookies: { keys: ['bench-cookie-key-not-for-production'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_context: unknown, _client: unknown, oneOf?: string) => oneOf,
        getResourceServerInfo: async () => resourceServer,
      },
    },
  };
}
