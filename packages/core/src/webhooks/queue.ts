/**
 * Turns webhook events into stored deliveries, one per enabled endpoint whose filter takes the event. Nothing is sent
 * from here: the delivery worker (deliver.ts) sends what is stored, so an event written here survives a crash.
 *
 * The audit log is the outbox. An audit event's deliveries are named by the event's id and the endpoint's, so they are
 * queued once however often they are queued: as the event is written, and again by `catchUpWebhookEvents`, which reads
 * the recent audit log for events whose queuing was lost (the process died between the two writes, or the database
 * refused the second).
 */
import { type Clock, epochSeconds } from '../clock.js';
import { randomId, sha256Base64url } from '../crypto/index.js';
import type {
  ApiTokenRecord,
  AuditEventRecord,
  Store,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../storage/index.js';
import { type WebhookEvent, webhookEventOf } from './event-types.js';

/** "Expiring within 7 days" (issue 14). */
export const EXPIRING_NOTICE_SECONDS = 7 * 86_400;

export interface WebhookQueueContext {
  store: Pick<Store, 'webhooks' | 'apiTokens' | 'audit'>;
  clock: Clock;
}

/** Audit events read per page when catching up. */
const CATCH_UP_PAGE = 500;

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

/**
 * Queues the webhook event `audit` raises, if any, for every enabled endpoint subscribed to it that existed when it
 * happened; returns how many deliveries were added (none that were queued already).
 */
export async function queueAuditEvent(context: WebhookQueueContext, audit: AuditEventRecord): Promise<number> {
  if (webhookEventOf(audit) === undefined) return 0;
  return queueAuditEvents(context, await context.store.webhooks.listEndpoints(), [audit]);
}

/**
 * Queues what the audit events written since `sinceSeconds` raise and is not queued yet; returns how many deliveries
 * were added. Any node may run it at any time: the deliveries' ids make a second queuing add nothing.
 */
export async function catchUpWebhookEvents(context: WebhookQueueContext, sinceSeconds: number): Promise<number> {
  const endpoints = await context.store.webhooks.listEndpoints();
  if (!endpoints.some((endpoint) => endpoint.enabled)) return 0;
  let added = 0;
  let before: number | undefined;
  for (;;) {
    const page = await context.store.audit.list({
      since: sinceSeconds,
      limit: CATCH_UP_PAGE,
      ...(before === undefined ? {} : { before }),
    });
    added += await queueAuditEvents(context, endpoints, page);
    if (page.length < CATCH_UP_PAGE) return added;
    before = page[page.length - 1]?.id;
  }
}

async function queueAuditEvents(
  context: WebhookQueueContext,
  endpoints: readonly WebhookEndpointRecord[],
  audits: readonly AuditEventRecord[],
): Promise<number> {
  const deliveries = audits.flatMap((audit) => {
    const event = webhookEventOf(audit);
    if (event === undefined) return [];
    return endpoints
      .filter((endpoint) => wants(endpoint, event.type) && endpoint.createdAt <= audit.at)
      .map((endpoint) => newDelivery(context, endpoint.id, event, auditDeliveryId(audit.id, endpoint.id)));
  });
  return deliveries.length === 0 ? 0 : context.store.webhooks.enqueue(deliveries);
}

/** The one delivery of audit event `auditId` to an endpoint. */
function auditDeliveryId(auditId: number, endpointId: string): string {
  return `msg_${sha256Base64url(`audit\n${auditId}\n${endpointId}`).slice(0, 32)}`;
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
