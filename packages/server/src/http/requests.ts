/**
 * Turns a parsed HTTP request into the core's request shapes: parameters without client credentials,
 * the presented client, and the caller's address (as resolved through trusted proxies).
 */
import { InvalidDpopProof, InvalidRequest, type RevocationRequest, type TokenRequest } from '@tollgate/core';
import type { FastifyRequest } from 'fastify';
import { parametersOf } from './body.js';
import { presentedClient } from './client-auth.js';

/** Client authentication in the body (RFC 6749 2.3.1), on every endpoint that authenticates clients. */
const CLIENT_PARAMETERS = ['client_id', 'client_secret'];

/**
 * What the token endpoint recognises, over every grant (RFC 6749 4.1.3, 4.3.2, 4.4.2, 6; RFC 7636 4.5; RFC 8707 2): a parameter a grant
 * reads must be listed here, or the body parser drops it.
 */
export const TOKEN_PARAMETERS: ReadonlySet<string> = new Set([
  ...CLIENT_PARAMETERS,
  'grant_type',
  'username',
  'password',
  'scope',
  'refresh_token',
  'resource',
  'code',
  'redirect_uri',
  'code_verifier',
]);

/** What revocation (RFC 7009 2.1) and introspection (RFC 7662 2.1) recognise. */
export const TOKEN_OPERATION_PARAMETERS: ReadonlySet<string> = new Set([
  ...CLIENT_PARAMETERS,
  'token',
  'token_type_hint',
]);

/** RFC 6749 3.2 / 4.x: the token endpoint's request. */
export function tokenRequestOf(request: FastifyRequest): TokenRequest {
  const body = parametersOf(request.body);
  const { client, params } = presentedClient(request.headers.authorization, body.params);
  return { params, resources: body.resources, client, remoteAddress: request.ip, dpopProof: dpopProofOf(request) };
}

/**
 * RFC 9449 4.3 step 1: at most one DPoP header. Node joins repeated headers of a name it does not know with ", ",
 * and a compact JWS never holds a comma, so a comma means the client sent more than one.
 */
function dpopProofOf(request: FastifyRequest): string | undefined {
  const proof = request.headers.dpop;
  if (proof === undefined) return undefined;
  if (typeof proof !== 'string' || proof.includes(',')) throw new InvalidDpopProof('Send exactly one DPoP header');
  return proof;
}

/** RFC 7009 2.1 and RFC 7662 2.1 share one shape: `token`, an optional `token_type_hint`, the client. */
export function tokenOperationOf(request: FastifyRequest): RevocationRequest {
  const body = parametersOf(request.body);
  const { client, params } = presentedClient(request.headers.authorization, body.params);
  const token = params.get('token');
  if (token === undefined) throw new InvalidRequest('The token parameter is required');
  return { token, tokenTypeHint: params.get('token_type_hint'), client, remoteAddress: request.ip };
}
