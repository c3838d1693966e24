/**
 * `tollgate webhooks add|list|update|remove|test|deliveries`: Standard Webhooks endpoints (docs/webhooks.md). The CLI
 * only queues; the running server sends what is queued, so `test` works once a server runs on the same database.
 */
import type { WebhookDeliveryView, WebhookEndpointChanges, WebhookEndpointView } from '@tollgate/core';
import { type Command, InvalidArgumentError } from 'commander';
import { type Cli, type GlobalOptions, loadData, withOperator } from '../context.js';
import { formatTime, printJson, printLines, printTable } from '../output.js';
import { UsageError } from '../usage.js';

/** The stable `--json` shape of an endpoint (never its secret, except once from `add`). */
export function webhookJson(endpoint: WebhookEndpointView) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    enabled: endpoint.enabled,
    created_at: endpoint.createdAt,
  };
}

export function deliveryJson(delivery: WebhookDeliveryView) {
  return {
    id: delivery.id,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt,
    last_response_status: delivery.lastResponseStatus,
    last_error: delivery.lastError,
    created_at: delivery.createdAt,
    updated_at: delivery.updatedAt,
  };
}

/** `--events api_token.created,user.disabled` (spaces work too); the core checks the names. */
function parseEvents(value: string): string[] {
  const events = value.split(/[\s,]+/).filter(Boolean);
  if (events.length === 0) throw new InvalidArgumentError('name at least one event');
  return events;
}

/** `all` stands for every event; read from the core only when the command runs, so the help loads none of it. */
async function expandAll(events: readonly string[]): Promise<string[]> {
  if (!events.includes('all')) return [...events];
  return [...(await loadData()).SUBSCRIBABLE_WEBHOOK_EVENTS];
}

function parseLimit(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

interface AddOptions extends GlobalOptions {
  events: string[];
  disabled?: boolean;
}

interface UpdateOptions extends GlobalOptions {
  url?: string;
  events?: string[];
  enable?: boolean;
  disable?: boolean;
}

interface DeliveriesOptions extends GlobalOptions {
  limit?: number;
}

function registerAdd(webhooks: Command, cli: Cli): void {
  webhooks
    .command('add')
    .description('add an endpoint and print its signing secret (shown once)')
    .argument('<url>', 'https URL (plain http only on a loopback host)')
    .requiredOption('--events <events>', 'comma-separated events (docs/webhooks.md lists them), or all', parseEvents)
    .option('--disabled', 'add it without sending anything yet')
    .action(async (url: string, _options: AddOptions, command: Command) => {
      const options = command.optsWithGlobals<AddOptions>();
      const events = await expandAll(options.events);
      const created = await withOperator(cli, options, (operations) =>
        operations.webhooks.create({ url, events, enabled: options.disabled !== true }),
      );
      if (options.json) return printJson(cli, { ...webhookJson(created.endpoint), secret: created.secret });
      printLines(
        cli,
        `Added webhook endpoint ${created.endpoint.id}`,
        `  url:    ${created.endpoint.url}`,
        `  events: ${created.endpoint.events.join(' ')}`,
        `  secret: ${created.secret}`,
        '',
        'The secret is shown once: give it to the receiver, which verifies webhook-signature with it.',
      );
    });
}

function registerList(webhooks: Command, cli: Cli): void {
  webhooks
    .command('list')
    .description('list webhook endpoints (secrets are never shown again)')
    .action(async (_options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const list = await withOperator(cli, options, (operations) => operations.webhooks.list());
      if (options.json) return printJson(cli, list.map(webhookJson));
      if (list.length === 0)
        return printLines(cli, 'No webhook endpoints yet. Add one: tollgate webhooks add <url> --events all');
      printTable(
        cli,
        ['ID', 'URL', 'ENABLED', 'CREATED', 'EVENTS'],
        list.map((e) => [e.id, e.url, e.enabled ? 'yes' : 'no', formatTime(e.createdAt), e.events.join(',')]),
      );
    });
}

/** What `update` asks the core to change; the core checks the URL and the events as it does for `add`. */
async function updateChangesOf(options: UpdateOptions): Promise<WebhookEndpointChanges> {
  if (options.enable === true && options.disable === true) throw new UsageError('give --enable or --disable, not both');
  const changes: WebhookEndpointChanges = {};
  if (options.url !== undefined) changes.url = options.url;
  if (options.events !== undefined) changes.events = await expandAll(options.events);
  if (options.enable === true) changes.enabled = true;
  if (options.disable === true) changes.enabled = false;
  if (Object.keys(changes).length === 0) {
    throw new UsageError('give what to change: --url <url>, --events <event,...|all>, --enable or --disable');
  }
  return changes;
}

function registerUpdate(webhooks: Command, cli: Cli): void {
  webhooks
    .command('update')
    .description("change an endpoint's URL, its events (replaced as a whole), or whether it is sent anything")
    .argument('<id>', 'the endpoint id (whe_...)')
    .option('--url <url>', 'the new https URL (plain http only on a loopback host)')
    .option('--events <events>', 'the new comma-separated events, or all', parseEvents)
    .option('--enable', 'send it events again')
    .option('--disable', 'send it nothing (its pending deliveries fail at their next attempt)')
    .action(async (id: string, _options: UpdateOptions, command: Command) => {
      const options = command.optsWithGlobals<UpdateOptions>();
      const changes = await updateChangesOf(options);
      const updated = await withOperator(cli, options, (operations) => operations.webhooks.update(id, changes));
      if (options.json) return printJson(cli, webhookJson(updated));
      printLines(
        cli,
        `Updated webhook endpoint ${updated.id}`,
        `  url:     ${updated.url}`,
        `  events:  ${updated.events.join(' ')}`,
        `  enabled: ${updated.enabled ? 'yes' : 'no'}`,
      );
    });
}

function registerRemove(webhooks: Command, cli: Cli): void {
  webhooks
    .command('remove')
    .description('remove an endpoint and its queued deliveries')
    .argument('<id>', 'the endpoint id (whe_...)')
    .action(async (id: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      await withOperator(cli, options, (operations) => operations.webhooks.remove(id));
      if (options.json) return printJson(cli, { removed: true, id });
      printLines(cli, `Removed webhook endpoint ${id}`);
    });
}

function registerTest(webhooks: Command, cli: Cli): void {
  webhooks
    .command('test')
    .description('queue a webhook.test event for an endpoint; the running server sends it')
    .argument('<id>', 'the endpoint id (whe_...)')
    .action(async (id: string, _options: GlobalOptions, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions>();
      const delivery = await withOperator(cli, options, (operations) => operations.webhooks.test(id));
      if (options.json) return printJson(cli, deliveryJson(delivery));
      printLines(cli, `Queued webhook.test as ${delivery.id}.`, `See how it went: tollgate webhooks deliveries ${id}`);
    });
}

function registerDeliveries(webhooks: Command, cli: Cli): void {
  webhooks
    .command('deliveries')
    .description("an endpoint's deliveries, newest first, with their status")
    .argument('<id>', 'the endpoint id (whe_...)')
    .option('--limit <n>', 'how many (1..500, default 50)', parseLimit)
    .action(async (id: string, _options: DeliveriesOptions, command: Command) => {
      const options = command.optsWithGlobals<DeliveriesOptions>();
      const list = await withOperator(cli, options, (operations) => operations.webhooks.deliveries(id, options.limit));
      if (options.json) return printJson(cli, list.map(deliveryJson));
      if (list.length === 0) return printLines(cli, 'No deliveries yet.');
      printTable(
        cli,
        ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'QUEUED', 'LAST RESULT'],
        list.map((d) => [
          d.id,
          d.eventType,
          d.status,
          String(d.attempts),
          formatTime(d.createdAt),
          d.lastError ?? (d.lastResponseStatus === null ? '-' : `HTTP ${d.lastResponseStatus}`),
        ]),
      );
    });
}

export function registerWebhookCommands(program: Command, cli: Cli): void {
  const webhooks = program.command('webhooks').description('manage webhook endpoints (Standard Webhooks)');
  registerAdd(webhooks, cli);
  registerList(webhooks, cli);
  registerUpdate(webhooks, cli);
  registerRemove(webhooks, cli);
  registerTest(webhooks, cli);
  registerDeliveries(webhooks, cli);
}
