/**
 * Webhook endpoints (admins only): add one with its event filter (its signing secret shown once), change or remove it,
 * fire a test event through the same delivery path as real ones, and list its deliveries with their status.
 */
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { encryptWebhookSecret, generateWebhookSecret, randomId } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import type { WebhookEndpointChanges, WebhookEndpointRecord } from '../storage/index.js';
import { SUBSCRIBABLE_WEBHOOK_EVENTS } from '../webhooks/event-types.js';
import { checkWebhookUrl } from '../webhooks/url.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, WebhookEndpointInput } from './contract.js';
import { checkRange, printable } from './validate.js';
import {
  type CreatedWebhookEndpoint,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  webhookDeliveryView,
  webhookEndpointView,
} from './webhook-views.js';

export const DEFAULT_WEBHOOK_DELIVERY_PAGE = 50;
export const MAX_WEBHOOK_DELIVERY_PAGE = 500;

type WebhookOperationsShape = ActorOperations['webhooks'];

export class WebhookOperations implements WebhookOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(): Promise<WebhookEndpointView[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.webhookList);
    return (await this.#context.store.webhooks.listEndpoints()).map(webhookEndpointView);
  }

  async create(input: WebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.webhookCreate);
    const id = randomId('whe_');
    const secret = generateWebhookSecret();
    const record: WebhookEndpointRecord = {
      id,
      url: checkWebhookUrl(input.url, this.#context.webhooks.addressPolicy),
      events: checkWebhookEvents(input.events),
      encryptedSecret: encryptWebhookSecret(secret, id, this.#context.webhooks.encryptionKey),
      enabled: input.enabled ?? true,
      createdAt: epochSeconds(this.#context.clock),
    };
    await this.#context.store.webhooks.addEndpoint(record);
    await this.#audit(AUDIT_ACTIONS.webhookCreate, id, { url: record.url, events: record.events });
    return { endpoint: webhookEndpointView(record), secret };
  }

  async update(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.webhookUpdate, printable(id));
    const checked: WebhookEndpointChanges = {};
    if (changes.url !== undefined) checked.url = checkWebhookUrl(changes.url, this.#context.webhooks.addressPolicy);
    if (changes.events !== undefined) checked.events = checkWebhookEvents(changes.events);
    if (changes.enabled !== undefined) checked.enabled = changes.enabled;
    const updated = await this.#context.store.webhooks.updateEndpoint(id, checked);
    if (updated === undefined) throw notFound();
    await this.#audit(AUDIT_ACTIONS.webhookUpdate, id, { ...checked });
    return webhookEndpointView(updated);
  }

  async remove(id: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.webhookDelete, printable(id));
    if (!(await this.#context.store.webhooks.removeEndpoint(id))) throw notFound();
    await this.#audit(AUDIT_ACTIONS.webhookDelete, id, null);
  }

  /** Queues a `webhook.test` event for this endpoint, whatever its filter; the worker sends it like any other. */
  async test(id: string): Promise<WebhookDeliveryView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.webhookTest, printable(id));
    if ((await this.#context.store.webhooks.getEndpoint(id)) === undefined) throw notFound();
    const deliveryId = await this.#context.webhooks.queueTest(id);
    await this.#audit(AUDIT_ACTIONS.webhookTest, id, { deliveryId });
    const delivery = await this.#context.store.webhooks.getDelivery(deliveryId);
    if (delivery === undefined) throw notFound();
    return webhookDeliveryView(delivery);
  }

  async deliveries(id: string, limit = DEFAULT_WEBHOOK_DELIVERY_PAGE): Promise<WebhookDeliveryView[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.webhookList, printable(id));
    const checkedLimit = checkRange(limit, 'limit', 1, MAX_WEBHOOK_DELIVERY_PAGE);
    if ((await this.#context.store.webhooks.getEndpoint(id)) === undefined) throw notFound();
    return (await this.#context.store.webhooks.listDeliveries(id, checkedLimit)).map(webhookDeliveryView);
  }

  #audit(action: AuditAction, target: string, detail: Record<string, unknown> | null): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, detail });
  }
}

function notFound(): NotFound {
  return new NotFound('No webhook endpoint has this id');
}

export function checkWebhookEvents(events: readonly string[]): string[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidRequest(`events must name at least one of ${SUBSCRIBABLE_WEBHOOK_EVENTS.join(', ')}`);
  }
  const unique: string[] = [];
  for (const event of events) {
    if (typeof event !== 'string' || !(SUBSCRIBABLE_WEBHOOK_EVENTS as readonly string[]).includes(event)) {
      throw new InvalidRequest(
        `events: "${printable(String(event))}" is not a webhook event; use ${SUBSCRIBABLE_WEBHOOK_EVENTS.join(', ')}`,
      );
    }
    if (!unique.includes(event)) unique.push(event);
  }
  return unique;
}
