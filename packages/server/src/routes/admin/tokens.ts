/**
 * /api/v1/tokens: API tokens, one's own or (admins) anyone's. Another user's token answers 404 like a missing one:
 * the core never reveals that it exists. The secret appears in exactly two answers: create and regenerate. Limits
 * on metadata and grace periods are the core's (management/api-token-metadata.ts, api-token-rules.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../../tollgate-endpoints.js';
import { parseInput } from '../../http/admin-input.js';
import { registerAdminRoutes } from '../../http/admin-routes.js';
import { actorOf } from '../../http/admin-session.js';
import { apiList, daysQuery, scopeList, someChange, text } from './inputs.js';
import { creditsInput, rateLimitInput } from './token-quotas.js';

/** Ten years: longer is "never", which has its own spelling (null). */
const MAX_EXPIRY_SECONDS = 10 * 366 * 86_400;

const owner = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), username: text(256) }),
  z.strictObject({ kind: z.literal('client'), clientId: text(256) }),
]);

/** The shape only: the core checks the counts and sizes, and names the limit a body breaks. */
const metadata = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' }),
    {
      error: 'must be a JSON object',
    },
  )
  .describe(
    'At most 20 keys of 1 to 40 characters; string (at most 500 characters), number or boolean values; at most 1024 bytes as JSON',
  );
const externalId = text(128).nullable().describe("The owner's id for whoever the token is for (1 to 128 characters)");

export const tokenBody = z.strictObject({
  name: text(100),
  apis: apiList.min(1),
  scopes: scopeList,
  expiresInSeconds: z.number().int().min(60).max(MAX_EXPIRY_SECONDS).nullable().optional(),
  owner: owner.optional(),
  metadata: metadata.optional(),
  externalId: externalId.optional(),
  // Core checks the shape (a 43-character RFC 7638 thumbprint) and says so; here it is any short string.
  dpopJkt: text(64).nullable().optional().describe('RFC 7638 thumbprint of the DPoP key the token is bound to'),
  credits: creditsInput,
  rateLimit: rateLimitInput,
});

export const tokenChangesBody = z
  .strictObject({
    metadata: metadata.optional(),
    externalId: externalId.optional(),
    credits: creditsInput,
    rateLimit: rateLimitInput,
  })
  .refine(someChange, 'must name at least one of metadata, externalId, credits, rateLimit');

/** Optional: without it (or without `graceSeconds`) the old secret stops working at once. */
export const regenerateBody = z.strictObject({
  graceSeconds: z
    .number()
    .optional()
    .describe('Seconds the old secret keeps working: 1 to 604800 (7 days); omitted, it stops at once'),
});

const listQuery = z.strictObject({ all: z.enum(['true', 'false']).optional() });

type IdParams = { id: string };

export function registerTokenRoutes(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  const tokensOf = (request: FastifyRequest) => tollgate.as(actorOf(request)).tokens;
  const idOf = (request: FastifyRequest) => (request.params as IdParams).id;
  registerAdminRoutes(app, [
    {
      method: 'GET',
      url: '/tokens',
      handler: async (request) => {
        const { all } = parseInput(listQuery, request.query, 'query string');
        return { tokens: await tokensOf(request).list({ all: all === 'true' }) };
      },
    },
    {
      method: 'POST',
      url: '/tokens',
      handler: async (request, reply) => {
        const input = parseInput(tokenBody, request.body, 'body');
        reply.code(201);
        return tokensOf(request).create(input);
      },
    },
    { method: 'GET', url: '/tokens/:id', handler: async (request) => tokensOf(request).get(idOf(request)) },
    {
      method: 'DELETE',
      url: '/tokens/:id',
      handler: async (request, reply) => {
        await tokensOf(request).revoke(idOf(request));
        reply.code(204).send();
      },
    },
    {
      method: 'PATCH',
      url: '/tokens/:id',
      handler: async (request) =>
        tokensOf(request).update(idOf(request), parseInput(tokenChangesBody, request.body, 'body')),
    },
    {
      method: 'POST',
      url: '/tokens/:id/regenerate',
      handler: async (request) => {
        const { graceSeconds } = parseInput(regenerateBody, request.body ?? {}, 'body');
        return tokensOf(request).regenerate(idOf(request), graceSeconds === undefined ? {} : { graceSeconds });
      },
    },
    {
      method: 'GET',
      url: '/tokens/:id/usage',
      handler: async (request) => {
        const { days } = parseInput(daysQuery, request.query, 'query string');
        return tokensOf(request).usage(idOf(request), days);
      },
    },
  ]);
}
