/**
 * `tollgate webhooks` (docs/cli.md): add prints the secret once, list, test queues a webhook.test that the running
 * server sends, deliveries shows how it went, remove; the events a CLI command raises (a token created from the CLI)
 * are queued before the command exits and sent by the server; update moves an endpoint to a new URL and filter (what
 * it no longer selects is not sent) and disables it; plain http off loopback and refused addresses are refused, on
 * add and on update, saying why.
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

function tokenFor(name: string): string[] {
  return ['tokens', 'create', '--name', name, '--user', 'alice', '--api', USER_API, '--scope', 'read:data'];
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

    await cliJson(server, tokenFor('from the cli'));
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

  it('updates the URL and the events, sends only what the new filter selects, and disables the endpoint', async () => {
    const added = (await cliJson(server, [
      'webhooks',
      'add',
      `${receiver.url}/before-update`,
      '--events',
      'api_token.created',
    ])) as EndpointJson;
    const { secret, ...endpoint } = added;
    const url = `${receiver.url}/after-update`;
    const update = ['webhooks', 'update', added.id, '--url', url, '--events', 'api_token.revoked,user.disabled'];
    const updated = (await cliJson(server, update)) as EndpointJson;
    assert.deepEqual(updated, { ...endpoint, url, events: ['api_token.revoked', 'user.disabled'] });

    // api_token.created is no longer selected; the revocation after it is, so once that has arrived the creation
    // would have too, had it been queued (one delivery row per selected event, written before the command exits).
    const token = (await cliJson(server, tokenFor('after the update'))) as { token: { id: string } };
    await cliJson(server, ['tokens', 'revoke', token.token.id]);
    await waitUntil('the revocation', async () => receiver.at('/after-update')[0], {
      timeoutMs: 20_000,
      intervalMs: 50,
    });
    const deliveries = (await cliJson(server, ['webhooks', 'deliveries', added.id])) as { event_type: string }[];
    assert.deepEqual(
      deliveries.map((delivery) => delivery.event_type),
      ['api_token.revoked'],
    );
    assert.deepEqual(
      receiver.at('/after-update').map((delivery) => verifyWebhook(String(secret), delivery).type),
      ['api_token.revoked'],
    );
    assert.deepEqual(receiver.at('/before-update'), []);

    const disabled = (await cliJson(server, ['webhooks', 'update', added.id, '--disable'])) as EndpointJson;
    assert.equal(disabled.enabled, false);
    const listed = (await cliJson(server, ['webhooks', 'list'])) as EndpointJson[];
    assert.equal(listed.find((endpoint) => endpoint.id === added.id)?.enabled, false);
    const enabled = (await cliJson(server, ['webhooks', 'update', added.id, '--enable'])) as EndpointJson;
    assert.deepEqual(enabled, updated);
    await cliJson(server, ['webhooks', 'remove', added.id]);
  });

  it('refuses an update that changes nothing, contradicts itself, names no endpoint or a refused URL', async () => {
    const added = (await cliJson(server, [
      'webhooks',
      'add',
      `${receiver.url}/refused`,
      '--events',
      'user.disabled',
    ])) as EndpointJson;
    const refusals: [string[], number, RegExp][] = [
      [[added.id], 2, /give what to change: --url <url>, --events/],
      [[added.id, '--enable', '--disable'], 2, /give --enable or --disable, not both/],
      [[added.id, '--url', 'http://hooks.example.com/in'], 2, /must use https/],
      [[added.id, '--url', 'https://169.254.169.254/in'], 2, /169\.254\.169\.254 is not allowed for webhooks/],
      [[added.id, '--events', 'token.stolen'], 2, /"token\.stolen" is not a webhook event/],
      [['whe_missing', '--disable'], 1, /No webhook endpoint has this id/],
    ];
    for (const [args, exitCode, message] of refusals) {
      const result = await server.cli(['webhooks', 'update', ...args]);
      assert.equal(result.status, exitCode, `webhooks update ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const { secret: _secret, ...endpoint } = added;
    const listed = (await cliJson(server, ['webhooks', 'list'])) as EndpointJson[];
    assert.deepEqual(
      listed.find((item) => item.id === added.id),
      endpoint,
    );
    await cliJson(server, ['webhooks', 'remove', added.id]);
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
