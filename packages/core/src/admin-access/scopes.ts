/**
 * The scopes of Tollgate's own admin API (docs/admin-api.md, "Automation with tokens"): `tollgate:admin` allows
 * everything; the others allow reading or changing one domain. Which operation needs which is the server's table.
 */
export const ADMIN_SCOPE_ALL = 'tollgate:admin';

export const ADMIN_SCOPES = Object.freeze([
  ADMIN_SCOPE_ALL,
  'tollgate:users:read',
  'tollgate:users:write',
  'tollgate:clients:read',
  'tollgate:clients:write',
  'tollgate:apis:read',
  'tollgate:apis:write',
  'tollgate:tokens:read',
  'tollgate:tokens:write',
  'tollgate:keys:read',
  'tollgate:keys:write',
  'tollgate:audit:read',
  'tollgate:webhooks:read',
  'tollgate:webhooks:write',
  // Reading GET /metrics on the public port (docs/metrics.md); it allows no admin API operation.
  'tollgate:metrics',
] as const);

export type AdminScope = (typeof ADMIN_SCOPES)[number];

export function isAdminScope(scope: string): scope is AdminScope {
  return (ADMIN_SCOPES as readonly string[]).includes(scope);
}

/** Whether `held` allows an operation that needs `required`: the scope itself, or `tollgate:admin`. */
export function scopesAllow(held: readonly string[], required: AdminScope): boolean {
  return held.includes(required) || held.includes(ADMIN_SCOPE_ALL);
}
