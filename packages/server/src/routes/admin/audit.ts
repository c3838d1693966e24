/**
 * /api/v1/audit (admins): the audit log, newest first, paged by a cursor. `nextBefore` is the cursor of the next
 * (older) page, or null when this page is the last.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { queryInteger, text } from './inputs.js';

const EPOCH_MAX = 1e12;

const auditQuery = z.strictObject({
  action: text(100).optional(),
  actor: text(256).optional(),
  target: text(2048).optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  since: queryInteger(0, EPOCH_MAX).optional(),
  until: queryInteger(0, EPOCH_MAX).optional(),
  before: queryInteger(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInteger(1, 500).default(100),
});

export function registerAuditRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerAdminRoutes(app, [
    {
      method: 'GET',
      url: '/audit',
      handler: async (request) => {
        const { actor, ...filter } = parseInput(auditQuery, request.query, 'query string');
        const events = await tollgate.as(actorOf(request)).audit.list({
          ...filter,
          ...(actor === undefined ? {} : { actorName: actor }),
        });
        const last = events.at(-1);
        return { events, nextBefore: events.length === filter.limit && last !== undefined ? last.id : null };
      },
    },
  ]);
}
