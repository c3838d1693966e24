export * from './errors.js';
export * from './clock.js';
export * from './scope.js';
export * from './storage/index.js';
export * from './service.js';
export * from './throttle.js';
export { Tollgate, openTollgate } from './tollgate.js';
export {
  TollgateEvents,
  type TollgateEvent,
  type TollgateEventListener,
  type TollgateEventType,
} from './events/bus.js';
export type { TollgateConfig, TollgateDependencies } from './tollgate-config.js';
export { LOGIN_CLIENT_ID } from './clients/authenticate.js';
export { REFRESH_TOKEN_PREFIX } from './grants/issue.js';
export { DEFAULT_REFRESH_TOKEN_MAX_LIFETIME_SECONDS } from './grants/refresh-lifetime.js';
export { CLIENT_SECRET_PREFIX } from './management/clients.js';
export { MIN_PASSWORD_LENGTH } from './management/users.js';
export { MIN_ACCESS_TOKEN_TTL_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from './management/apis.js';
export { DEFAULT_KEY_PROPAGATION_DELAY_SECONDS } from './management/keys.js';
export { ENDPOINT_PATHS } from './metadata.js';
export * from './authorization/index.js';
export * from './management/contract.js';
export type * from './management/views.js';
export {
  DEFAULT_MANAGEMENT_CONFIG,
  MIN_API_TOKEN_TTL_SECONDS,
  MAX_API_TOKEN_TTL_SECONDS,
} from './management/config.js';
export { EXPIRING_SOON_SECONDS } from './management/token-views.js';
export { MAX_USAGE_DAYS } from './management/usage.js';
export { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE } from './management/audit.js';
export { AUDIT_ACTIONS, type AuditAction } from './audit/actions.js';
export { API_TOKEN_CLIENT_ID } from './tokens/api-token.js';
export { creditsAt, nextRefillAt, spendCredits } from './credits/refill.js';
export { csrfTokenMatches } from './crypto/index.js';
export {
  RevocationFeed,
  RevocationEpochChanged,
  type FeedPosition,
  type RevocationEvent,
  type RevocationListener,
  type RevocationFeedOptions,
  type FeedTimers,
} from './revocations/feed.js';
export type { RevocationSignal } from './revocations/signal.js';
export { formatEventId, parseResumePoint, type ResumePoint } from './revocations/event-id.js';
export { newRevocationEpoch } from './revocations/epoch.js';
export type { ResumePlan, ResumeReason } from './revocations/resume.js';
export {
  type EncryptionKey,
  parseEncryptionKey,
  generateEncryptionSecret,
} from './crypto/index.js';
export { SIGNING_ALGORITHMS, type SigningAlgorithm, API_TOKEN_PREFIX } from '@tollgate/jwt';
export { DPOP_POLICIES } from './storage/apis.js';
export { ADMIN_SCOPE_ALL, ADMIN_SCOPES, type AdminScope, isAdminScope } from './admin-access/scopes.js';
export { ADMIN_API_PATH, adminApiIdentifier } from './admin-access/resource.js';
export type { AdminBearerRequest } from './admin-access/bearer.js';
export type * from './management/webhook-views.js';
export { DEFAULT_WEBHOOK_DELIVERY_PAGE, MAX_WEBHOOK_DELIVERY_PAGE } from './management/webhooks.js';
export { SUBSCRIBABLE_WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhooks/event-types.js';
export type { DeliveryRound, WebhookRequest, WebhookResponse, WebhookSender } from './webhooks/deliver.js';
export { WEBHOOK_CLAIM_LEASE_SECONDS } from './webhooks/deliver.js';
export { MAX_WEBHOOK_ATTEMPTS } from './webhooks/retry.js';
export {
  refusedWebhookAddress,
  type WebhookAddressPolicy,
  webhookAddressPolicy,
} from './webhooks/address-policy.js';
