import type {
  WebhookAttemptOutcome,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointChanges,
  WebhookEndpointRecord,
  WebhookStore,
} from '@tollgate/core';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { decodeBoolean, decodeStringList, encodeBoolean, encodeJson } from '../json-columns.js';
import type { Database, WebhookDeliveriesTable, WebhookEndpointsTable } from '../schema.js';
import { insertOnce } from './insert-once.js';

export class SqlWebhookStore implements WebhookStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async addEndpoint(endpoint: WebhookEndpointRecord): Promise<void> {
    await insertOnce(
      () =>
        this.#db
          .insertInto('webhook_endpoints')
          .values({
            id: endpoint.id,
            url: endpoint.url,
            events: encodeJson(endpoint.events),
            encrypted_secret: endpoint.encryptedSecret,
            enabled: encodeBoolean(endpoint.enabled),
            created_at: endpoint.createdAt,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirstOrThrow(),
      'A webhook endpoint with this id already exists',
    );
  }

  async getEndpoint(id: string): Promise<WebhookEndpointRecord | undefined> {
    const row = await this.#db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row && endpointFromRow(row);
  }

  async listEndpoints(): Promise<WebhookEndpointRecord[]> {
    const rows = await this.#db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(endpointFromRow);
  }

  async updateEndpoint(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointRecord | undefined> {
    const set: Updateable<WebhookEndpointsTable> = {};
    if (changes.url !== undefined) set.url = changes.url;
    if (changes.events !== undefined) set.events = encodeJson(changes.events);
    if (changes.enabled !== undefined) set.enabled = encodeBoolean(changes.enabled);
    if (Object.keys(set).length > 0) {
      await this.#db.updateTable('webhook_endpoints').set(set).where('id', '=', id).execute();
    }
    return this.getEndpoint(id);
  }

  async removeEndpoint(id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      const result = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirstOrThrow();
      return result.numDeletedRows > 0n;
    });
  }

  async enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const result = await this.#db
      .insertInto('webhook_deliveries')
      .values(deliveries.map(deliveryToRow))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirstOrThrow();
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }

  /**
   * Reads candidates, then takes each with an UPDATE conditioned on the attempt count and due time it was read with:
   * of two nodes racing, the second's UPDATE matches no row (PostgreSQL re-checks the condition on the row the first
   * committed), so it skips that delivery.
   */
  async claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDeliveryRecord[]> {
    const candidates = await this.#db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    const claimed: WebhookDeliveryRecord[] = [];
    for (const row of candidates) {
      const result = await this.#db
        .updateTable('webhook_deliveries')
        .set({ attempts: row.attempts + 1, next_attempt_at: leaseUntil, updated_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .where('attempts', '=', row.attempts)
        .where('next_attempt_at', '=', row.next_attempt_at)
        .executeTakeFirstOrThrow();
      if (result.numUpdatedRows === 1n) {
        claimed.push(
          deliveryFromRow({ ...row, attempts: row.attempts + 1, next_attempt_at: leaseUntil, updated_at: now }),
        );
      }
    }
    return claimed;
  }

  async finishAttempt(id: string, attempt: number, outcome: WebhookAttemptOutcome): Promise<boolean> {
    const result = await this.#db
      .updateTable('webhook_deliveries')
      .set({
        status: outcome.status,
        next_attempt_at: outcome.nextAttemptAt,
        last_response_status: outcome.lastResponseStatus,
        last_error: outcome.lastError,
        updated_at: outcome.updatedAt,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('attempts', '=', attempt)
      .executeTakeFirstOrThrow();
    return result.numUpdatedRows === 1n;
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.#db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  async removeFinishedBefore(updatedBefore: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed'])
      .where('updated_at', '<', updatedBefore)
      .executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }

  async listDeliveries(endpointId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.#db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(deliveryFromRow);
  }
}

function endpointFromRow(row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    events: decodeStringList(row.events, 'webhook_endpoints.events'),
    encryptedSecret: row.encrypted_secret,
    enabled: decodeBoolean(row.enabled),
    createdAt: row.created_at,
  };
}

function deliveryToRow(delivery: WebhookDeliveryRecord): WebhookDeliveriesTable {
  return {
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event_type: delivery.eventType,
    payload: delivery.payload,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt,
    last_response_status: delivery.lastResponseStatus,
    last_error: delivery.lastError,
    created_at: delivery.createdAt,
    updated_at: delivery.updatedAt,
  };
}

function deliveryFromRow(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    payload: row.payload,
    status: decodeStatus(row.status),
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastResponseStatus: row.last_response_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function decodeStatus(value: string): WebhookDeliveryStatus {
  if (value === 'pending' || value === 'delivered' || value === 'failed') return value;
  throw new Error(`webhook_deliveries.status holds ${JSON.stringify(value)}, not pending, delivered or failed`);
}
