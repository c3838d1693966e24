/**
 * POST /token (RFC 6749 3.2). Grant handling, including the simple JSON `{username, password}` login
 * (no grant_type), lives in the core; this route only translates.
 */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerEndpoint } from '../http/endpoints.js';
import { TOKEN_PARAMETERS, tokenRequestOf } from '../http/requests.js';

export function registerTokenRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerEndpoint(app, {
    method: 'POST',
    parameters: TOKEN_PARAMETERS,
    url: '/token',
    handler: async (request) => tollgate.token(tokenRequestOf(request)),
  });
}
