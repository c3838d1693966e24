/** The one authorisation rule of the admin operations, with its audit trail. */
import type { AuditAction } from '../audit/actions.js';
import { Forbidden } from '../errors.js';
import type { ManagementContext } from './context.js';
import type { Actor } from './contract.js';
import { ADMIN_SCOPE_ALL } from '../admin-access/scopes.js';

/** Admins (and the operator) pass; anyone else is refused, and the attempt is audited as a failure. */
export async function requireAdmin(
  context: ManagementContext,
  actor: Actor,
  action: AuditAction,
  target: string | null = null,
): Promise<void> {
  if (actor.isAdmin) return;
  await context.audit.record(actor, { action, target, outcome: 'failure', detail: { reason: 'forbidden' } });
  throw new Forbidden('Only an administrator may do this');
}

/**
 * Making someone an admin, or giving a client or a token admin scopes, needs every admin right: otherwise a token
 * with only tollgate:users:write or tollgate:clients:write could raise itself (or a friend) to tollgate:admin.
 */
export async function requireUnlimitedAdmin(
  context: ManagementContext,
  actor: Actor,
  action: AuditAction,
  target: string | null = null,
): Promise<void> {
  if (actor.scopes === undefined || actor.scopes.includes(ADMIN_SCOPE_ALL)) return;
  await context.audit.record(actor, {
    action,
    target,
    outcome: 'failure',
    detail: { reason: 'forbidden', required: ADMIN_SCOPE_ALL },
  });
  throw new Forbidden(`Handing out admin rights or admin scopes needs the scope ${ADMIN_SCOPE_ALL}`);
}
