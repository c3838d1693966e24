/**
 * Turns a parsed HTTP request into the core's request shapes: parameters without client credentials,
 * the presented client, and the caller's address (as resolved through trusted proxies).
 */
import { InvalidRequest, type RevocationRequest, type TokenRequest } from '@tollgate/core';
import type { FastifyRequest } from 'fastify';
import { parametersOf } from './body.js';
import { presentedClient } from './client-auth.js';

/** RFC 6749 3.2 / 4.x: the token endpoint's request. */
export function tokenRequestOf(request: FastifyRequest): TokenRequest {
  const body = parametersOf(request.body);
  const { client, params } = presentedClient(request.headers.authorization, body.params);
  return { params, resources: body.resources, client, remoteAddress: request.ip };
}

/** RFC 7009 2.1 and RFC 7662 2.1 share one shape: `token`, an optional `token_type_hint`, the client. */
export function tokenOperationOf(request: FastifyRequest): RevocationRequest {
  const body = parametersOf(request.body);
  const { client, params } = presentedClient(request.headers.authorization, body.params);
  const token = params.get('token');
  if (token === undefined) throw new InvalidRequest('The token parameter is required');
  return { token, tokenTypeHint: params.get('token_type_hint'), client, remoteAddress: request.ip };
}
