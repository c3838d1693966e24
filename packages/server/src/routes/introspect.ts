/** POST /introspect (RFC 7662): the core decides; an inactive token is exactly `{"active": false}`. */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerEndpoint } from '../http/endpoints.js';
import { TOKEN_OPERATION_PARAMETERS, tokenOperationOf } from '../http/requests.js';

export function registerIntrospectRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerEndpoint(app, {
    method: 'POST',
    parameters: TOKEN_OPERATION_PARAMETERS,
    url: '/introspect',
    handler: async (request) => tollgate.introspect(tokenOperationOf(request)),
  });
}
