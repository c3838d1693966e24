/**
 * GET /healthz (liveness: the process serves HTTP) and GET /readyz (readiness: send it traffic).
 * A process whose /healthz fails should be restarted; one whose /readyz fails should only get no new
 * requests, since a database outage or a drain is not cured by a restart. Both answer plain HTTP from
 * anywhere (load balancer probes rarely speak TLS to the node) and reveal nothing beyond the verdict.
 */
import type { FastifyInstance } from 'fastify';
import { registerEndpoint } from '../http/endpoints.js';
import type { Readiness } from '../readiness.js';

export const HEALTH_PATHS = { liveness: '/healthz', readiness: '/readyz' } as const;

/** Without a readiness source (an app built for tests) the node is always ready. */
export function registerHealthRoutes(app: FastifyInstance, readiness: Pick<Readiness, 'check'> | undefined): void {
  registerEndpoint(app, {
    method: 'GET',
    url: HEALTH_PATHS.liveness,
    anyTransport: true,
    handler: async () => ({ status: 'ok' }),
  });
  registerEndpoint(app, {
    method: 'GET',
    url: HEALTH_PATHS.readiness,
    anyTransport: true,
    handler: async (_request, reply) => {
      const verdict = readiness === undefined ? { ready: true as const } : await readiness.check();
      if (verdict.ready) return { status: 'ok' };
      reply.code(503);
      return { status: 'unavailable', reason: verdict.reason };
    },
  });
}
