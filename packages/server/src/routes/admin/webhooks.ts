/**
 * /api/v1/webhooks (admins): webhook endpoints with their event filter (the signing secret is shown once, on
 * create), a test event fired through the ordinary delivery path, and each endpoint's deliveries with their status.
 */
import { MAX_WEBHOOK_DELIVERY_PAGE, SUBSCRIBABLE_WEBHOOK_EVENTS } from '@tollgate/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { queryInteger, someChange, text } from './inputs.js';

/** Names are checked again by the core, which says which ones exist. */
const eventList = z.array(text(64)).min(1).max(SUBSCRIBABLE_WEBHOOK_EVENTS.length);

export const webhookBody = z.strictObject({
  url: text(2048),
  events: eventList,
  enabled: z.boolean().optional(),
});

export const webhookChangesBody = z
  .strictObject({ url: text(2048).optional(), events: eventList.optional(), enabled: z.boolean().optional() })
  .refine(someChange, 'must name at least one of url, events, enabled');

const deliveriesQuery = z.strictObject({ limit: queryInteger(1, MAX_WEBHOOK_DELIVERY_PAGE).optional() });

type IdParams = { id: string };

export function registerWebhookRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  const webhooksOf = (request: FastifyRequest) => tollgate.as(actorOf(request)).webhooks;
  const idOf = (request: FastifyRequest) => (request.params as IdParams).id;
  registerAdminRoutes(app, [
    {
      method: 'GET',
      url: '/webhooks',
      // The events an endpoint may select travel with the list, so the dashboard offers exactly the server's.
      handler: async (request) => ({ webhooks: await webhooksOf(request).list(), events: SUBSCRIBABLE_WEBHOOK_EVENTS }),
    },
    {
      method: 'POST',
      url: '/webhooks',
      handler: async (request, reply) => {
        const input = parseInput(webhookBody, request.body, 'body');
        reply.code(201);
        return webhooksOf(request).create(input);
      },
    },
    {
      method: 'PATCH',
      url: '/webhooks/:id',
      handler: async (request) =>
        webhooksOf(request).update(idOf(request), parseInput(webhookChangesBody, request.body, 'body')),
    },
    {
      method: 'DELETE',
      url: '/webhooks/:id',
      handler: async (request, reply) => {
        await webhooksOf(request).remove(idOf(request));
        reply.code(204).send();
      },
    },
    {
      method: 'POST',
      url: '/webhooks/:id/test',
      handler: async (request, reply) => {
        const delivery = await webhooksOf(request).test(idOf(request));
        reply.code(202);
        return delivery;
      },
    },
    {
      method: 'GET',
      url: '/webhooks/:id/deliveries',
      handler: async (request) => {
        const { limit } = parseInput(deliveriesQuery, request.query, 'query string');
        return { deliveries: await webhooksOf(request).deliveries(idOf(request), limit) };
      },
    },
  ]);
}
