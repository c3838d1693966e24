/** /api/v1/keys (admins): the signing keys, rotation to a new one, and retirement of a compromised one. */
import { SIGNING_ALGORITHMS } from '@tollgate/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';

/**
 * The body is optional: no body rotates to a key of the configured algorithm, published now and signing after the
 * propagation delay; `now: true` signs with it at once (emergencies: verifiers may refuse its first tokens).
 */
export const keyRotationBody = z.strictObject({
  alg: z.enum(SIGNING_ALGORITHMS).optional(),
  now: z.boolean().optional(),
});

interface KidParams {
  kid: string;
}

export function registerKeyRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerAdminRoutes(app, [
    {
      method: 'GET',
      url: '/keys',
      handler: async (request) => ({ keys: await tollgate.as(actorOf(request)).keys.list() }),
    },
    {
      method: 'POST',
      url: '/keys/rotate',
      handler: async (request, reply) => {
        const body = parseInput(keyRotationBody, request.body ?? {}, 'body');
        const key = await tollgate.as(actorOf(request)).keys.rotate(body.alg, { now: body.now === true });
        reply.code(201);
        return key;
      },
    },
    {
      method: 'POST',
      url: '/keys/:kid/retire',
      handler: async (request) => tollgate.as(actorOf(request)).keys.retire((request.params as KidParams).kid),
    },
  ]);
}
