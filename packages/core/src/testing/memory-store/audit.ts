import type { AuditEventRecord, AuditFilter, AuditStore } from '../../storage/index.js';
import { copyOf } from './records.js';

export class MemoryAuditStore implements AuditStore {
  /** Oldest first; ids only grow. */
  readonly #events: AuditEventRecord[] = [];
  #lastId = 0;

  async add(event: Omit<AuditEventRecord, 'id'>): Promise<number> {
    this.#lastId += 1;
    this.#events.push({ ...copyOf(event), id: this.#lastId });
    return this.#lastId;
  }

  /** Newest first by id, so a `before` cursor pages without gaps. */
  async list(filter: AuditFilter): Promise<AuditEventRecord[]> {
    return this.#events
      .filter((event) => matches(event, filter))
      .reverse()
      .slice(0, filter.limit)
      .map(copyOf);
  }
}

function matches(event: AuditEventRecord, filter: AuditFilter): boolean {
  return (
    (filter.action === undefined || event.action === filter.action) &&
    (filter.actorName === undefined || event.actorName === filter.actorName) &&
    (filter.target === undefined || event.target === filter.target) &&
    (filter.outcome === undefined || event.outcome === filter.outcome) &&
    (filter.since === undefined || event.at >= filter.since) &&
    (filter.until === undefined || event.at <= filter.until) &&
    (filter.before === undefined || event.id < filter.before)
  );
}
