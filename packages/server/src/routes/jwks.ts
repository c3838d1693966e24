/**
 * GET /.well-known/jwks.json (RFC 7517 5): the public keys. Cached for a minute only, so verifiers
 * see a rotated key soon after `tollgate keys rotate`.
 */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerEndpoint } from '../http/endpoints.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export function registerJwksRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerEndpoint(app, {
    method: 'GET',
    url: JWKS_PATH,
    cacheControl: 'public, max-age=60',
    handler: async () => tollgate.jwks(),
  });
}
