/** Everything one actor may do, each group authorising and auditing on its own. */
import { ApiTokenOperations } from './api-tokens.js';
import { ApiOperations } from './apis.js';
import { AuditOperations } from './audit.js';
import { ClientOperations } from './clients.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations } from './contract.js';
import { KeyOperations } from './keys.js';
import { UserOperations } from './users.js';
import { WebhookOperations } from './webhooks.js';

export function operationsFor(context: ManagementContext, actor: Actor): ActorOperations {
  const frozen: Actor = Object.freeze({ ...actor });
  return Object.freeze({
    actor: frozen,
    tokens: new ApiTokenOperations(context, frozen),
    apis: new ApiOperations(context, frozen),
    clients: new ClientOperations(context, frozen),
    users: new UserOperations(context, frozen),
    keys: new KeyOperations(context, frozen),
    audit: new AuditOperations(context, frozen),
    webhooks: new WebhookOperations(context, frozen),
  });
}
