import type { AuditEventRecord, AuditFilter, AuditOutcome, AuditStore } from '@tollgate/core';
import type { Kysely, Selectable } from 'kysely';
import { decodeObject, encodeJson } from '../json-columns.js';
import type { AuditEventsTable, Database } from '../schema.js';

export class SqlAuditStore implements AuditStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** The id comes from the database's identity column, so it only grows (see migrations/dialect-flavor.ts). */
  async add(event: Omit<AuditEventRecord, 'id'>): Promise<number> {
    const { id } = await this.#db
      .insertInto('audit_events')
      .values({
        at: event.at,
        actor_id: event.actorId,
        actor_name: event.actorName,
        action: event.action,
        target: event.target,
        address: event.address,
        outcome: event.outcome,
        detail: event.detail === null ? null : encodeJson(event.detail),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // node-postgres returns a bigint column as a string.
    return Number(id);
  }

  /** Newest first by id, not by `at`: ids are unique and monotonic, so `before` pages without gaps. */
  async list(filter: AuditFilter): Promise<AuditEventRecord[]> {
    let query = this.#db.selectFrom('audit_events').selectAll();
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.actorName !== undefined) query = query.where('actor_name', '=', filter.actorName);
    if (filter.target !== undefined) query = query.where('target', '=', filter.target);
    if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<=', filter.until);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map(fromRow);
  }
}

function fromRow(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    target: row.target,
    address: row.address,
    outcome: decodeOutcome(row.outcome),
    detail: row.detail === null ? null : decodeObject(row.detail, 'audit_events.detail'),
  };
}

function decodeOutcome(value: string): AuditOutcome {
  if (value === 'success' || value === 'failure') return value;
  throw new Error('Stored audit_events.outcome is neither success nor failure');
}
