/**
 * POST /api-tokens/usage (docs/admin-api.md, "For verifiers"): the verify SDK and the gateway report batches of
 * API-token uses. Authenticated like introspection (http/verifier-endpoint.ts); a JSON document with arrays, not
 * flat OAuth parameters.
 */
import { ENDPOINT_PATHS } from '@tollgate/core';
import { USAGE_REPORT_LIMITS } from '@tollgate/jwt';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TollgateEndpoints } from '../tollgate-endpoints.js';
import { registerVerifierEndpoint } from '../http/verifier-endpoint.js';

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
  registerVerifierEndpoint(app, {
    url: ENDPOINT_PATHS.apiTokenUsage,
    bodyLimitBytes: USAGE_BODY_LIMIT_BYTES,
    body: usageBody,
    handle: async (client, { reports }, address, reply) => {
      await tollgate.reportApiTokenUsage(client, reports, address);
      reply.code(204).send();
    },
  });
}
