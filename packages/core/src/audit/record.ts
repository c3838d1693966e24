/** Writes audit events. Callers pass facts, never secrets or hashes: `detail` ends up in the admin API as is. */
import { type Clock, epochSeconds } from '../clock.js';
import type { Actor } from '../management/contract.js';
import type { TollgateEvents } from '../events/bus.js';
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
  readonly #events: TollgateEvents | undefined;

  /** `events`: told of each event once it is written, so observers (webhooks, metrics) see what the log keeps. */
  constructor(store: AuditStore, clock: Clock, events?: TollgateEvents) {
    this.#store = store;
    this.#clock = clock;
    this.#events = events;
  }

  async record(actor: Pick<Actor, 'userId' | 'name' | 'address'>, entry: AuditEntry): Promise<void> {
    const event = {
      at: epochSeconds(this.#clock),
      actorId: actor.userId,
      actorName: actor.name.slice(0, MAX_ACTOR_NAME_LENGTH),
      action: entry.action,
      target: entry.target,
      address: actor.address,
      outcome: entry.outcome ?? 'success',
      detail: entry.detail ?? null,
    };
    const id = await this.#store.add(event);
    this.#events?.emit({ type: 'audit', event: { ...event, id } });
  }
}
