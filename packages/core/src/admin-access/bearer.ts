/**
 * A bearer token presented to the admin API (RFC 6750), turned into the `Actor` the management operations authorise
 * and audit, exactly as a dashboard session's. The token is judged by the same code as introspection (signature,
 * `typ`, `iss`, `exp`, deny list and revocations, an API token's owner and current allowance); on top of that it
 * must be meant for the admin API (`aud`, RFC 8707) and hold the operation's scope.
 *
 * Who acts: a service account (a client: its `client_credentials` JWT, or an API token it owns) as `client:<id>`;
 * an admin's API token as that user, named with the token's id. A user's token works only while the user is an
 * enabled admin: demoting them takes the admin scopes out of the token's allowance at once, disabling them makes it
 * inactive.
 */
import { AUDIT_ACTIONS } from '../audit/actions.js';
import type { AuditLog } from '../audit/record.js';
import { epochSeconds } from '../clock.js';
import { InsufficientScope, InvalidToken } from '../errors.js';
import type { Actor } from '../management/contract.js';
import { utcDay } from '../management/usage.js';
import { parseScope } from '../scope.js';
import type { IntrospectionResponse } from '../service.js';
import { describe, type IntrospectionContext } from '../tokens/introspect.js';
import { type FoundToken, lookupToken } from '../tokens/lookup.js';
import { type AdminScope, isAdminScope, scopesAllow } from './scopes.js';

export interface AdminBearerContext {
  lookup: IntrospectionContext;
  audit: AuditLog;
  /** The admin API's resource identifier (resource.ts). */
  audience: string;
}

export interface AdminBearerRequest {
  /** The token as presented; never logged, never part of an error. */
  token: string;
  address: string;
  requiredScope: AdminScope;
  /** What was asked, for the audit event of a refusal, e.g. `POST /api/v1/users`. */
  operation: string;
}

type Active = Extract<IntrospectionResponse, { active: true }>;

const NOT_VALID = 'The access token is malformed, expired or revoked';

export async function authorizeAdminBearer(context: AdminBearerContext, request: AdminBearerRequest): Promise<Actor> {
  const found = await lookupToken(context.lookup, request.token, undefined);
  if (found === undefined || found.kind === 'refresh') throw new InvalidToken(NOT_VALID);
  const described = await describe(context.lookup, found);
  if (!described.active) throw new InvalidToken(NOT_VALID);
  // RFC 9449 7.2: a DPoP-bound token is good only with a proof of its key, which this bearer-only API never checks;
  // taking it as a bearer token would let whoever stole it use it.
  if (described.cnf !== undefined) {
    throw new InvalidToken(
      'The access token is DPoP-bound; the admin API takes bearer tokens: request one without a proof',
    );
  }
  const audiences = typeof described.aud === 'string' ? [described.aud] : described.aud;
  if (!audiences.includes(context.audience)) {
    throw new InvalidToken(`The access token is not meant for this API (RFC 8707: request it for ${context.audience})`);
  }
  const held = parseScope(described.scope).filter(isAdminScope);
  const actor = await actorOf(context, found, described, held, request.address);
  if (!scopesAllow(held, request.requiredScope)) {
    await context.audit.record(actor, {
      action: AUDIT_ACTIONS.adminScopeDenied,
      target: request.operation,
      outcome: 'failure',
      detail: { reason: 'insufficient_scope', required: request.requiredScope, held },
    });
    throw new InsufficientScope(request.requiredScope);
  }
  if (found.kind === 'api') await recordUse(context, found.token.jti, request.address);
  return actor;
}

/** The admin API is its own verifier: it counts an API token's uses as verifiers report theirs (usage-report.ts). */
async function recordUse(context: AdminBearerContext, jti: string, address: string): Promise<void> {
  const now = epochSeconds(context.lookup.clock);
  await context.lookup.store.apiTokens.recordUsage([
    { jti, api: context.audience, day: utcDay(now), count: 1, lastUsedAt: now, lastUsedAddress: address },
  ]);
}

async function actorOf(
  context: AdminBearerContext,
  found: Exclude<FoundToken, { kind: 'refresh' }>,
  described: Active,
  held: readonly string[],
  address: string,
): Promise<Actor> {
  if (found.kind === 'api') {
    const { token } = found;
    if (token.ownerKind === 'client') {
      return {
        userId: null,
        name: `client:${token.ownerId} (token ${token.id})`,
        isAdmin: held.length > 0,
        address,
        scopes: held,
      };
    }
    // `username` is the owner's current name (introspection read the user to check they are enabled).
    const username = described.username ?? token.ownerId;
    return {
      userId: token.ownerId,
      name: `${username} (token ${token.id})`,
      isAdmin: held.length > 0,
      address,
      scopes: held,
    };
  }
  const { claims } = found;
  // Users get admin rights from being admins, never from scopes (defined-scopes.ts), so a JWT for the admin API is a
  // service account's: client_credentials, where the subject is the client itself (RFC 9068 2.2).
  if (claims.sub !== claims.client_id) {
    throw new InvalidToken("A user's access token is not accepted here: use an admin's API token");
  }
  // Such JWTs are not recorded, so deleting the client revokes nothing: check it still exists.
  if ((await context.lookup.store.clients.get(claims.client_id)) === undefined) {
    throw new InvalidToken('The client this token was issued to no longer exists');
  }
  return { userId: null, name: `client:${claims.client_id}`, isAdmin: held.length > 0, address, scopes: held };
}
