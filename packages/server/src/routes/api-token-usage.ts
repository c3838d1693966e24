/**
 * POST /api-tokens/usage (docs/admin-api.md, "For verifiers"): the verify SDK and the gateway report batches of
 * API-token uses. Authenticated like introspection (RFC 7662 2.1: a confidential client), errors in RFC 6749 5.2
 * shape. Its own scope, because the body is a JSON document with arrays, not flat OAuth parameters.
 */
import { ENDPOINT_PATHS, InvalidClient } from '@tollgate/core';
import { USAGE_REPORT_LIMITS } from '@tollgate/jwt';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { parseInput, registerJsonOnlyBodyParser } from '../http/admin-input.js';
import { presentedClient } from '../http/client-auth.js';
import { registerEndpoint } from '../http/endpoints.js';
import { type RenderedError, createErrorHandler, renderError } from '../http/errors.js';

/** A full batch of 1,000 reports with long API identifiers and IPv6 addresses fits. */
const USAGE_BODY_LIMIT_BYTES = 1024 * 1024;

const limits = USAGE_REPORT_LIMITS;
/** The shape only; the core checks each report's values (core/management/usage-report.ts) with the same limits. */
const usageBody = z.strictObject({
  reports: z
    .array(
      z.strictObject({
        jti: z.string().min(1).max(limits.jtiLength),
        api: z.string().min(1).max(limits.apiLength),
        count: z.number().int().min(1).max(limits.countPerReport),
        lastUsedAt: z.number().int().min(0),
        address: z.string().min(1).max(limits.addressLength).optional(),
      }),
    )
    .max(limits.reportsPerRequest),
});

export function registerApiTokenUsageRoute(app: FastifyInstance, tollgate: TollgateEndpoints): void {
  app.register(async (scope) => {
    registerJsonOnlyBodyParser(scope);
    scope.setErrorHandler(createErrorHandler(USAGE_BODY_LIMIT_BYTES, renderUsageError));
    registerEndpoint(scope, {
      method: 'POST',
      url: ENDPOINT_PATHS.apiTokenUsage,
      bodyLimit: USAGE_BODY_LIMIT_BYTES,
      handler: async (request, reply) => {
        const { client } = presentedClient(request.headers.authorization, new Map());
        // RFC 6749 2.3.1: a confidential client authenticates; with no credentials there is nobody to trust.
        if (client.method === 'none') throw new InvalidClient('Client authentication is required');
        const { reports } = parseInput(usageBody, request.body, 'body');
        await tollgate.reportApiTokenUsage(client, reports, request.ip);
        reply.code(204).send();
      },
    });
  });
}

/** RFC 6749 errors as everywhere, except that this endpoint (and the credits one) names the one content type it takes. */
export function renderUsageError(error: unknown, bodyLimitBytes: number): RenderedError {
  const rendered = renderError(error, bodyLimitBytes);
  if ((error as { code?: unknown }).code !== 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return rendered;
  return {
    ...rendered,
    body: { error: 'invalid_request', error_description: 'Content-Type must be application/json' },
  };
}
