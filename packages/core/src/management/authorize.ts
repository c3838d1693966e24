/** The one authorisation rule of the admin operations, with its audit trail. */
import type { AuditAction } from '../audit/actions.js';
import { Forbidden } from '../errors.js';
import type { ManagementContext } from './context.js';
import type { Actor } from './contract.js';

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
