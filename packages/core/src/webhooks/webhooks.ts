/**
 * Webhooks for one `Tollgate`: audit events become stored deliveries (queue.ts) as the audit log writes them, and the
 * server's background loop calls `deliverDue` and `queueExpiringApiTokens` (any node may; each delivery goes once).
 */
import type { Clock } from '../clock.js';
import type { EncryptionKey } from '../crypto/index.js';
import type { TollgateEvents } from '../events/bus.js';
import type { Store } from '../storage/index.js';
import type { WebhookAddressPolicy } from './address-policy.js';
import { type DeliveryRound, deliverDueWebhooks, type WebhookSender } from './deliver.js';
import { catchUpWebhookEvents, queueAuditEvent, queueExpiringApiTokens, queueTestEvent } from './queue.js';

export interface WebhooksOptions {
  store: Pick<Store, 'webhooks' | 'apiTokens' | 'audit'>;
  clock: Clock;
  encryptionKey: EncryptionKey;
  /** Where deliveries may connect: URLs are checked against it when saved, and the sender checks each connection. */
  addressPolicy: WebhookAddressPolicy;
  /**
   * Told when queuing an event failed (the database was away): the event itself is in the audit log, and the next
   * `catchUp` queues it.
   */
  onQueueError?: (error: unknown) => void;
}

export class Webhooks {
  readonly encryptionKey: EncryptionKey;
  readonly addressPolicy: WebhookAddressPolicy;
  readonly #options: WebhooksOptions;
  readonly #queuing = new Set<Promise<unknown>>();

  constructor(options: WebhooksOptions) {
    this.#options = options;
    this.encryptionKey = options.encryptionKey;
    this.addressPolicy = options.addressPolicy;
  }

  /** Queues the webhook event of each audit event that raises one; returns the function that stops listening. */
  listen(events: TollgateEvents): () => void {
    return events.subscribe((event) => {
      if (event.type !== 'audit') return;
      const queued = queueAuditEvent(this.#options, event.event)
        .catch((error: unknown) => this.#options.onQueueError?.(error))
        .finally(() => this.#queuing.delete(queued));
      this.#queuing.add(queued);
    });
  }

  /** Resolves once every event raised so far is stored (or failed to be): for an orderly shutdown. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#queuing]);
  }

  /** Queues what the audit events since `sinceSeconds` raise and was not queued (see queue.ts). */
  catchUp(sinceSeconds: number): Promise<number> {
    return catchUpWebhookEvents(this.#options, sinceSeconds);
  }

  queueTest(endpointId: string): Promise<string> {
    return queueTestEvent(this.#options, endpointId);
  }

  queueExpiringApiTokens(): Promise<number> {
    return queueExpiringApiTokens(this.#options);
  }

  deliverDue(send: WebhookSender): Promise<DeliveryRound> {
    return deliverDueWebhooks(this.#options, send);
  }
}
