/** Reading the audit log (admins only), newest first, with a bounded page size. */
import { checkRange } from './validate.js';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import type { AuditFilter } from '../storage/index.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations } from './contract.js';
import type { AuditEventView } from './views.js';

export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 500;

type AuditOperationsShape = ActorOperations['audit'];

export class AuditOperations implements AuditOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(filter: Partial<AuditFilter>): Promise<AuditEventView[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.auditList);
    const limit = checkRange(filter.limit ?? DEFAULT_AUDIT_PAGE, 'limit', 1, MAX_AUDIT_PAGE);
    return this.#context.store.audit.list({ ...withoutUndefined(filter), limit });
  }
}

function withoutUndefined(filter: Partial<AuditFilter>): Partial<AuditFilter> {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}
