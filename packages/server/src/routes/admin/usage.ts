/** /api/v1/usage/apis (admins): API-token requests per day, one series per API. */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { daysQuery } from './inputs.js';

export function registerUsageRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerAdminRoutes(app, [
    {
      method: 'GET',
      url: '/usage/apis',
      handler: async (request) => {
        const { days } = parseInput(daysQuery, request.query, 'query string');
        return { series: await tollgate.as(actorOf(request)).apis.usage(days) };
      },
    },
  ]);
}
