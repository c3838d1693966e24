import { Conflict } from '../../errors.js';
import type {
  WebhookAttemptOutcome,
  WebhookDeliveryRecord,
  WebhookEndpointChanges,
  WebhookEndpointRecord,
  WebhookStore,
} from '../../storage/index.js';
import { compareText, copyOf } from './records.js';

export class MemoryWebhookStore implements WebhookStore {
  /** Insertion order is creation order. */
  readonly #endpoints = new Map<string, WebhookEndpointRecord>();
  readonly #deliveries = new Map<string, WebhookDeliveryRecord>();

  async addEndpoint(endpoint: WebhookEndpointRecord): Promise<void> {
    if (this.#endpoints.has(endpoint.id)) throw new Conflict('A webhook endpoint with this id already exists');
    this.#endpoints.set(endpoint.id, copyOf(endpoint));
  }

  async getEndpoint(id: string): Promise<WebhookEndpointRecord | undefined> {
    const endpoint = this.#endpoints.get(id);
    return endpoint && copyOf(endpoint);
  }

  async listEndpoints(): Promise<WebhookEndpointRecord[]> {
    return [...this.#endpoints.values()].sort((a, b) => a.createdAt - b.createdAt).map(copyOf);
  }

  async updateEndpoint(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointRecord | undefined> {
    const endpoint = this.#endpoints.get(id);
    if (endpoint === undefined) return undefined;
    if (changes.url !== undefined) endpoint.url = changes.url;
    if (changes.events !== undefined) endpoint.events = [...changes.events];
    if (changes.enabled !== undefined) endpoint.enabled = changes.enabled;
    return copyOf(endpoint);
  }

  async removeEndpoint(id: string): Promise<boolean> {
    if (!this.#endpoints.delete(id)) return false;
    for (const delivery of this.#deliveries.values()) {
      if (delivery.endpointId === id) this.#deliveries.delete(delivery.id);
    }
    return true;
  }

  async enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number> {
    let added = 0;
    for (const delivery of deliveries) {
      if (this.#deliveries.has(delivery.id)) continue;
      this.#deliveries.set(delivery.id, copyOf(delivery));
      added += 1;
    }
    return added;
  }

  async claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDeliveryRecord[]> {
    const due = [...this.#deliveries.values()]
      .filter((delivery) => delivery.status === 'pending' && delivery.nextAttemptAt <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, limit);
    for (const delivery of due) {
      delivery.attempts += 1;
      delivery.nextAttemptAt = leaseUntil;
      delivery.updatedAt = now;
    }
    return due.map(copyOf);
  }

  async finishAttempt(id: string, attempt: number, outcome: WebhookAttemptOutcome): Promise<boolean> {
    const delivery = this.#deliveries.get(id);
    if (delivery === undefined || delivery.status !== 'pending' || delivery.attempts !== attempt) return false;
    Object.assign(delivery, outcome);
    return true;
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const delivery = this.#deliveries.get(id);
    return delivery && copyOf(delivery);
  }

  async removeFinishedBefore(updatedBefore: number): Promise<number> {
    let removed = 0;
    for (const delivery of this.#deliveries.values()) {
      if (delivery.status !== 'pending' && delivery.updatedAt < updatedBefore) {
        this.#deliveries.delete(delivery.id);
        removed += 1;
      }
    }
    return removed;
  }

  async listDeliveries(endpointId: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    return [...this.#deliveries.values()]
      .filter((delivery) => delivery.endpointId === endpointId)
      .sort((a, b) => b.createdAt - a.createdAt || compareText(b.id, a.id))
      .slice(0, limit)
      .map(copyOf);
  }
}
