/** POST /revoke (RFC 7009): always 200 with an empty body once the client is authenticated. */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerEndpoint } from '../http/endpoints.js';
import { TOKEN_OPERATION_PARAMETERS, tokenOperationOf } from '../http/requests.js';

export function registerRevokeRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerEndpoint(app, {
    method: 'POST',
    parameters: TOKEN_OPERATION_PARAMETERS,
    url: '/revoke',
    handler: async (request, reply) => {
      await tollgate.revoke(tokenOperationOf(request));
      // RFC 7009 2.2: the content of the response body is ignored by the client.
      return reply.code(200).send();
    },
  });
}
