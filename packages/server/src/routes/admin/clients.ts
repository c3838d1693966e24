/** /api/v1/clients (admins): OAuth clients. A client secret is shown once, on create and on rotation. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { apiList, dpopPolicy, scopeList, someChange, text } from './inputs.js';

export const GRANT_TYPES = ['password', 'client_credentials', 'refresh_token', 'authorization_code'] as const;

export const clientBody = z.strictObject({
  name: text(100),
  scopes: scopeList,
  apis: apiList.nullable().optional(),
  grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).optional(),
  public: z.boolean().optional(),
  redirectUris: z.array(text(2048)).max(20).optional(),
  firstParty: z.boolean().optional(),
  dpop: dpopPolicy.optional(),
});

export const clientChangesBody = z
  .strictObject({
    name: text(100).optional(),
    scopes: scopeList.optional(),
    apis: apiList.nullable().optional(),
    dpop: dpopPolicy.optional(),
  })
  .refine(someChange, 'must name at least one of name, scopes, apis, dpop');

type IdParams = { id: string };

export function registerClientRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  const clientsOf = (request: FastifyRequest) => tollgate.as(actorOf(request)).clients;
  const idOf = (request: FastifyRequest) => (request.params as IdParams).id;
  registerAdminRoutes(app, [
    { method: 'GET', url: '/clients', handler: async (request) => ({ clients: await clientsOf(request).list() }) },
    {
      method: 'POST',
      url: '/clients',
      handler: async (request, reply) => {
        const input = parseInput(clientBody, request.body, 'body');
        reply.code(201);
        return clientsOf(request).create(input);
      },
    },
    {
      method: 'PATCH',
      url: '/clients/:id',
      handler: async (request) =>
        clientsOf(request).update(idOf(request), parseInput(clientChangesBody, request.body, 'body')),
    },
    {
      method: 'DELETE',
      url: '/clients/:id',
      handler: async (request, reply) => {
        await clientsOf(request).remove(idOf(request));
        reply.code(204).send();
      },
    },
    {
      method: 'POST',
      url: '/clients/:id/rotate-secret',
      handler: async (request) => clientsOf(request).rotateSecret(idOf(request)),
    },
  ]);
}
