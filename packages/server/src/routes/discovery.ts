/** GET /.well-known/oauth-authorization-server (RFC 8414 3): the server's metadata document. */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerEndpoint } from '../http/endpoints.js';

export const METADATA_PATH = '/.well-known/oauth-authorization-server';

export function registerDiscoveryRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerEndpoint(app, {
    method: 'GET',
    url: METADATA_PATH,
    cacheControl: 'public, max-age=300',
    handler: async () => tollgate.metadata(),
  });
}
