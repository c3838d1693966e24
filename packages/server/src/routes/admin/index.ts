/**
 * The admin and self-service API under /api/v1 (docs/admin-api.md), as one encapsulated Fastify scope: JSON-only
 * bodies, the admin error envelope, and the session/CSRF guard in front of every route.
 */
import type { FastifyInstance } from 'fastify';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { adminNotFound, renderAdminError } from '../../http/admin-errors.js';
import { registerJsonOnlyBodyParser } from '../../http/admin-input.js';
import { createAdminGuard } from '../../http/admin-session.js';
import { createErrorHandler } from '../../http/errors.js';
import { registerApiRoutes } from './apis.js';
import { registerAuditRoutes } from './audit.js';
import { registerClientRoutes } from './clients.js';
import { registerKeyRoutes } from './keys.js';
import { registerOpenApiRoute } from './openapi.js';
import { API_PREFIX } from './prefix.js';
import { registerSessionRoutes } from './session.js';
import { registerTokenRoutes } from './tokens.js';
import { registerUsageRoutes } from './usage.js';
import { registerUserRoutes } from './users.js';
import { registerWebhookRoutes } from './webhooks.js';

export function registerAdminApi(app: FastifyInstance, tollgate: TollgateEndpoints, bodyLimitBytes: number): void {
  app.register(
    async (admin) => {
      registerJsonOnlyBodyParser(admin);
      admin.setErrorHandler(createErrorHandler(bodyLimitBytes, renderAdminError));
      admin.setNotFoundHandler(adminNotFound);
      admin.addHook(
        'onRequest',
        createAdminGuard(tollgate, () => String(tollgate.metadata().issuer)),
      );
      registerSessionRoutes(admin, tollgate);
      registerTokenRoutes(admin, tollgate);
      registerApiRoutes(admin, tollgate);
      registerUsageRoutes(admin, tollgate);
      registerClientRoutes(admin, tollgate);
      registerUserRoutes(admin, tollgate);
      registerKeyRoutes(admin, tollgate);
      registerAuditRoutes(admin, tollgate);
      registerWebhookRoutes(admin, tollgate);
      registerOpenApiRoute(admin);
    },
    { prefix: API_PREFIX },
  );
}
