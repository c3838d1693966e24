/** The admin API's request and answer shapes: core's management inputs and views, as sent (docs/admin-api.md). */
export type {
  ApiTokenInput,
  ApiTokenView,
  ApiView,
  AuditEventView,
  ClientView,
  CreatedApiToken,
  CreatedClientView,
  KeyView,
  SessionView,
  UsageSeries,
  UserView,
  CreatedWebhookEndpoint,
  WebhookDeliveryView,
  WebhookEndpointView,
} from '@tollgate/core';
