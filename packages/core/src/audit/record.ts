/** Writes audit events. Callers pass facts, never secrets or hashes: `detail` ends up in the admin API as is. */
import { type Clock, epochSeconds } from '../clock.js';
import type { Actor } from '../management/contract.js';
import type { AuditOutcome, AuditStore } from '../storage/index.js';
import type { AuditAction } from './actions.js';

export interface AuditEntry {
  action: AuditAction;
  target: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown> | null;
}

/** Longest actor name kept: a failed sign-in records the attempted username, which the caller chose. */
const MAX_ACTOR_NAME_LENGTH = 256;

export class AuditLog {
  readonly #store: AuditStore;
  readonly #clock: Clock;

  constructor(store: AuditStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  record(actor: Pick<Actor, 'userId' | 'name' | 'address'>, entry: AuditEntry): Promise<void> {
    return this.#store.add({
      at: epochSeconds(this.#clock),
      actorId: actor.userId,
      actorName: actor.name.slice(0, MAX_ACTOR_NAME_LENGTH),
      action: entry.action,
      target: entry.target,
      address: actor.address,
      outcome: entry.outcome ?? 'success',
      detail: entry.detail ?? null,
    });
  }
}
