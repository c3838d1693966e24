/**
 * POST /api-tokens/credits (docs/endpoints.md): a verifier (the SDK, the gateway) takes `cost` credits of an API
 * token it accepted, identified by the jti introspection gave it. Authenticated like introspection and the usage
 * endpoint (http/verifier-endpoint.ts). The answer is never cached: each one is a decision (RFC 9111 5.2.2.5).
 */
import { ENDPOINT_PATHS } from '@tollgate/core';
import { CREDIT_LIMITS } from '@tollgate/jwt';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerVerifierEndpoint } from '../http/verifier-endpoint.js';

const CREDITS_BODY_LIMIT_BYTES = 16 * 1024;

const creditsBody = z.strictObject({
  jti: z.string().min(1).max(CREDIT_LIMITS.jtiLength),
  api: z.string().min(1).max(CREDIT_LIMITS.apiLength),
  cost: z.number().int().min(1).max(CREDIT_LIMITS.maxCost),
});

export function registerApiTokenCreditsRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  registerVerifierEndpoint(app, {
    url: ENDPOINT_PATHS.apiTokenCredits,
    bodyLimitBytes: CREDITS_BODY_LIMIT_BYTES,
    body: creditsBody,
    handle: async (client, body, address, reply) => {
      const answer = await tollgate.consumeApiTokenCredits(client, body, address);
      reply.header('cache-control', 'no-store').send(answer);
    },
  });
}
