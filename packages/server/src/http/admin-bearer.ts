/**
 * Bearer tokens on the admin API (RFC 6750 2.1), for scripts and infrastructure tools: a service account's
 * `client_credentials` JWT or an admin's API token, issued for the admin API's resource identifier. The core judges
 * the token and turns it into the `Actor` every operation authorises and audits; this module finds it in the request
 * and says which scope the operation needs (operation-scopes.ts).
 *
 * A bearer request is not a browser's ambient credential, so it needs no CSRF token and no Origin check; when it also
 * carries the session cookie, the cookie is ignored: the token alone decides who acts.
 */
import { type Actor, type AdminScope, Forbidden, type Tollgate } from '@tollgate/core';
import { BearerError, parseAuthorizationHeader } from '@tollgate/verify';
import type { FastifyRequest } from 'fastify';
import { MalformedBearer } from './admin-errors.js';
import { OPERATION_SCOPES, operationKey } from '../routes/admin/operation-scopes.js';
import { API_PREFIX } from '../routes/admin/prefix.js';

export type AdminBearerCore = Pick<Tollgate, 'authorizeAdminBearer'>;

/** The Bearer token of the request; undefined without an Authorization header or with another scheme (`Basic`). */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const values = request.raw.headersDistinct.authorization;
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new MalformedBearer('The request must not carry more than one Authorization header');
  try {
    return parseAuthorizationHeader(values[0] as string);
  } catch (error) {
    // A proxy's Basic credentials in front of the dashboard are not ours to judge: the session decides then.
    if (error instanceof BearerError && error.code === 'ERR_BEARER_OTHER_SCHEME') return undefined;
    if (error instanceof BearerError) throw new MalformedBearer(error.description ?? 'Malformed Authorization header');
    throw error;
  }
}

/** The actor of a bearer request, or a refusal: 401 invalid_token, 403 insufficient_scope (audited by the core). */
export async function authorizeBearerRequest(
  core: AdminBearerCore,
  request: FastifyRequest,
  token: string,
): Promise<Actor | undefined> {
  const key = operationKey(request.method, request.routeOptions.url, API_PREFIX);
  const access = key === undefined ? undefined : OPERATION_SCOPES[key];
  // Not an operation: the 404 and 405 answers say so without looking at the token.
  if (key === undefined || access === undefined) return undefined;
  if (access === 'session') throw new Forbidden('This endpoint belongs to dashboard sessions; a bearer token has none');
  if (access === 'public') return undefined;
  return core.authorizeAdminBearer({
    token,
    address: request.ip,
    requiredScope: access satisfies AdminScope,
    operation: key.replace(' ', ` ${API_PREFIX}`),
  });
}
