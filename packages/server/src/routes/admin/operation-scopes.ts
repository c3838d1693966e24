/**
 * What each /api/v1 operation needs from a bearer token (docs/admin-api.md, "Automation with tokens"): one admin
 * scope (`tollgate:admin` allows them all), `session` for what only a dashboard session can do, `public` for what
 * anyone may call. The guard checks requests against this table and the OpenAPI document prints it; a test checks
 * that it names exactly the routes the server registers.
 */
import type { AdminScope } from '@tollgate/core';

export type OperationAccess = AdminScope | 'session' | 'public';

/** Keyed by method and OpenAPI path under /api/v1: `GET /tokens/{id}`. */
export const OPERATION_SCOPES: Readonly<Record<string, OperationAccess>> = Object.freeze({
  'POST /session': 'public',
  'GET /session': 'session',
  'DELETE /session': 'session',
  'GET /tokens': 'tollgate:tokens:read',
  'POST /tokens': 'tollgate:tokens:write',
  'GET /tokens/{id}': 'tollgate:tokens:read',
  'PATCH /tokens/{id}': 'tollgate:tokens:write',
  'POST /tokens/{id}/regenerate': 'tollgate:tokens:write',
  'DELETE /tokens/{id}': 'tollgate:tokens:write',
  'GET /tokens/{id}/usage': 'tollgate:tokens:read',
  'GET /apis': 'tollgate:apis:read',
  'POST /apis': 'tollgate:apis:write',
  'PATCH /apis/{identifier}': 'tollgate:apis:write',
  'DELETE /apis/{identifier}': 'tollgate:apis:write',
  'GET /usage/apis': 'tollgate:apis:read',
  'GET /clients': 'tollgate:clients:read',
  'POST /clients': 'tollgate:clients:write',
  'PATCH /clients/{id}': 'tollgate:clients:write',
  'POST /clients/{id}/rotate-secret': 'tollgate:clients:write',
  'DELETE /clients/{id}': 'tollgate:clients:write',
  'GET /users': 'tollgate:users:read',
  'POST /users': 'tollgate:users:write',
  'PATCH /users/{id}': 'tollgate:users:write',
  'POST /users/{id}/password': 'tollgate:users:write',
  'DELETE /users/{id}': 'tollgate:users:write',
  'GET /keys': 'tollgate:keys:read',
  'POST /keys/rotate': 'tollgate:keys:write',
  'POST /keys/{kid}/retire': 'tollgate:keys:write',
  'GET /audit': 'tollgate:audit:read',
  'GET /webhooks': 'tollgate:webhooks:read',
  'POST /webhooks': 'tollgate:webhooks:write',
  'PATCH /webhooks/{id}': 'tollgate:webhooks:write',
  'DELETE /webhooks/{id}': 'tollgate:webhooks:write',
  'POST /webhooks/{id}/test': 'tollgate:webhooks:write',
  'GET /webhooks/{id}/deliveries': 'tollgate:webhooks:read',
  'GET /openapi.json': 'public',
});

/**
 * The table's key for a routed request: Fastify's `/api/v1/tokens/:id` as `/tokens/{id}`, HEAD as the GET it
 * mirrors. Undefined for what is not an operation (a 404).
 */
export function operationKey(method: string, routeUrl: string | undefined, prefix: string): string | undefined {
  if (routeUrl === undefined || !routeUrl.startsWith(prefix)) return undefined;
  const path = routeUrl.slice(prefix.length).replace(/:(\w+)/g, '{$1}');
  return `${method === 'HEAD' ? 'GET' : method} ${path}`;
}
