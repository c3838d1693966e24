/**
 * The delivery worker's round: claim what is due, sign it (Standard Webhooks headers), hand it to the sender, record
 * the outcome. A 2xx answer delivers; anything else is retried on the spec's schedule (retry.ts), then given up on.
 * The sender is the server's (core knows no HTTP); it must not follow redirects and must time out well within the
 * claim's lease, or another node would send the same delivery again.
 */
import { type Clock, epochSeconds } from '../clock.js';
import { decryptWebhookSecret, type EncryptionKey, signWebhook } from '../crypto/index.js';
import type { Store, WebhookAttemptOutcome, WebhookDeliveryRecord, WebhookEndpointRecord } from '../storage/index.js';
import { retryDelaySeconds } from './retry.js';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The status of the answer, or why there was none (no secret or body in it: it is stored and shown). */
export type WebhookResponse = { status: number } | { error: string };

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/** How long a claim holds a delivery: past the sender's timeout, so a live sender is never doubled. */
export const WEBHOOK_CLAIM_LEASE_SECONDS = 60;
/** How long a delivered or failed delivery stays listed before the server's purge removes it. */
export const WEBHOOK_DELIVERY_RETENTION_SECONDS = 30 * 86_400;
const DELIVERIES_PER_ROUND = 20;

export interface WebhookDeliveryContext {
  store: Pick<Store, 'webhooks'>;
  clock: Clock;
  encryptionKey: EncryptionKey;
  random?: () => number;
}

export interface DeliveryRound {
  delivered: number;
  retrying: number;
  failed: number;
}

export async function deliverDueWebhooks(context: WebhookDeliveryContext, send: WebhookSender): Promise<DeliveryRound> {
  const now = epochSeconds(context.clock);
  const claimed = await context.store.webhooks.claimDue(now, now + WEBHOOK_CLAIM_LEASE_SECONDS, DELIVERIES_PER_ROUND);
  const outcomes = await Promise.all(claimed.map((delivery) => attempt(context, delivery, send)));
  return {
    delivered: outcomes.filter((status) => status === 'delivered').length,
    retrying: outcomes.filter((status) => status === 'pending').length,
    failed: outcomes.filter((status) => status === 'failed').length,
  };
}

async function attempt(
  context: WebhookDeliveryContext,
  delivery: WebhookDeliveryRecord,
  send: WebhookSender,
): Promise<WebhookAttemptOutcome['status']> {
  const endpoint = await context.store.webhooks.getEndpoint(delivery.endpointId);
  let response: WebhookResponse;
  if (endpoint === undefined) response = { error: 'the endpoint was removed' };
  else if (!endpoint.enabled) response = { error: 'the endpoint is disabled' };
  else response = await signAndSend(context, endpoint, delivery, send);
  const outcome = outcomeOf(context, delivery.attempts, response, endpoint?.enabled === true);
  await context.store.webhooks.finishAttempt(delivery.id, delivery.attempts, outcome);
  return outcome.status;
}

async function signAndSend(
  context: WebhookDeliveryContext,
  endpoint: WebhookEndpointRecord,
  delivery: WebhookDeliveryRecord,
  send: WebhookSender,
): Promise<WebhookResponse> {
  let secret: string;
  try {
    secret = decryptWebhookSecret(endpoint.encryptedSecret, endpoint.id, context.encryptionKey);
  } catch {
    // Recorded as the attempt's error and retried like any failure, instead of failing the whole round each time.
    return { error: "the endpoint's signing secret cannot be decrypted (was the encryption key changed?)" };
  }
  const timestamp = epochSeconds(context.clock);
  return send({
    url: endpoint.url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': delivery.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secret, delivery.id, timestamp, delivery.payload),
    },
    body: delivery.payload,
  });
}

function outcomeOf(
  context: WebhookDeliveryContext,
  attempts: number,
  response: WebhookResponse,
  retryable: boolean,
): WebhookAttemptOutcome {
  const now = epochSeconds(context.clock);
  const lastResponseStatus = 'status' in response ? response.status : null;
  if ('status' in response && response.status >= 200 && response.status < 300) {
    return { status: 'delivered', nextAttemptAt: now, lastResponseStatus, lastError: null, updatedAt: now };
  }
  const lastError = 'status' in response ? `the endpoint answered HTTP ${response.status}` : response.error;
  const delaySeconds = retryable ? retryDelaySeconds(attempts, context.random) : undefined;
  if (delaySeconds === undefined) {
    return { status: 'failed', nextAttemptAt: now, lastResponseStatus, lastError, updatedAt: now };
  }
  return { status: 'pending', nextAttemptAt: now + delaySeconds, lastResponseStatus, lastError, updatedAt: now };
}
