/** GET /api/v1/openapi.json: the machine-readable description of the admin API, public like the docs. */
import type { FastifyInstance } from 'fastify';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import type { JsonSchema } from './openapi-schemas.js';

/** The document's modules (the table of operations, the answers' schemas) are loaded with it. */
async function loadOpenApiDocument(): Promise<JsonSchema> {
  return (await import('./openapi-document.js')).buildOpenApiDocument();
}

export function registerOpenApiRoute(app: FastifyInstance): void {
  // Built on the first request, not at start-up: turning the zod schemas into JSON Schema was the largest
  // single cost of building the app, for a document few processes are ever asked for.
  let document: JsonSchema | undefined;
  registerAdminRoutes(app, [
    {
      method: 'GET',
      url: '/openapi.json',
      access: 'public',
      handler: async () => (document ??= await loadOpenApiDocument()),
    },
  ]);
}
