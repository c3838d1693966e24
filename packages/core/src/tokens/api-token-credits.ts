/**
 * Tollgate's credits endpoint (`api_token_credits_endpoint`): a verifier that accepted an API token carrying credits
 * asks the server, the one authority for them, to take the request's cost. The caller is authenticated and judged
 * exactly as for introspection (RFC 7662 4): a token it may not know about is answered `active: false`, as unknown.
 */
import type { CreditsAnswer, CreditsRequest } from '@tollgate/jwt';
import { epochSeconds } from '../clock.js';
import { nextRefillAt } from '../credits/refill.js';
import type { ApiTokenCredits } from '../storage/index.js';
import type { PresentedClient } from '../service.js';
import { introspectApiToken } from './api-token.js';
import { type IntrospectionContext, mayKnow } from './introspect.js';

const INACTIVE: CreditsAnswer = Object.freeze({ active: false as const });

export async function consumeApiTokenCredits(
  context: IntrospectionContext,
  presented: PresentedClient,
  request: CreditsRequest,
  remoteAddress: string,
): Promise<CreditsAnswer> {
  const client = await context.clients.authenticate(presented, remoteAddress, false);
  const token = await context.store.apiTokens.findByJti(request.jti);
  if (token === undefined) return INACTIVE;
  const described = await introspectApiToken(context, { kind: 'api', token, previous: token.jti !== request.jti });
  if (!described.active || !mayKnow(client, 'api', described)) return INACTIVE;
  // The API named must be one the token reaches and the caller verifies for: no spending another API's tokens.
  const reach = typeof described.aud === 'string' ? [described.aud] : described.aud;
  const verifiesFor = client.apis === null || client.apis.includes(request.api);
  if (!reach.includes(request.api) || !verifiesFor) return INACTIVE;
  if (token.credits === null) return { active: true, allowed: true, remaining: null };
  const outcome = await context.store.apiTokens.consumeCredits(token.id, request.cost, epochSeconds(context.clock));
  // Credits removed meanwhile (an edit to unlimited): nothing to count.
  if (outcome === undefined) return { active: true, allowed: true, remaining: null };
  return { active: true, allowed: outcome.allowed, ...creditsAnswer(outcome.credits, epochSeconds(context.clock)) };
}

function creditsAnswer(
  credits: ApiTokenCredits,
  now: number,
): { remaining: number; refill_amount?: number; refills_at?: number; refills_in?: number } {
  const refillsAt = nextRefillAt(credits);
  if (credits.refill === null || refillsAt === undefined) return { remaining: credits.remaining };
  return {
    remaining: credits.remaining,
    refill_amount: credits.refill.amount,
    refills_at: refillsAt,
    refills_in: Math.max(0, refillsAt - now),
  };
}
