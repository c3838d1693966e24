/**
 * Who a new API token acts for. By default the signed-in user; admins (and the operator, who is nobody) may name
 * another user or a client, making the token a service account's. Naming anyone else without being an admin is
 * refused and audited.
 */
import { printable } from './validate.js';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { InvalidRequest, NotFound, Unauthenticated } from '../errors.js';
import type { ApiTokenOwnerKind } from '../storage/index.js';
import type { OwnerAllowance } from './api-token-rules.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ApiTokenInput } from './contract.js';
import { clientAllowance, userAllowance } from '../admin-access/allowance.js';

export interface ResolvedOwner extends OwnerAllowance {
  kind: ApiTokenOwnerKind;
  id: string;
  name: string;
}

export async function resolveTokenOwner(
  context: ManagementContext,
  actor: Actor,
  named: ApiTokenInput['owner'],
): Promise<ResolvedOwner> {
  const isSelf = named?.kind === 'user' && actor.userId !== null && named.username === actor.name;
  if (named === undefined || isSelf) return actorAsOwner(context, actor);
  await requireAdmin(context, actor, AUDIT_ACTIONS.apiTokenCreate);
  if (named.kind === 'user') {
    const user = await context.store.users.getByUsername(named.username);
    if (!user) throw new NotFound(`No user named ${printable(named.username)}`);
    // Users are not limited to some APIs: a token may be for any registered API.
    return { kind: 'user', id: user.id, name: user.username, scopes: userAllowance(user), apis: null };
  }
  if (named.kind === 'client') {
    const client = await context.store.clients.get(named.clientId);
    if (!client) throw new NotFound(`No client with id ${printable(named.clientId)}`);
    return {
      kind: 'client',
      id: client.id,
      name: client.name,
      scopes: clientAllowance(client.scopes),
      apis: client.apis,
    };
  }
  throw new InvalidRequest('owner.kind must be "user" or "client"');
}

async function actorAsOwner(context: ManagementContext, actor: Actor): Promise<ResolvedOwner> {
  if (actor.userId === null) {
    throw new InvalidRequest('owner: name the user or client the token is for');
  }
  const user = await context.store.users.getById(actor.userId);
  if (!user || user.disabled) throw new Unauthenticated('Your account is no longer active');
  return { kind: 'user', id: user.id, name: user.username, scopes: userAllowance(user), apis: null };
}
