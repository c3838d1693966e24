/**
 * /api/v1/users (admins): people who sign in with a password. Disabling a user or resetting their password signs
 * them out everywhere (the core's rule). Passwords travel only in request bodies, which are never logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { scopeList, someChange, text } from './inputs.js';

/** The core enforces the minimum length; the maximum bounds the work of hashing. */
const password = text(1024);

export const userBody = z.strictObject({
  username: text(256),
  password,
  scopes: scopeList,
  isAdmin: z.boolean().optional(),
});

export const userChangesBody = z
  .strictObject({ scopes: scopeList.optional(), disabled: z.boolean().optional(), isAdmin: z.boolean().optional() })
  .refine(someChange, 'must name at least one of scopes, disabled, isAdmin');

export const passwordBody = z.strictObject({ password });

type IdParams = { id: string };

export function registerUserRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  const usersOf = (request: FastifyRequest) => tollgate.as(actorOf(request)).users;
  const idOf = (request: FastifyRequest) => (request.params as IdParams).id;
  registerAdminRoutes(app, [
    { method: 'GET', url: '/users', handler: async (request) => ({ users: await usersOf(request).list() }) },
    {
      method: 'POST',
      url: '/users',
      handler: async (request, reply) => {
        const input = parseInput(userBody, request.body, 'body');
        reply.code(201);
        return usersOf(request).create(input);
      },
    },
    {
      method: 'PATCH',
      url: '/users/:id',
      handler: async (request) =>
        usersOf(request).update(idOf(request), parseInput(userChangesBody, request.body, 'body')),
    },
    {
      method: 'DELETE',
      url: '/users/:id',
      handler: async (request, reply) => {
        await usersOf(request).remove(idOf(request));
        reply.code(204).send();
      },
    },
    {
      method: 'POST',
      url: '/users/:id/password',
      handler: async (request, reply) => {
        const body = parseInput(passwordBody, request.body, 'body');
        await usersOf(request).resetPassword(idOf(request), body.password);
        reply.code(204).send();
      },
    },
  ]);
}
