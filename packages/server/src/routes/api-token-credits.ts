/**
 * POST /api-tokens/credits (docs/endpoints.md): a verifier (the SDK, the gateway) takes `cost` credits of an API
 * token it accepted, identified by the jti introspection gave it. Authenticated like introspection and the usage
 * endpoint (RFC 7662 2.1: a confidential client), errors in RFC 6749 5.2 shape. The answer is never cached: each
 * one is a decision (RFC 9111 5.2.2.5).
 */
import { ENDPOINT_PATHS, InvalidClient } from '@tollgate/core';
import { CREDIT_LIMITS } from '@tollgate/jwt';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { parseInput, registerJsonOnlyBodyParser } from '../http/admin-input.js';
import { presentedClient } from '../http/client-auth.js';
import { registerEndpoint } from '../http/endpoints.js';
import { createErrorHandler } from '../http/errors.js';
import { renderUsageError } from './api-token-usage.js';

const CREDITS_BODY_LIMIT_BYTES = 16 * 1024;

const creditsBody = z.strictObject({
  jti: z.string().min(1).max(CREDIT_LIMITS.jtiLength),
  api: z.string().min(1).max(CREDIT_LIMITS.apiLength),
  cost: z.number().int().min(1).max(CREDIT_LIMITS.maxCost),
});

export function registerApiTokenCreditsRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  app.register(async (scope) => {
    registerJsonOnlyBodyParser(scope);
    scope.setErrorHandler(createErrorHandler(CREDITS_BODY_LIMIT_BYTES, renderUsageError));
    registerEndpoint(scope, {
      method: 'POST',
      url: ENDPOINT_PATHS.apiTokenCredits,
      bodyLimit: CREDITS_BODY_LIMIT_BYTES,
      handler: async (request, reply) => {
        const { client } = presentedClient(request.headers.authorization, new Map());
        // RFC 6749 2.3.1: a confidential client authenticates; with no credentials there is nobody to trust.
        if (client.method === 'none') throw new InvalidClient('Client authentication is required');
        const body = parseInput(creditsBody, request.body, 'body');
        const answer = await tollgate.consumeApiTokenCredits(client, body, request.ip);
        reply.header('cache-control', 'no-store').send(answer);
      },
    });
  });
}
