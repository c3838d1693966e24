/** /api/v1/apis: the registered APIs (resource servers). Everyone signed in may list them; only admins change them. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { dpopPolicy as dpop, scopeList, someChange, text } from './inputs.js';

const tokenTtlSeconds = z.number().int().min(1);

export const apiBody = z.strictObject({
  identifier: text(2048),
  scopes: scopeList,
  isDefault: z.boolean().optional(),
  tokenTtlSeconds: tokenTtlSeconds.optional(),
  dpop: dpop.optional(),
});

export const apiChangesBody = z
  .strictObject({
    scopes: scopeList.optional(),
    isDefault: z.boolean().optional(),
    tokenTtlSeconds: tokenTtlSeconds.optional(),
    dpop: dpop.optional(),
  })
  .refine(someChange, 'must name at least one of scopes, isDefault, tokenTtlSeconds, dpop');

type IdentifierParams = { identifier: string };

export function registerApiRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  const apisOf = (request: FastifyRequest) => tollgate.as(actorOf(request)).apis;
  // The identifier is a URI sent percent-encoded as one path segment; Fastify hands it over decoded.
  const identifierOf = (request: FastifyRequest) => (request.params as IdentifierParams).identifier;
  registerAdminRoutes(app, [
    { method: 'GET', url: '/apis', handler: async (request) => ({ apis: await apisOf(request).list() }) },
    {
      method: 'POST',
      url: '/apis',
      handler: async (request, reply) => {
        const input = parseInput(apiBody, request.body, 'body');
        reply.code(201);
        return apisOf(request).create(input);
      },
    },
    {
      method: 'PATCH',
      url: '/apis/:identifier',
      handler: async (request) =>
        apisOf(request).update(identifierOf(request), parseInput(apiChangesBody, request.body, 'body')),
    },
    {
      method: 'DELETE',
      url: '/apis/:identifier',
      handler: async (request, reply) => {
        await apisOf(request).remove(identifierOf(request));
        reply.code(204).send();
      },
    },
  ]);
}
