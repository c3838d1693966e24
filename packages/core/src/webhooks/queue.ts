/**
 * Turns webhook events into stored deliveries, one per enabled endpoint whose filter takes the event. Nothing is sent
 * from here: the delivery worker (deliver.ts) sends what is stored, so an event written here survives a crash.
 */
import { type Clock, epochSeconds } from '../clock.js';
import { randomId, sha256Base64url } from '../crypto/index.js';
import type { ApiTokenRecord, Store, WebhookDeliveryRecord, WebhookEndpointRecord } from '../storage/index.js';
import type { WebhookEvent } from './event-types.js';

/** "Expiring within 7 days" (issue 14). */
export const EXPIRING_NOTICE_SECONDS = 7 * 86_400;

export interface WebhookQueueContext {
  store: Pick<Store, 'webhooks' | 'apiTokens'>;
  clock: Clock;
}

/** The Standard Webhooks payload: `{type, timestamp, data}`, timestamp as RFC 3339. */
export function webhookPayload(event: WebhookEvent, nowMs: number): string {
  return JSON.stringify({ type: event.type, timestamp: new Date(nowMs).toISOString(), data: event.data });
}

function newDelivery(context: WebhookQueueContext, endpointId: string, event: WebhookEvent, id: string) {
  const nowMs = context.clock();
  const now = Math.floor(nowMs / 1000);
  const delivery: WebhookDeliveryRecord = {
    id,
    endpointId,
    eventType: event.type,
    payload: webhookPayload(event, nowMs),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastResponseStatus: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
  return delivery;
}

function wants(endpoint: WebhookEndpointRecord, type: string): boolean {
  return endpoint.enabled && endpoint.events.includes(type);
}

/** Queues `event` for every enabled endpoint subscribed to it; returns how many deliveries were written. */
export async function queueWebhookEvent(context: WebhookQueueContext, event: WebhookEvent): Promise<number> {
  const endpoints = (await context.store.webhooks.listEndpoints()).filter((endpoint) => wants(endpoint, event.type));
  const deliveries = endpoints.map((endpoint) => newDelivery(context, endpoint.id, event, randomId('msg_')));
  return context.store.webhooks.enqueue(deliveries);
}

/** A test event for one endpoint, whatever its filter; returns the delivery's id. */
export async function queueTestEvent(context: WebhookQueueContext, endpointId: string): Promise<string> {
  const event: WebhookEvent = { type: 'webhook.test', data: { endpointId } };
  const delivery = newDelivery(context, endpointId, event, randomId('msg_'));
  await context.store.webhooks.enqueue([delivery]);
  return delivery.id;
}

/**
 * `api_token.expiring` for each token that expires within 7 days, once per token and endpoint: the delivery id is
 * derived from both (and the expiry, so a token whose expiry moves is told again), so a later scan, on this node or
 * another, finds it queued and adds nothing. Returns how many were queued now.
 */
export async function queueExpiringApiTokens(context: WebhookQueueContext): Promise<number> {
  const endpoints = (await context.store.webhooks.listEndpoints()).filter((e) => wants(e, 'api_token.expiring'));
  if (endpoints.length === 0) return 0;
  const now = epochSeconds(context.clock);
  const expiring = (await context.store.apiTokens.list()).filter(
    (token) => token.expiresAt !== null && token.expiresAt > now && token.expiresAt <= now + EXPIRING_NOTICE_SECONDS,
  );
  const deliveries = expiring.flatMap((token) =>
    endpoints.map((endpoint) =>
      newDelivery(context, endpoint.id, expiringEvent(token), expiringNoticeId(endpoint.id, token)),
    ),
  );
  return context.store.webhooks.enqueue(deliveries);
}

function expiringEvent(token: ApiTokenRecord): WebhookEvent {
  return {
    type: 'api_token.expiring',
    data: {
      tokenId: token.id,
      name: token.name,
      owner: { kind: token.ownerKind, id: token.ownerId },
      expiresAt: token.expiresAt,
    },
  };
}

function expiringNoticeId(endpointId: string, token: ApiTokenRecord): string {
  return `msg_${sha256Base64url(`api_token.expiring\n${endpointId}\n${token.id}\n${token.expiresAt}`).slice(0, 32)}`;
}
