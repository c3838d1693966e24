/**
 * Webhook endpoints and the deliveries queued for them (Standard Webhooks). A delivery is written before anything is
 * sent and stays until it is delivered or given up on, so a crash loses none; claiming one is a compare-and-set with a
 * lease, so two nodes on one database never send it both.
 */

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookEndpointRecord {
  /** `whe_...`. */
  id: string;
  /** https, or http on a loopback host only (management/webhooks.ts checks). */
  url: string;
  /** Event types it receives (`api_token.created`, ...); at least one. */
  events: string[];
  /** The signing secret (`whsec_...`), AEAD-encrypted under the configured encryption key with the id as AAD. */
  encryptedSecret: string;
  enabled: boolean;
  createdAt: number;
}

export interface WebhookEndpointChanges {
  url?: string;
  events?: string[];
  enabled?: boolean;
}

export interface WebhookDeliveryRecord {
  /** `msg_...`: the `webhook-id` header, the same on every attempt, so receivers can drop duplicates. */
  id: string;
  endpointId: string;
  eventType: string;
  /** The JSON body as sent, exactly: the signature covers these bytes. */
  payload: string;
  status: WebhookDeliveryStatus;
  /** Attempts started so far (a claim counts one). */
  attempts: number;
  /** When it is due next; while claimed, when the claim's lease ends. */
  nextAttemptAt: number;
  /** HTTP status of the last answer; null when there was none (never tried, or no answer). */
  lastResponseStatus: number | null;
  /** Why the last attempt failed, in words (never a header or a body); null when it did not. */
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What one attempt ended with. */
export interface WebhookAttemptOutcome {
  status: WebhookDeliveryStatus;
  /** When to try again (status `pending`); otherwise when it ended. */
  nextAttemptAt: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  updatedAt: number;
}

export interface WebhookStore {
  addEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  getEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>;
  /** Oldest first. */
  listEndpoints(): Promise<WebhookEndpointRecord[]>;
  /** Sets the given fields; undefined when there is no such endpoint. */
  updateEndpoint(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointRecord | undefined>;
  /** Deletes the endpoint and its deliveries in one transaction; false when there was none. */
  removeEndpoint(id: string): Promise<boolean>;
  /**
   * Adds deliveries in one transaction. One whose id is already stored is skipped (another node queued the same
   * notice first); returns how many were added.
   */
  enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number>;
  /**
   * Claims up to `limit` pending deliveries due at `now` (oldest due first): each counts an attempt and is due again
   * only at `leaseUntil`, so one whose sender died is retried after the lease. A compare-and-set per delivery: of
   * several callers at once, one gets it. Returns them as claimed (attempts already counted).
   */
  claimDue(now: number, leaseUntil: number, limit: number): Promise<WebhookDeliveryRecord[]>;
  /**
   * Records how the claimed attempt number `attempt` ended; false (writing nothing) when the delivery is gone, no
   * longer pending, or was claimed again since (its lease ran out).
   */
  finishAttempt(id: string, attempt: number, outcome: WebhookAttemptOutcome): Promise<boolean>;
  getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** Deletes delivered and failed deliveries last changed before `updatedBefore`; returns how many. */
  removeFinishedBefore(updatedBefore: number): Promise<number>;
}
