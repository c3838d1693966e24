/**
 * The webhook sender over real HTTP, with names resolved by an injected resolver (there is no DNS here): an address
 * the policy refuses is never connected to, whether the URL names it or a name resolves to it (DNS rebinding), and
 * the attempt reports the policy's reason instead of a status; a name with an allowed address among refused ones
 * reaches the allowed one; private networks work once allowed; redirects are not followed.
 */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { webhookAddressPolicy } from '@tollgate/core';
import { guardedLookup } from '../src/webhook-connector.js';
import { type HttpWebhookSender, httpWebhookSender, type WebhookSenderOptions } from '../src/webhook-sender.js';

const PRODUCTION = webhookAddressPolicy('https://auth.example.com');
const LOCAL = webhookAddressPolicy('http://127.0.0.1:8080');
const PRIVATE_ALLOWED = webhookAddressPolicy('https://auth.example.com', true);
/** eth0's unique-local address on the test machine, when it has one: a real private-network receiver. */
const ULA = 'fd00::2';

interface Receiver {
  server: Server;
  port: number;
  connections: number;
  requests: string[];
}

async function startReceiver(host: string, answer = (_path: string) => 200, location?: string): Promise<Receiver> {
  const receiver: Receiver = { server: createServer(), port: 0, connections: 0, requests: [] };
  receiver.server.on('connection', () => {
    receiver.connections += 1;
  });
  receiver.server.on('request', (request, response) => {
    receiver.requests.push(request.url ?? '');
    request.resume();
    if (location !== undefined) response.setHeader('location', location);
    response.statusCode = answer(request.url ?? '');
    response.end();
  });
  await new Promise<void>((resolve, reject) => {
    receiver.server.once('error', reject);
    receiver.server.listen(0, host, resolve);
  });
  receiver.port = (receiver.server.address() as AddressInfo).port;
  return receiver;
}

function stop(receiver: Receiver | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (receiver === undefined) return resolve();
    receiver.server.closeAllConnections();
    receiver.server.close(() => resolve());
  });
}

/** Resolves names from a table, as a DNS server under an attacker's control would answer. */
function resolverOf(table: Record<string, string[]>): NonNullable<WebhookSenderOptions['resolve']> {
  return async (hostname) => {
    const addresses = table[hostname];
    if (addresses === undefined) throw Object.assign(new Error(`no such name ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const DELIVERY = { headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, body: '{}' };

describe('webhook sender', () => {
  let receiver: Receiver;
  const senders: HttpWebhookSender[] = [];
  const senderWith = (options: WebhookSenderOptions) => {
    const sender = httpWebhookSender({ timeoutMs: 5_000, ...options });
    senders.push(sender);
    return sender;
  };

  before(async () => {
    receiver = await startReceiver('127.0.0.1');
  });
  after(async () => {
    await Promise.all(senders.map((sender) => sender.close()));
    await stop(receiver);
  });

  it('delivers to a name resolving to loopback on a local server (the resolver really leads to the receiver)', async () => {
    const sender = senderWith({ policy: LOCAL, resolve: resolverOf({ 'hooks.local.test': ['127.0.0.1'] }) });
    const response = await sender.send({ url: `http://hooks.local.test:${receiver.port}/local`, ...DELIVERY });
    assert.deepEqual(response, { status: 200 });
    assert.ok(receiver.requests.includes('/local'));
  });

  it('a sender closed before its first delivery connects nowhere and reports what a closed undici Agent reports', async () => {
    // The Agent is made at the first delivery (webhook-sender.ts); closed first, the sender must answer as it did
    // when it was made at once and closed.
    const before = receiver.connections;
    const sender = senderWith({ policy: LOCAL });
    await sender.close();
    assert.deepEqual(await sender.send({ url: `http://127.0.0.1:${receiver.port}/closed`, ...DELIVERY }), {
      error: 'the request failed (UND_ERR_DESTROYED)',
    });
    assert.equal(receiver.connections, before);
  });

  it('never connects to a refused address a name resolves to, and says why instead of a status', async () => {
    const before = receiver.connections;
    const resolve = resolverOf({ 'hooks.rebind.test': ['127.0.0.1'], 'metadata.test': ['169.254.169.254'] });
    const sender = senderWith({ policy: PRODUCTION, resolve });
    assert.deepEqual(await sender.send({ url: `https://hooks.rebind.test:${receiver.port}/x`, ...DELIVERY }), {
      error:
        'the address 127.0.0.1 is not allowed for webhooks: it is this machine (127.0.0.0/8), allowed only on a ' +
        'server with a loopback issuer or with webhooks.allowPrivateNetworks',
    });
    const plain = await sender.send({ url: `http://hooks.rebind.test:${receiver.port}/x`, ...DELIVERY });
    assert.match(String('error' in plain && plain.error), /^the address 127\.0\.0\.1 is not allowed for webhooks/);
    assert.deepEqual(await sender.send({ url: 'https://metadata.test/latest/meta-data', ...DELIVERY }), {
      error:
        'the address 169.254.169.254 is not allowed for webhooks: it is link-local, where cloud metadata services ' +
        'answer (169.254.0.0/16)',
    });
    assert.equal(receiver.connections, before, 'the receiver saw no connection');
  });

  it('never connects to a refused IP literal, mapped or not, which Node would connect to without a lookup', async () => {
    const before = receiver.connections;
    const sender = senderWith({ policy: PRODUCTION, resolve: resolverOf({}) });
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]']) {
      const response = await sender.send({ url: `http://${host}:${receiver.port}/literal`, ...DELIVERY });
      assert.match(String('error' in response && response.error), /^the address .* is not allowed for webhooks/, host);
    }
    const metadata = await sender.send({ url: 'http://169.254.169.254/latest/meta-data', ...DELIVERY });
    assert.match(String('error' in metadata && metadata.error), /169\.254\.169\.254 is not allowed .*link-local/);
    assert.equal(receiver.connections, before, 'the receiver saw no connection');
  });

  it('connects only to the allowed addresses of a name that also resolves to refused ones', async () => {
    const resolve = resolverOf({ 'hooks.mixed.test': ['169.254.169.254', '10.0.0.1', '127.0.0.1'] });
    const sender = senderWith({ policy: LOCAL, resolve });
    const response = await sender.send({ url: `http://hooks.mixed.test:${receiver.port}/mixed`, ...DELIVERY });
    assert.deepEqual(response, { status: 200 });
  });

  it('reports a name that does not resolve like any failed request', async () => {
    const sender = senderWith({ policy: PRODUCTION, resolve: resolverOf({}) });
    assert.deepEqual(await sender.send({ url: 'https://nowhere.test/', ...DELIVERY }), {
      error: 'the request failed (ENOTFOUND)',
    });
  });

  it('does not follow a redirect, even to an allowed address', async () => {
    const target = await startReceiver('127.0.0.1');
    const redirecting = await startReceiver('127.0.0.1', () => 307, `http://127.0.0.1:${target.port}/moved`);
    try {
      const sender = senderWith({ policy: LOCAL });
      const response = await sender.send({ url: `http://127.0.0.1:${redirecting.port}/old`, ...DELIVERY });
      assert.deepEqual(response, { status: 307 });
      assert.equal(target.connections, 0);
    } finally {
      await Promise.all([stop(target), stop(redirecting)]);
    }
  });

  it('reaches a private-network receiver only once private networks are allowed', async (t) => {
    let internal: Receiver | undefined;
    try {
      internal = await startReceiver(ULA);
    } catch {
      t.skip(`no ${ULA} on this machine`);
      return;
    }
    try {
      const resolve = resolverOf({ 'hooks.internal.test': [ULA] });
      const url = `http://hooks.internal.test:${internal.port}/internal`;
      const refused = await senderWith({ policy: PRODUCTION, resolve }).send({ url, ...DELIVERY });
      assert.match(
        String('error' in refused && refused.error),
        /fd00::2 is not allowed .*private network \(fc00::\/7\)/,
      );
      assert.equal(internal.connections, 0);
      const allowed = await senderWith({ policy: PRIVATE_ALLOWED, resolve }).send({ url, ...DELIVERY });
      assert.deepEqual(allowed, { status: 200 });
      assert.deepEqual(internal.requests, ['/internal']);
    } finally {
      await stop(internal);
    }
  });
});

describe('guarded lookup', () => {
  const lookup = (policy = PRODUCTION, all = false) =>
    new Promise<unknown[]>((resolve) =>
      guardedLookup(policy, resolverOf({ 'both.test': ['10.0.0.1', '93.184.215.14', '2606:4700::1'] }))(
        'both.test',
        { all },
        (...args) => resolve(args),
      ),
    );

  it('answers one allowed address, or all of them, in the form net.connect asked for', async () => {
    assert.deepEqual(await lookup(), [null, '93.184.215.14', 4]);
    assert.deepEqual(await lookup(PRODUCTION, true), [
      null,
      [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
    ]);
    assert.deepEqual(await lookup(PRIVATE_ALLOWED), [null, '10.0.0.1', 4]);
  });
});
