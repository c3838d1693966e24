/**
 * The shapes of an API token's quotas in admin API bodies. Shape only: the core checks the values and names the
 * bound a body breaks (core/management/api-token-quotas.ts), so every surface gives the same message.
 */
import { CREDIT_LIMITS } from '@tollgate/jwt';
import { z } from 'zod';

const refill = z
  .strictObject({
    amount: z.number().describe(`Credits are SET to this at each refill: 1 to ${CREDIT_LIMITS.maxCredits}`),
    interval: z.enum(['day', 'month']).describe('Each UTC midnight, or 00:00 UTC on the first of each month'),
  })
  .nullable()
  .optional();

export const creditsInput = z
  .strictObject({
    remaining: z
      .number()
      .optional()
      .describe(`Credits left now (SET, on update too): 0 to ${CREDIT_LIMITS.maxCredits}; required`),
    refill,
  })
  .nullable()
  .optional()
  .describe('Credits each request spends (its route cost, default 1); null: unlimited');

export const rateLimitInput = z
  .strictObject({
    requests: z.number().describe(`Requests per window: 1 to ${CREDIT_LIMITS.maxRateLimitRequests}`),
    windowSeconds: z.number().describe(`Window length: 1 to ${CREDIT_LIMITS.maxRateLimitWindowSeconds} seconds`),
  })
  .nullable()
  .optional()
  .describe("The token's own rate limit, in place of the route's per-token one; null: none");
