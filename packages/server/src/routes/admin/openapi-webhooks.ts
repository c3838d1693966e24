/** The webhook operations of /api/v1 and their answers' schemas, for the OpenAPI document (docs/webhooks.md). */
import { MAX_WEBHOOK_DELIVERY_PAGE, SUBSCRIBABLE_WEBHOOK_EVENTS } from '@tollgate/core';
import type { Operation } from './openapi-operation.js';
import {
  arrayOf,
  boolean,
  integer,
  type JsonSchema,
  nullable,
  object,
  oneOfValues,
  ref,
  string,
} from './openapi-schemas.js';
import { webhookBody, webhookChangesBody } from './webhooks.js';

export const WEBHOOK_OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/webhooks', summary: 'List webhook endpoints', who: 'admin', answer: [200, 'WebhookList'] },
  {
    method: 'post',
    path: '/webhooks',
    summary: 'Add a webhook endpoint (its signing secret is shown once)',
    who: 'admin',
    body: webhookBody,
    answer: [201, 'CreatedWebhookEndpoint'],
  },
  {
    method: 'patch',
    path: '/webhooks/{id}',
    summary: "Change a webhook endpoint's URL, events or enabled",
    who: 'admin',
    body: webhookChangesBody,
    answer: [200, 'WebhookEndpointView'],
  },
  {
    method: 'delete',
    path: '/webhooks/{id}',
    summary: 'Remove a webhook endpoint and its deliveries',
    who: 'admin',
    answer: [204],
  },
  {
    method: 'post',
    path: '/webhooks/{id}/test',
    summary: 'Queue a webhook.test event for this endpoint',
    who: 'admin',
    answer: [202, 'WebhookDeliveryView'],
  },
  {
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    summary: "An endpoint's deliveries, newest first",
    who: 'admin',
    answer: [200, 'WebhookDeliveryList'],
    query: [{ name: 'limit', schema: integer(), description: `1..${MAX_WEBHOOK_DELIVERY_PAGE} (default 50)` }],
  },
];

const epochSeconds = (description: string) => integer(`${description} (epoch seconds)`);

export const WEBHOOK_VIEW_SCHEMAS: Record<string, JsonSchema> = {
  WebhookEndpointView: object({
    id: string(),
    url: string(),
    events: arrayOf(oneOfValues(SUBSCRIBABLE_WEBHOOK_EVENTS)),
    enabled: boolean(),
    createdAt: epochSeconds('Creation time'),
  }),
  CreatedWebhookEndpoint: object({
    endpoint: ref('WebhookEndpointView'),
    secret: string('whsec_...: shown once; verifies webhook-signature'),
  }),
  WebhookDeliveryView: object({
    id: string('The webhook-id header'),
    eventType: string(),
    status: oneOfValues(['pending', 'delivered', 'failed']),
    attempts: integer(),
    nextAttemptAt: nullable(epochSeconds('When the next attempt is due')),
    lastResponseStatus: nullable(integer('HTTP status of the last answer')),
    lastError: nullable(string()),
    createdAt: epochSeconds('When the event was queued'),
    updatedAt: epochSeconds('Last change'),
  }),
  WebhookList: object({
    webhooks: arrayOf(ref('WebhookEndpointView')),
    events: arrayOf(oneOfValues(SUBSCRIBABLE_WEBHOOK_EVENTS)),
  }),
  WebhookDeliveryList: object({ deliveries: arrayOf(ref('WebhookDeliveryView')) }),
};
