/**
 * `tollgate webhooks` (docs/cli.md): add prints the secret once, list, test queues a webhook.test that the running
 * server sends, deliveries shows how it went, remove; the events a CLI command raises (a token created from the CLI)
 * are queued before the command exits and sent by the server; plain http off loopback is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cliJson, seedStandard, USER_API } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

interface EndpointJson {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret?: string;
}

describe('tollgate webhooks', () => {
  let server: TollgateProcess;
  let receiver: WebhookReceiver;

  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTollgate();
    await seedStandard(server);
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
  });

  it('adds, lists, test-fires, shows deliveries and removes an endpoint', async () => {
    const url = `${receiver.url}/cli`;
    const added = (await cliJson(server, ['webhooks', 'add', url, '--events', 'api_token.created'])) as EndpointJson;
    assert.deepEqual([added.url, added.events, added.enabled], [url, ['api_token.created'], true]);
    const secret = String(added.secret);
    assert.match(secret, /^whsec_/);
    const listed = (await cliJson(server, ['webhooks', 'list'])) as EndpointJson[];
    assert.deepEqual(
      listed.map((endpoint) => [endpoint.id, endpoint.secret]),
      [[added.id, undefined]],
    );

    const args = [
      'tokens',
      'create',
      '--name',
      'from the cli',
      '--user',
      'alice',
      '--api',
      USER_API,
      '--scope',
      'read:data',
    ];
    await cliJson(server, args);
    const fired = (await cliJson(server, ['webhooks', 'test', added.id])) as { id: string; status: string };
    assert.equal(fired.status, 'pending');

    const { value: received } = await waitUntil(
      'both deliveries',
      async () => (receiver.at('/cli').length >= 2 ? receiver.at('/cli') : undefined),
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    const events = received.map((delivery) => verifyWebhook(secret, delivery));
    assert.deepEqual(events.map((event) => event.type).sort(), ['api_token.created', 'webhook.test']);
    assert.equal(events.find((event) => event.type === 'webhook.test')?.id, fired.id);

    const { value: deliveries } = await waitUntil(
      'both recorded as delivered',
      async () => {
        const list = (await cliJson(server, ['webhooks', 'deliveries', added.id])) as { status: string }[];
        return list.length === 2 && list.every((delivery) => delivery.status === 'delivered') ? list : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.equal(deliveries.length, 2);

    assert.deepEqual(await cliJson(server, ['webhooks', 'remove', added.id]), { removed: true, id: added.id });
    assert.deepEqual(await cliJson(server, ['webhooks', 'list']), []);
  });

  it('refuses plain http off loopback and an unknown event, saying why', async () => {
    const insecure = await server.cli(['webhooks', 'add', 'http://hooks.example.com/in', '--events', 'user.disabled']);
    assert.notEqual(insecure.status, 0);
    assert.match(insecure.stderr, /must use https/);
    const unknown = await server.cli(['webhooks', 'add', 'https://hooks.example.com/in', '--events', 'token.stolen']);
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /not a webhook event/);
  });
});
