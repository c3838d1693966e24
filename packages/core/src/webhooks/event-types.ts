/**
 * The webhook events and how each is read off an audit event (events/bus.ts): webhooks see exactly what the audit
 * log keeps, through no second hook into the flows. Payload data carries ids and names only, never a secret.
 */
import { AUDIT_ACTIONS } from '../audit/actions.js';
import type { AuditEventRecord } from '../storage/index.js';

export const WEBHOOK_EVENT_TYPES = Object.freeze([
  'api_token.created',
  'api_token.regenerated',
  'api_token.revoked',
  'api_token.expiring',
  'refresh_token.reuse_detected',
  'authorization_code.reuse_detected',
  'user.disabled',
  'brute_force.lockout',
  'webhook.test',
] as const);

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an endpoint's filter may name: every event but `webhook.test`, which goes to whichever endpoint is tested. */
export const SUBSCRIBABLE_WEBHOOK_EVENTS: readonly WebhookEventType[] = Object.freeze(
  WEBHOOK_EVENT_TYPES.filter((type) => type !== 'webhook.test'),
);

export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

type AuditFacts = Omit<AuditEventRecord, 'id'>;

/** Per audit action: the outcome that raises the webhook, its type, and the detail fields passed on. */
const FROM_AUDIT: Readonly<
  Record<string, { outcome: 'success' | 'failure'; type: WebhookEventType; target: string; fields: string[] }>
> = {
  [AUDIT_ACTIONS.apiTokenCreate]: {
    outcome: 'success',
    type: 'api_token.created',
    target: 'tokenId',
    fields: ['name', 'owner', 'apis', 'scopes', 'expiresAt'],
  },
  [AUDIT_ACTIONS.apiTokenRegenerate]: {
    outcome: 'success',
    type: 'api_token.regenerated',
    target: 'tokenId',
    fields: ['name', 'previousSecretExpiresAt'],
  },
  [AUDIT_ACTIONS.apiTokenRevoke]: {
    outcome: 'success',
    type: 'api_token.revoked',
    target: 'tokenId',
    fields: ['name'],
  },
  [AUDIT_ACTIONS.userDisable]: { outcome: 'success', type: 'user.disabled', target: 'username', fields: [] },
  [AUDIT_ACTIONS.refreshTokenReuse]: {
    outcome: 'failure',
    type: 'refresh_token.reuse_detected',
    target: 'target',
    fields: ['clientId', 'subject', 'username', 'familyId'],
  },
  [AUDIT_ACTIONS.authorizationCodeReuse]: {
    outcome: 'failure',
    type: 'authorization_code.reuse_detected',
    target: 'target',
    fields: ['clientId', 'subject', 'username', 'familyId'],
  },
  [AUDIT_ACTIONS.bruteForceLockout]: {
    outcome: 'failure',
    type: 'brute_force.lockout',
    target: 'subject',
    fields: ['kind', 'until'],
  },
};

/** The webhook event an audit event raises, if any. */
export function webhookEventOf(audit: AuditFacts): WebhookEvent | undefined {
  const rule = FROM_AUDIT[audit.action];
  if (rule === undefined || audit.outcome !== rule.outcome) return undefined;
  const data: Record<string, unknown> = {};
  if (rule.target !== 'target') data[rule.target] = audit.target;
  for (const field of rule.fields) {
    if (audit.detail !== null && field in audit.detail) data[field] = audit.detail[field];
  }
  data.actor = audit.actorName;
  data.address = audit.address;
  return { type: rule.type, data };
}
