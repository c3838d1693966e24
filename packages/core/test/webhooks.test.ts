/**
 * Webhooks over a MemoryStore with a clock the test moves: audit events become stored, signed deliveries for the
 * endpoints whose filter takes them; a failed attempt is retried on the Standard Webhooks schedule; tokens expiring
 * within 7 days are told once. Signatures are checked by the `standardwebhooks` package, an independent receiver.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import {
  Forbidden,
  InvalidRequest,
  OPERATOR,
  WEBHOOK_CLAIM_LEASE_SECONDS,
  type WebhookRequest,
  type WebhookResponse,
} from '../src/index.js';
import {
  openInMemoryTollgate,
  type InMemoryTollgate,
  refresh,
  signIn,
  USER,
  USER_API,
} from './support/tollgate-in-memory.js';

const DAY_SECONDS = 86_400;

describe('webhooks', () => {
  let harness: InMemoryTollgate;
  let sent: WebhookRequest[];
  let answers: WebhookResponse[];

  beforeEach(async () => {
    harness = await openInMemoryTollgate();
    sent = [];
    answers = [];
  });
  afterEach(() => harness.close());

  const admin = () => harness.tollgate.as(OPERATOR);
  const send = async (request: WebhookRequest): Promise<WebhookResponse> => {
    sent.push(request);
    return answers.shift() ?? { status: 204 };
  };
  async function deliver() {
    await harness.tollgate.webhooksSettled();
    return harness.tollgate.deliverWebhooks(send);
  }
  const createToken = (expiresInSeconds?: number) =>
    admin().tokens.create({
      name: 'ci deploy',
      owner: { kind: 'user', username: USER.username },
      apis: [USER_API],
      scopes: ['read:data'],
      ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
    });

  it('sends each selected event once, signed as Standard Webhooks says, with no secret in it', async () => {
    const { endpoint, secret } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['api_token.created', 'refresh_token.reuse_detected'],
    });
    const created = await createToken();
    await admin().tokens.revoke(created.token.id);
    const first = await signIn(harness);
    await refresh(harness, first.refreshToken);
    await assert.rejects(refresh(harness, first.refreshToken));
    assert.deepEqual(await deliver(), { delivered: 2, retrying: 0, failed: 0 });

    const bodies = sent.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> });
    assert.deepEqual(bodies.map((body) => body.type).sort(), ['api_token.created', 'refresh_token.reuse_detected']);
    const receiver = new Webhook(secret);
    for (const request of sent) {
      assert.equal(request.url, 'https://hooks.example.com/in');
      const timestamp = Number(request.headers['webhook-timestamp']);
      assert.equal(timestamp, harness.nowSeconds());
      const expected = receiver.sign(request.headers['webhook-id'] ?? '', new Date(timestamp * 1000), request.body);
      assert.equal(request.headers['webhook-signature'], expected);
      assert.ok(!request.body.includes(created.secret), 'a token secret must never be in a payload');
    }
    const reuse = bodies.find((body) => body.type === 'refresh_token.reuse_detected');
    assert.equal(reuse?.data.clientId, harness.backend.clientId);
    assert.equal(reuse?.data.username, USER.username);
    assert.equal(reuse?.data.subject, harness.userId);
    const deliveries = await admin().webhooks.deliveries(endpoint.id);
    assert.deepEqual(
      deliveries.map((d) => [d.status, d.attempts, d.lastResponseStatus]),
      [
        ['delivered', 1, 204],
        ['delivered', 1, 204],
      ],
    );
  });

  it('retries a failed attempt after the backoff, then delivers it', async () => {
    const { endpoint } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['api_token.created'],
    });
    await createToken();
    answers.push({ status: 500 });
    assert.deepEqual(await deliver(), { delivered: 0, retrying: 1, failed: 0 });
    const [pending] = await admin().webhooks.deliveries(endpoint.id);
    assert.equal(pending?.status, 'pending');
    assert.equal(pending?.lastError, 'the endpoint answered HTTP 500');
    const delay = (pending?.nextAttemptAt ?? 0) - harness.nowSeconds();
    assert.ok(delay >= 5 && delay <= 5, `first retry after 5 s (+10 % jitter, floored), not ${delay}`);
    harness.advance(4);
    assert.deepEqual(await deliver(), { delivered: 0, retrying: 0, failed: 0 });
    harness.advance(1);
    assert.deepEqual(await deliver(), { delivered: 1, retrying: 0, failed: 0 });
    assert.equal(sent.length, 2);
    assert.equal(sent[0]?.headers['webhook-id'], sent[1]?.headers['webhook-id']);
    const [done] = await admin().webhooks.deliveries(endpoint.id);
    assert.deepEqual([done?.status, done?.attempts, done?.nextAttemptAt], ['delivered', 2, null]);
    harness.advance(30 * DAY_SECONDS);
    assert.equal((await harness.tollgate.purgeExpired()).webhookDeliveries, 0, 'kept 30 days');
    harness.advance(1);
    assert.equal((await harness.tollgate.purgeExpired()).webhookDeliveries, 1);
    assert.deepEqual(await admin().webhooks.deliveries(endpoint.id), []);
  });

  it('sends a delivery claimed by a node that died once its lease has run out', async () => {
    const { endpoint } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['api_token.created'],
    });
    await createToken();
    await harness.tollgate.webhooksSettled();
    const now = harness.nowSeconds();
    // Another node claims it and dies before recording anything.
    assert.equal((await harness.store.webhooks.claimDue(now, now + WEBHOOK_CLAIM_LEASE_SECONDS, 10)).length, 1);
    assert.deepEqual(await deliver(), { delivered: 0, retrying: 0, failed: 0 });
    harness.advance(WEBHOOK_CLAIM_LEASE_SECONDS);
    assert.deepEqual(await deliver(), { delivered: 1, retrying: 0, failed: 0 });
    const [done] = await admin().webhooks.deliveries(endpoint.id);
    assert.deepEqual([done?.status, done?.attempts], ['delivered', 2]);
  });

  it('queues, from the audit log, an event whose queuing was lost, and never queues an event twice', async () => {
    const { endpoint } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['api_token.created', 'api_token.revoked'],
    });
    const queued = await harness.store.webhooks.listDeliveries(endpoint.id, 10);
    assert.deepEqual(queued, []);
    // The database refuses the queue write right after the audit write: the event is in the audit log only.
    const enqueue = harness.store.webhooks.enqueue.bind(harness.store.webhooks);
    harness.store.webhooks.enqueue = async () => {
      throw new Error('the database went away');
    };
    const created = await createToken();
    await harness.tollgate.webhooksSettled();
    harness.store.webhooks.enqueue = enqueue;
    assert.deepEqual(await harness.store.webhooks.listDeliveries(endpoint.id, 10), []);

    await admin().tokens.revoke(created.token.id);
    await harness.tollgate.webhooksSettled();
    assert.equal(await harness.tollgate.catchUpWebhooks(600), 1, 'only the lost one is queued');
    assert.equal(await harness.tollgate.catchUpWebhooks(600), 0, 'and only once');
    assert.deepEqual((await admin().webhooks.deliveries(endpoint.id)).map((delivery) => delivery.eventType).sort(), [
      'api_token.created',
      'api_token.revoked',
    ]);
    await deliver();
    assert.deepEqual(sent.map((request) => (JSON.parse(request.body) as { type: string }).type).sort(), [
      'api_token.created',
      'api_token.revoked',
    ]);
  });

  it('catches up only on events an endpoint existed for, and only within the window', async () => {
    await createToken();
    harness.advance(10);
    const { endpoint } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['api_token.created'],
    });
    assert.equal(await harness.tollgate.catchUpWebhooks(3600), 0, 'the token came before the endpoint');
    harness.advance(10);
    const enqueue = harness.store.webhooks.enqueue.bind(harness.store.webhooks);
    harness.store.webhooks.enqueue = async () => {
      throw new Error('the database went away');
    };
    await createToken();
    await harness.tollgate.webhooksSettled();
    harness.store.webhooks.enqueue = enqueue;
    harness.advance(700);
    assert.equal(await harness.tollgate.catchUpWebhooks(600), 0, 'older than the window');
    assert.equal(await harness.tollgate.catchUpWebhooks(800), 1);
    assert.equal((await admin().webhooks.deliveries(endpoint.id)).length, 1);
  });

  it('gives a delivery up after the last attempt of the schedule', async () => {
    const { endpoint } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['user.disabled'],
    });
    await admin().users.update(harness.userId, { disabled: true });
    for (let attempt = 0; attempt < 8; attempt++) {
      answers.push({ error: 'the request failed (ECONNREFUSED)' });
      await deliver();
      harness.advance(11 * 3_600);
    }
    const [failed] = await admin().webhooks.deliveries(endpoint.id);
    assert.deepEqual([failed?.status, failed?.attempts], ['failed', 8]);
    assert.equal(JSON.parse(sent[0]?.body ?? '{}').data.username, USER.username);
  });

  it('records an endpoint secret it cannot decrypt as the error of the attempt, and retries it', async () => {
    const { endpoint } = await admin().webhooks.create({
      url: 'https://hooks.example.com/in',
      events: ['user.disabled'],
    });
    const stored = await harness.store.webhooks.getEndpoint(endpoint.id);
    assert.ok(stored);
    await harness.store.webhooks.removeEndpoint(endpoint.id);
    await harness.store.webhooks.addEndpoint({
      ...stored,
      encryptedSecret: `${stored.encryptedSecret.slice(0, -4)}AAAA`,
    });
    await admin().webhooks.test(endpoint.id);
    assert.deepEqual(await deliver(), { delivered: 0, retrying: 1, failed: 0 });
    assert.deepEqual(sent, []);
    const [delivery] = await admin().webhooks.deliveries(endpoint.id);
    assert.match(delivery?.lastError ?? '', /cannot be decrypted/);
  });

  it('tells each token expiring within 7 days once per endpoint', async () => {
    await admin().webhooks.create({ url: 'https://hooks.example.com/a', events: ['api_token.expiring'] });
    await admin().webhooks.create({ url: 'https://hooks.example.com/b', events: ['api_token.created'] });
    const soon = await createToken(3 * DAY_SECONDS);
    await createToken(30 * DAY_SECONDS);
    assert.equal(await harness.tollgate.queueExpiringApiTokenWebhooks(), 1);
    assert.equal(await harness.tollgate.queueExpiringApiTokenWebhooks(), 0);
    sent = [];
    await harness.tollgate.deliverWebhooks(send);
    const expiring = sent.filter((request) => request.url.endsWith('/a'));
    assert.equal(expiring.length, 1);
    assert.equal(JSON.parse(expiring[0]?.body ?? '{}').data.tokenId, soon.token.id);
  });

  it('refuses plain http off loopback, credentials in the URL, unknown events, and non-admins', async () => {
    const refused = async (url: string, events: string[], message: RegExp) =>
      assert.rejects(admin().webhooks.create({ url, events }), (error: Error & { code?: string }) => {
        assert.ok(error instanceof InvalidRequest, String(error));
        assert.match(error.message, message);
        return true;
      });
    await refused('http://hooks.example.com/in', ['user.disabled'], /must use https/);
    await refused('https://user:pw@hooks.example.com/in', ['user.disabled'], /credentials/);
    await refused('https://hooks.example.com/in', ['token.stolen'], /is not a webhook event/);
    await refused('https://hooks.example.com/in', [], /at least one/);
    const user = { userId: harness.userId, name: USER.username, isAdmin: false, address: '192.0.2.1' };
    await assert.rejects(harness.tollgate.as(user).webhooks.list(), (error: unknown) => error instanceof Forbidden);
    assert.deepEqual(await admin().webhooks.list(), []);
  });
});
