/**
 * Server-side request forgery: a webhook may not point at the server's own network. An IP literal in a refused range
 * is refused when the URL is saved (create and update) with the rule it broke; private networks only when the
 * operator allows them; loopback only on a local server (a loopback issuer) or with that switch.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { InvalidRequest, OPERATOR, refusedWebhookAddress, webhookAddressPolicy } from '../src/index.js';
import { type InMemoryTollgate, openInMemoryTollgate } from './support/tollgate-in-memory.js';

const STRICT = webhookAddressPolicy('https://auth.example.com');
const PRIVATE_ALLOWED = webhookAddressPolicy('https://auth.example.com', true);
const LOCAL = webhookAddressPolicy('http://127.0.0.1:8080');

const ALWAYS_REFUSED = [
  ['169.254.169.254', /link-local, where cloud metadata services answer \(169\.254\.0\.0\/16\)/],
  ['::ffff:169.254.169.254', /link-local/],
  ['::ffff:a9fe:a9fe', /link-local/],
  ['fe80::1', /link-local.* \(fe80::\/10\)/],
  ['0.0.0.0', /unspecified/],
  ['::', /unspecified/],
  ['224.0.0.251', /multicast/],
  ['ff02::1', /multicast/],
  ['255.255.255.255', /broadcast/],
  ['240.0.0.1', /reserved for special use \(240\.0\.0\.0\/4\)/],
  ['192.0.2.10', /reserved/],
  ['2001:db8::1', /reserved/],
] as const;
const PRIVATE = ['10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', 'fd00::2', '::ffff:10.1.2.3'];
const LOOPBACK = ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'];
const PUBLIC = ['93.184.215.14', '2606:4700::1', '::ffff:8.8.8.8'];

describe('webhook address policy', () => {
  it('always refuses link-local, unspecified, multicast, broadcast and reserved addresses, naming the rule', () => {
    for (const policy of [STRICT, PRIVATE_ALLOWED, LOCAL]) {
      for (const [address, rule] of ALWAYS_REFUSED) {
        const reason = refusedWebhookAddress(address, policy);
        assert.ok(reason?.startsWith(`the address ${address} is not allowed for webhooks: it is `), String(reason));
        assert.match(String(reason), rule);
      }
    }
  });

  it('refuses the cloud metadata services that sit in private ranges even where private networks are allowed', () => {
    for (const address of ['fd00:ec2::254', '100.100.100.200', '::ffff:100.100.100.200', '::ffff:6464:64c8']) {
      assert.equal(
        refusedWebhookAddress(address, PRIVATE_ALLOWED),
        `the address ${address} is not allowed for webhooks: it is a cloud metadata service`,
      );
    }
    assert.equal(refusedWebhookAddress('fd00:ec2::253', PRIVATE_ALLOWED), undefined);
  });

  it('refuses private networks unless the operator allows them', () => {
    for (const address of PRIVATE) {
      assert.match(String(refusedWebhookAddress(address, STRICT)), /private network .*webhooks\.allowPrivateNetworks/);
      assert.match(String(refusedWebhookAddress(address, LOCAL)), /private network/);
      assert.equal(refusedWebhookAddress(address, PRIVATE_ALLOWED), undefined, address);
    }
  });

  it('allows loopback on a server with a loopback issuer or with private networks allowed, not otherwise', () => {
    assert.deepEqual(webhookAddressPolicy('http://localhost:8080'), {
      allowPrivateNetworks: false,
      allowLoopback: true,
    });
    assert.deepEqual(webhookAddressPolicy('http://[::1]:8080'), { allowPrivateNetworks: false, allowLoopback: true });
    for (const address of LOOPBACK) {
      assert.match(String(refusedWebhookAddress(address, STRICT)), /this machine \((127\.0\.0\.0\/8|::1\/128)\)/);
      assert.equal(refusedWebhookAddress(address, LOCAL), undefined, address);
      assert.equal(refusedWebhookAddress(address, PRIVATE_ALLOWED), undefined, address);
    }
  });

  it('allows public addresses and leaves names to the connection', () => {
    for (const address of [...PUBLIC, 'hooks.example.com', 'localhost']) {
      assert.equal(refusedWebhookAddress(address, STRICT), undefined, address);
    }
  });
});

describe('saving a webhook URL', () => {
  let harness: InMemoryTollgate | undefined;
  afterEach(() => harness?.close());

  async function refusal(url: string, allowPrivateNetworks?: boolean): Promise<string | undefined> {
    harness = await openInMemoryTollgate(
      allowPrivateNetworks === undefined ? {} : { webhooks: { allowPrivateNetworks } },
    );
    const admin = harness.tollgate.as(OPERATOR);
    try {
      await admin.webhooks.create({ url, events: ['user.disabled'] });
    } catch (error) {
      assert.ok(error instanceof InvalidRequest, String(error));
      return error.message;
    }
    return undefined;
  }

  it('refuses an IP literal in a refused range, in any spelling the URL parser accepts', async () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['http://169.254.169.254/latest/meta-data', 'url: the address 169.254.169.254 is not allowed for webhooks'],
      ['https://169.254.169.254/', 'url: the address 169.254.169.254 is not allowed for webhooks'],
      ['https://0xa9fea9fe/', 'url: the address 169.254.169.254 is not allowed for webhooks'],
      ['https://[::ffff:169.254.169.254]/', 'url: the address ::ffff:a9fe:a9fe is not allowed for webhooks'],
      ['https://10.0.0.1/', 'url: the address 10.0.0.1 is not allowed for webhooks'],
      ['https://012.0.0.1/', 'url: the address 10.0.0.1 is not allowed for webhooks'],
      ['https://[fd00::2]:8443/', 'url: the address fd00::2 is not allowed for webhooks'],
      ['https://0.0.0.0/', 'url: the address 0.0.0.0 is not allowed for webhooks'],
      ['https://2130706433/', 'url: the address 127.0.0.1 is not allowed for webhooks'],
      ['http://[::1]:9000/', 'url: the address ::1 is not allowed for webhooks'],
    ];
    for (const [url, start] of cases) {
      const message = await refusal(url);
      assert.ok(message?.startsWith(start), `${url}: ${message}`);
      await harness?.close();
    }
  });

  it('accepts a private-network literal, and loopback, once the operator allows private networks', async () => {
    assert.equal(await refusal('https://10.0.0.1/hooks', true), undefined);
    assert.equal(await refusal('http://127.0.0.1:9000/hooks', true), undefined);
    assert.match(String(await refusal('https://169.254.169.254/', true)), /link-local/);
  });

  it('checks a changed URL the same way', async () => {
    harness = await openInMemoryTollgate();
    const admin = harness.tollgate.as(OPERATOR);
    const { endpoint } = await admin.webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['user.disabled'],
    });
    await assert.rejects(
      admin.webhooks.update(endpoint.id, { url: 'https://[fe80::1]/' }),
      (error: unknown) => error instanceof InvalidRequest && /fe80::1 is not allowed .*link-local/.test(error.message),
    );
    assert.equal((await admin.webhooks.list())[0]?.url, 'https://hooks.example.com/in');
  });
});
