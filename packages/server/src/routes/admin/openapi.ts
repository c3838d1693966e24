/** GET /api/v1/openapi.json: the machine-readable description of the admin API, public like the docs. */
import type { FastifyInstance } from 'fastify';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { buildOpenApiDocument } from './openapi-document.js';

export function registerOpenApiRoute(app: FastifyInstance): void {
  const document = buildOpenApiDocument();
  registerAdminRoutes(app, [{ method: 'GET', url: '/openapi.json', access: 'public', handler: async () => document }]);
}
