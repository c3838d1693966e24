/** RFC 7662. Only authenticated clients may ask; anything not live is exactly `{ active: false }` (2.2). */
import { epochSeconds } from '../clock.js';
import type { ActingClient, ClientAuthenticator } from '../clients/authenticate.js';
import type { DenyList } from '../revocations/deny-list.js';
import type { IntrospectionRequest, IntrospectionResponse } from '../service.js';
import { formatScope } from '../scope.js';
import { introspectApiToken } from './api-token.js';
import { type FoundToken, type TokenLookupContext, lookupToken } from './lookup.js';

const INACTIVE: IntrospectionResponse = Object.freeze({ active: false as const });

type ActiveIntrospection = Extract<IntrospectionResponse, { active: true }>;

export type IntrospectionContext = TokenLookupContext & { clients: ClientAuthenticator; denyList: DenyList };

export async function introspectToken(
  context: IntrospectionContext,
  request: IntrospectionRequest,
): Promise<IntrospectionResponse> {
  const client = await context.clients.authenticate(request.client, request.remoteAddress, false);
  const found = await lookupToken(context, request.token, request.tokenTypeHint);
  if (!found) return INACTIVE;
  const response = await describe(context, found);
  // Another client's token is answered exactly like an unknown one, so the answer reveals nothing about it.
  return response.active && mayKnow(client, found.kind, response) ? response : INACTIVE;
}

/**
 * RFC 7662 4: the server decides which tokens a caller may learn about. A client learns about tokens issued to it,
 * and about access and API tokens meant for one of its APIs (the resource server's question: "may I accept this?").
 * A refresh token is never presented to a resource server (RFC 6749 1.5), so only the client holding it may ask.
 */
export function mayKnow(client: ActingClient, kind: FoundToken['kind'], response: ActiveIntrospection): boolean {
  if (response.client_id === client.id) return true;
  if (kind === 'refresh') return false;
  if (client.apis === null) return true;
  const audiences = typeof response.aud === 'string' ? [response.aud] : response.aud;
  return audiences.some((audience) => client.apis?.includes(audience));
}

/** What a found token is now (revocations, expiry and its owner's current allowance applied); the client aside. */
export async function describe(context: IntrospectionContext, found: FoundToken): Promise<IntrospectionResponse> {
  if (found.kind === 'api') return introspectApiToken(context, found);
  if (found.kind === 'access') return describeAccess(context, found.claims);
  return describeRefresh(context, found);
}

async function describeAccess(
  context: IntrospectionContext,
  claims: Extract<FoundToken, { kind: 'access' }>['claims'],
): Promise<IntrospectionResponse> {
  // Memory decides only before the token's exp: past it (inside the clock tolerance) its revocation may have been
  // dropped from the list, or never been in a snapshot taken after it, so the store is asked.
  const denied = claims.exp > epochSeconds(context.clock) ? context.denyList.verdict(claims.jti) : undefined;
  if (denied ?? (await context.store.revocations.isRevoked(claims.jti))) return INACTIVE;
  const response: IntrospectionResponse = {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    jti: claims.jti,
  };
  if (claims.nbf !== undefined) response.nbf = claims.nbf;
  if (claims.username !== undefined) response.username = claims.username;
  // RFC 9449 6.2: a resource server introspecting a DPoP-bound token learns which key the proof must be made with.
  if (claims.cnf !== undefined) {
    response.token_type = 'DPoP';
    response.cnf = { jkt: claims.cnf.jkt };
  }
  return response;
}

function describeRefresh(
  context: TokenLookupContext,
  { token, family }: Extract<FoundToken, { kind: 'refresh' }>,
): IntrospectionResponse {
  const now = epochSeconds(context.clock);
  if (token.consumedAt !== null || family.revokedAt !== null || token.expiresAt <= now) return INACTIVE;
  const response: IntrospectionResponse = {
    active: true,
    scope: formatScope(token.scopes),
    client_id: token.clientId,
    token_type: 'refresh_token',
    exp: token.expiresAt,
    iat: token.createdAt,
    sub: token.subject,
    aud: token.audience,
    iss: context.issuer,
  };
  if (token.username !== null) response.username = token.username;
  return response;
}
