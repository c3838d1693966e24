/**
 * The OpenAPI 3.1 description of /api/v1 (docs/admin-api.md in machine-readable form). Each operation is one line
 * of a table; errors, security and parameters are derived from it, and request bodies come from the very zod
 * schemas the routes validate with, so the document cannot drift from what the server accepts.
 */
import { ADMIN_SCOPE_ALL, ADMIN_SCOPES, type AdminScope } from '@tollgate/core';
import { z } from 'zod';
import { keyRotationBody } from './keys.js';
import { ADMIN_ERROR_CODES, type JsonSchema, VIEW_SCHEMAS, ref, string } from './openapi-schemas.js';
import { OPERATIONS, type Operation } from './openapi-operations.js';
import { WEBHOOK_VIEW_SCHEMAS } from './openapi-webhooks.js';
import { OPERATION_SCOPES } from './operation-scopes.js';
import { regenerateBody } from './tokens.js';
import { API_PREFIX } from './prefix.js';

const ERROR_TEXT: Readonly<Record<number, string>> = {
  400: 'invalid_request: a malformed body or query string',
  401: 'unauthenticated: no valid session (on sign-in: wrong credentials); invalid_token: a bad bearer token',
  403: 'forbidden (an admin operation by a non-admin), csrf_failed, or insufficient_scope (see WWW-Authenticate)',
  404: "not_found (also for another user's token)",
  409: 'conflict: the name is taken',
  413: 'invalid_request: the body is too large',
  429: 'too_many_requests: see Retry-After',
  500: 'server_error',
};

function errorsOf(operation: Operation): number[] {
  const statuses = new Set<number>([500, ...(operation.extraErrors ?? [])]);
  const unsafe = operation.method !== 'get';
  if (operation.body !== undefined || operation.query !== undefined) statuses.add(400);
  if (operation.body !== undefined) statuses.add(413);
  if (operation.path !== '/openapi.json') {
    if (operation.who !== 'anyone') statuses.add(401);
    // A bearer token without the operation's scope is refused with 403 insufficient_scope, reads included.
    if (unsafe || operation.who === 'admin' || requiredScopeOf(operation) !== undefined) statuses.add(403);
  }
  if (operation.path.includes('{')) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

/** The session (with the CSRF token on unsafe methods), or a bearer token holding the operation's scope. */
function securityOf(operation: Operation): Array<Record<string, string[]>> {
  if (operation.who === 'anyone') return [];
  const session: Record<string, string[]> =
    operation.method === 'get' ? { sessionCookie: [] } : { sessionCookie: [], csrfToken: [] };
  const scope = requiredScopeOf(operation);
  return scope === undefined ? [session] : [session, { adminToken: [scope] }];
}

function requiredScopeOf(operation: Operation): AdminScope | undefined {
  const access = OPERATION_SCOPES[`${operation.method.toUpperCase()} ${operation.path}`];
  return access === undefined || access === 'public' || access === 'session' ? undefined : access;
}

function descriptionOf(operation: Operation): string {
  const scope = requiredScopeOf(operation);
  const bearer = scope === undefined ? '' : ` Bearer token: ${scope} (or ${ADMIN_SCOPE_ALL}).`;
  return `Who: ${operation.who}.${bearer}`;
}

const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  ADMIN_SCOPES.map((scope) => {
    if (scope === ADMIN_SCOPE_ALL) return [scope, 'Every admin operation'];
    const [, domain, access] = scope.split(':');
    return [scope, `${access === 'read' ? 'Read' : 'Change'} ${domain}`];
  }),
);

function bodySchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return json;
}

function operationObject(operation: Operation): JsonSchema {
  const [status, schema] = operation.answer;
  const responses: JsonSchema = {
    [status]: {
      description: operation.summary,
      ...(schema === undefined ? {} : { content: { 'application/json': { schema: ref(schema) } } }),
    },
  };
  for (const error of errorsOf(operation)) {
    responses[error] = {
      description: ERROR_TEXT[error] ?? 'Error',
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  const pathParameters = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: string(),
    description: name === 'identifier' ? 'Percent-encoded as one segment' : undefined,
  }));
  const queryParameters = (operation.query ?? []).map((query) => ({ in: 'query', required: false, ...query }));
  const parameters = [...pathParameters, ...queryParameters];
  return {
    summary: operation.summary,
    description: descriptionOf(operation),
    security: securityOf(operation),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(operation.body === undefined ? {} : { requestBody: requestBodyOf(operation.body) }),
    responses,
  };
}

function requestBodyOf(body: z.ZodType): JsonSchema {
  // Key rotation and regeneration may be sent without a body (the configured algorithm, no grace period).
  return {
    required: body !== keyRotationBody && body !== regenerateBody,
    content: { 'application/json': { schema: bodySchema(body) } },
  };
}

/** Every (method, path) the document describes, as `GET /api/v1/tokens/{id}`. */
export function documentedOperations(): string[] {
  return OPERATIONS.map((operation) => `${operation.method.toUpperCase()} ${API_PREFIX}${operation.path}`);
}

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of OPERATIONS) {
    paths[`${API_PREFIX}${operation.path}`] ??= {};
    (paths[`${API_PREFIX}${operation.path}`] as Record<string, JsonSchema>)[operation.method] =
      operationObject(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate admin and self-service API',
      version: '1',
      description:
        'Sign in with POST /api/v1/session; the answer sets the session cookie and carries the csrfToken to echo in ' +
        'X-CSRF-Token on every POST, PATCH, PUT and DELETE. Requests from another Origin are refused (403 csrf_failed). ' +
        'Scripts send `Authorization: Bearer <token>` instead: a client_credentials token requested with ' +
        "`resource=<issuer>/api/v1`, or an admin's API token for that API, holding the scope each operation names.",
    },
    paths,
    components: {
      schemas: { ...VIEW_SCHEMAS, ...WEBHOOK_VIEW_SCHEMAS },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: '__Host-tollgate_session' },
        csrfToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-CSRF-Token',
          description: 'The csrfToken of the SessionView',
        },
        adminToken: {
          type: 'oauth2',
          description:
            "A bearer token for the resource <issuer>/api/v1: client_credentials (below) or an admin's API token " +
            '(tg_...) with the same scopes. No CSRF token; a session cookie sent beside it is ignored.',
          flows: { clientCredentials: { tokenUrl: '/token', scopes: SCOPE_DESCRIPTIONS } },
        },
      },
    },
    'x-error-codes': [...ADMIN_ERROR_CODES],
  };
}
