/**
 * GET /metrics on the public port: the exposition for a scraper holding an admin-API bearer token with the
 * `tollgate:metrics` scope (or `tollgate:admin`), judged by the same core check as every admin API bearer request.
 * Without a token: 401 with a bare `Bearer` challenge (RFC 6750 3.1: no error code when no credentials were sent);
 * a bad token 401 invalid_token; a token without the scope 403 insufficient_scope. A scraper on the private
 * metrics listener (metrics-listener.ts) needs none of this.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AdminBearerCore, bearerTokenOf } from '../http/admin-bearer.js';
import { renderAdminError } from '../http/admin-errors.js';
import { registerEndpoint } from '../http/endpoints.js';
import type { ServerMetrics } from './server-metrics.js';

export const METRICS_PATH = '/metrics';
const METRICS_SCOPE = 'tollgate:metrics';
const CHALLENGE = 'Bearer realm="tollgate-admin"';

export function registerMetricsRoute(
  app: FastifyInstance,
  core: AdminBearerCore,
  metrics: ServerMetrics,
  bodyLimitBytes: number,
): void {
  registerEndpoint(app, {
    method: 'GET',
    url: METRICS_PATH,
    handler: async (request, reply) => {
      try {
        if (!(await authorized(core, request))) {
          return reply
            .code(401)
            .header('www-authenticate', CHALLENGE)
            .send({
              error: 'unauthenticated',
              error_description: `GET /metrics needs an admin API bearer token with the ${METRICS_SCOPE} scope`,
            });
        }
      } catch (error) {
        return sendRefusal(reply, error, bodyLimitBytes);
      }
      const { contentType, body } = await metrics.scrape();
      return reply.type(contentType).send(body);
    },
  });
}

/** False without a bearer token; throws the core's refusal for a bad one or one without the scope. */
async function authorized(core: AdminBearerCore, request: FastifyRequest): Promise<boolean> {
  const token = bearerTokenOf(request);
  if (token === undefined) return false;
  await core.authorizeAdminBearer({
    token,
    address: request.ip,
    requiredScope: METRICS_SCOPE,
    operation: `GET ${METRICS_PATH}`,
  });
  return true;
}

function sendRefusal(reply: FastifyReply, error: unknown, bodyLimitBytes: number): FastifyReply {
  const rendered = renderAdminError(error, bodyLimitBytes);
  if (rendered.status >= 500) throw error;
  return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}
