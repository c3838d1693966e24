/**
 * How admin API routes are mounted: each with its method and access rule, and every other method on the same path
 * answered 405 with `Allow` (RFC 9110 15.5.6) in the admin envelope.
 */
import type { FastifyInstance, HTTPMethods, RouteHandlerMethod } from 'fastify';
import { refuseMethod } from './endpoints.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the catch-all that answers 405 for the methods a path does not serve. */
    methodNotAllowed?: boolean;
  }
}

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface AdminRoute {
  method: AdminMethod;
  /** Relative to /api/v1, in Fastify's syntax (`/tokens/:id`). */
  url: string;
  handler: RouteHandlerMethod;
  access?: 'public' | 'sign-in';
}

const ALL_METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Registers the routes; all the routes of one path must be in the same call (for the 405 answers). */
export function registerAdminRoutes(app: FastifyInstance, routes: readonly AdminRoute[]): void {
  const methodsByUrl = new Map<string, AdminMethod[]>();
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: route.handler,
      ...(route.access === undefined ? {} : { config: { adminAccess: route.access } }),
    });
    methodsByUrl.set(route.url, [...(methodsByUrl.get(route.url) ?? []), route.method]);
  }
  for (const [url, methods] of methodsByUrl) registerMethodNotAllowed(app, url, methods);
}

function registerMethodNotAllowed(app: FastifyInstance, url: string, methods: readonly AdminMethod[]): void {
  const allowed: string[] = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
  const allow = allowed.join(', ');
  app.route({
    method: ALL_METHODS.filter((method) => !allowed.includes(method)),
    url,
    config: { methodNotAllowed: true },
    onRequest: refuseMethod(allow),
    handler: async () => undefined,
  });
}
