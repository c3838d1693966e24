/**
 * Counts every answer by route pattern (`/api/v1/users/:id`), never by the path asked for: a path may carry an id or
 * a token, and a scan of random URLs would make a series per URL. Requests no route matched share one label value.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from './server-metrics.js';

export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function countHttpRequests(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    // request.is404 is `routeOptions.url === undefined`, and Fastify builds routeOptions anew at each read.
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = METHODS.has(request.method) ? request.method : 'other';
    metrics.countHttpAnswer(method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
