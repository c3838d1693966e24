/** What the webhook operations answer with: never the secret, except once in `CreatedWebhookEndpoint`. */
import type { WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord } from '../storage/index.js';

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: number;
}

export interface CreatedWebhookEndpoint {
  endpoint: WebhookEndpointView;
  /** `whsec_...`: shown this once; receivers verify `webhook-signature` with it. */
  secret: string;
}

export interface WebhookDeliveryView {
  id: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null once delivered or failed. */
  nextAttemptAt: number | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export function webhookEndpointView(record: WebhookEndpointRecord): WebhookEndpointView {
  return {
    id: record.id,
    url: record.url,
    events: [...record.events],
    enabled: record.enabled,
    createdAt: record.createdAt,
  };
}

export function webhookDeliveryView(record: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: record.id,
    eventType: record.eventType,
    status: record.status,
    attempts: record.attempts,
    nextAttemptAt: record.status === 'pending' ? record.nextAttemptAt : null,
    lastResponseStatus: record.lastResponseStatus,
    lastError: record.lastError,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
