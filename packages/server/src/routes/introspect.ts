/** POST /introspect (RFC 7662): the core decides; an inactive token is exactly `{"active": false}`. */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../app.js';
import { registerEndpoint } from '../http/endpoints.js';
import { tokenOperationOf } from '../http/requests.js';

export function registerIntrospectRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerEndpoint(app, {
    method: 'POST',
    url: '/introspect',
    handler: async (request) => tollgate.introspect(tokenOperationOf(request)),
  });
}
