/**
 * Counts every answer by route pattern (`/api/v1/users/:id`), never by the path asked for: a path may carry an id or
 * a token, and a scan of random URLs would make a series per URL. Requests no route matched share one label value.
 * Called from the app's one onResponse hook (app.ts), beside the request-completed line.
 */
import type { ServerMetrics } from './server-metrics.js';

export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `routeUrl` is the matched route's pattern (`routeOptions.url`), undefined when no route matched. */
export function countHttpAnswer(
  metrics: ServerMetrics,
  method: string,
  routeUrl: string | undefined,
  statusCode: number,
  elapsedMs: number,
): void {
  metrics.countHttpAnswer(
    METHODS.has(method) ? method : 'other',
    routeUrl ?? UNMATCHED_ROUTE,
    statusCode,
    elapsedMs / 1000,
  );
}
