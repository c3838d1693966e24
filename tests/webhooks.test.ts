/**
 * Webhooks end to end (docs/webhooks.md): a receiver on 127.0.0.1 gets a Standard Webhooks delivery, signed and
 * timestamped, for each event (token created, regenerated, revoked, expiring; a user disabled; a refresh token
 * replayed; an account locked out), each checked by the `standardwebhooks` package as an independent receiver. An
 * endpoint's filter keeps out what it did not select; a failed attempt is retried after the backoff (the server runs
 * on a test clock the test moves); a delivery pending when the server is killed is delivered after the restart;
 * only admins manage endpoints, and plain http off loopback is refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, assertAdminError, signIn } from './support/admin-api.js';
import { asObject, postJson } from './support/http.js';
import { type StandardSeed, USER_API, seedStandard } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { passwordToken, refreshRequest } from './support/tokens.js';
import { waitUntil } from './support/wait.js';
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  verifyWebhook,
  type WebhookReceiver,
} from './support/webhook-receiver.js';

const ALL_EVENTS = [
  'api_token.created',
  'api_token.regenerated',
  'api_token.revoked',
  'api_token.expiring',
  'refresh_token.reuse_detected',
  'user.disabled',
  'brute_force.lockout',
];
const ROOT = { username: 'root', password: 'root has a long password' };
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };
const DAY_SECONDS = 86_400;

interface Endpoint {
  id: string;
  secret: string;
  path: string;
}

interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastResponseStatus: number | null;
}

describe('webhooks', () => {
  let clockDir: string;
  let clockFile: string;
  let offsetMs = 0;
  let server: TollgateProcess;
  let seed: StandardSeed;
  let receiver: WebhookReceiver;
  let root: AdminClient;

  before(async () => {
    clockDir = await mkdtemp(join(tmpdir(), 'tollgate-webhooks-clock-'));
    clockFile = join(clockDir, 'offset-ms');
    receiver = await startWebhookReceiver();
    server = await startTollgate({
      env: { TOLLGATE_TEST_CLOCK_FILE: clockFile },
      config: {
        bruteForce: {
          windowSeconds: 600,
          account: { slowAfter: 2, blockAfter: 3 },
          address: { slowAfter: 500, blockAfter: 1000 },
          delayStepMs: 0,
          maxDelayMs: 0,
        },
      },
    });
    seed = await seedStandard(server);
    await addDashboardUser(server, ROOT.username, ROOT.password, { admin: true, scopes: ['read:data'] });
    root = await signIn(server.url, ROOT.username, ROOT.password);
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
    await rm(clockDir, { recursive: true, force: true });
  });

  async function moveClock(seconds: number): Promise<void> {
    offsetMs += seconds * 1000;
    await writeFile(clockFile, String(offsetMs));
  }

  async function addEndpoint(path: string, events: string[]): Promise<Endpoint> {
    const result = await root.post('/webhooks', { url: `${receiver.url}${path}`, events });
    assert.equal(result.status, 201, result.text);
    const body = asObject(result.json);
    const endpoint = asObject(body.endpoint);
    assert.match(String(body.secret), /^whsec_[A-Za-z0-9+/]{32}$/);
    return { id: String(endpoint.id), secret: String(body.secret), path };
  }

  async function deliveriesOf(endpoint: Endpoint): Promise<Delivery[]> {
    const result = await root.get(`/webhooks/${endpoint.id}/deliveries`);
    assert.equal(result.status, 200, result.text);
    return asObject(result.json).deliveries as Delivery[];
  }

  /** The verified events that reached the endpoint, once `count` of them have. */
  async function eventsAt(endpoint: Endpoint, count: number) {
    const { value } = await waitUntil(
      `${count} webhooks at ${endpoint.path}`,
      async () => (receiver.at(endpoint.path).length >= count ? receiver.at(endpoint.path) : undefined),
      WAIT,
    );
    return value.map((delivery: ReceivedWebhook) => verifyWebhook(endpoint.secret, delivery));
  }

  async function createToken(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const result = await root.post('/tokens', { name, apis: [USER_API], scopes: ['read:data'], ...extra });
    assert.equal(result.status, 201, result.text);
    return String(asObject(asObject(result.json).token).id);
  }

  it('delivers each event signed to the endpoints that selected it, and keeps the others out', async () => {
    const all = await addEndpoint('/all', ALL_EVENTS);
    const onlyUsers = await addEndpoint('/users', ['user.disabled']);

    const tokenId = await createToken('ci deploy');
    assert.equal((await root.post(`/tokens/${tokenId}/regenerate`, {})).status, 200);
    assert.equal((await root.delete(`/tokens/${tokenId}`)).status, 204);
    const expiringId = await createToken('short lived', { expiresInSeconds: 3 * DAY_SECONDS });

    const carol = await addDashboardUser(server, 'carol', 'carol has a long password');
    assert.equal((await root.patch(`/users/${carol.id}`, { disabled: true })).status, 200);

    const first = await passwordToken(server.url, seed.backend, seed.user);
    assert.equal((await refreshRequest(server.url, first.refresh_token ?? '', seed.backend)).status, 200);
    assert.equal((await refreshRequest(server.url, first.refresh_token ?? '', seed.backend)).status, 400);

    for (let attempt = 0; attempt < 5; attempt++) {
      await postJson(`${server.url}/token`, { username: 'dave', password: 'not the password at all' });
    }

    // Both tokens' creations, and each other event once.
    const events = await eventsAt(all, ALL_EVENTS.length + 1);
    assert.deepEqual(events.map((event) => event.type).sort(), [...ALL_EVENTS, 'api_token.created'].sort());
    const byType = new Map(events.map((event) => [event.type, event]));
    const created = events.filter((event) => event.type === 'api_token.created').map((event) => event.data);
    assert.deepEqual(
      created.map((data) => [data.tokenId, data.name]).sort(),
      [
        [expiringId, 'short lived'],
        [tokenId, 'ci deploy'],
      ].sort(),
    );
    assert.equal(byType.get('api_token.regenerated')?.data.tokenId, tokenId);
    assert.equal(byType.get('api_token.revoked')?.data.tokenId, tokenId);
    assert.equal(byType.get('api_token.expiring')?.data.tokenId, expiringId);
    assert.equal(byType.get('user.disabled')?.data.username, 'carol');
    const reuse = byType.get('refresh_token.reuse_detected')?.data;
    assert.deepEqual([reuse?.clientId, reuse?.username], [seed.backend.clientId, seed.user.username]);
    assert.equal(byType.get('brute_force.lockout')?.data.subject, 'user:dave');
    for (const delivery of receiver.at(all.path)) {
      assert.equal(delivery.headers['content-type'], 'application/json');
      assert.doesNotMatch(delivery.body, /tg_|whsec_/, 'no token or webhook secret in a payload');
    }

    const [disabled, ...more] = await eventsAt(onlyUsers, 1);
    assert.equal(disabled?.type, 'user.disabled');
    assert.deepEqual(more, []);
    assert.deepEqual(
      (await deliveriesOf(onlyUsers)).map((delivery) => delivery.eventType),
      ['user.disabled'],
      'the filter keeps every other event from being queued for it',
    );
  });

  it('retries a delivery the receiver failed after the backoff, and it ends delivered after 2 attempts', async () => {
    const endpoint = await addEndpoint('/flaky', ['user.disabled']);
    receiver.answerNext(endpoint.path, 500);
    const fired = await root.post(`/webhooks/${endpoint.id}/test`, {});
    assert.equal(fired.status, 202, fired.text);
    await waitUntil(
      'the first attempt failed and a retry is scheduled',
      async () => {
        const [delivery] = await deliveriesOf(endpoint);
        return delivery?.attempts === 1 && delivery.lastResponseStatus === 500 ? delivery : undefined;
      },
      WAIT,
    );
    assert.equal(delivery(await deliveriesOf(endpoint)).status, 'pending');
    await moveClock(6);
    await waitUntil(
      'the retry delivered it',
      async () => {
        const [delivery] = await deliveriesOf(endpoint);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      WAIT,
    );
    const [done] = await deliveriesOf(endpoint);
    assert.deepEqual([done?.status, done?.attempts, done?.lastResponseStatus], ['delivered', 2, 200]);
    const [failedTry, retry] = await eventsAt(endpoint, 2);
    assert.equal(failedTry?.type, 'webhook.test');
    assert.equal(retry?.id, failedTry?.id, 'the same webhook-id on every attempt');
  });

  it('delivers after a restart what was pending when the server was killed', async () => {
    const endpoint = await addEndpoint('/killed', ['api_token.created']);
    receiver.answerNext(endpoint.path, 503);
    await createToken('before the crash');
    await waitUntil(
      'the first attempt failed and was recorded',
      async () => {
        // Not just claimed (attempts 1, leased for a minute): the 503 is recorded and a retry due in 5 s.
        const [delivery] = await deliveriesOf(endpoint);
        return delivery?.lastResponseStatus === 503 && delivery.status === 'pending' ? delivery : undefined;
      },
      WAIT,
    );
    await server.kill9();
    await moveClock(6);
    await server.restart();
    await waitUntil(
      'delivered after the restart',
      async () => {
        const [delivery] = await deliveriesOf(endpoint);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      WAIT,
    );
    const events = await eventsAt(endpoint, 2);
    assert.deepEqual(
      events.map((event) => [event.type, event.data.name]),
      [
        ['api_token.created', 'before the crash'],
        ['api_token.created', 'before the crash'],
      ],
    );
  });

  it('refuses plain http off loopback with a clear 400, and anyone but an admin with 403', async () => {
    const refused = await root.post('/webhooks', { url: 'http://hooks.example.com/in', events: ['user.disabled'] });
    assert.match(assertAdminError(refused, 400, 'invalid_request'), /must use https/);
    const unknown = await root.post('/webhooks', { url: 'https://hooks.example.com/in', events: ['token.stolen'] });
    assert.match(assertAdminError(unknown, 400, 'invalid_request'), /not a webhook event/);
    await addDashboardUser(server, 'erin', 'erin has a long password');
    const erin = await signIn(server.url, 'erin', 'erin has a long password');
    assertAdminError(await erin.get('/webhooks'), 403, 'forbidden');
    const url = 'https://hooks.example.com/in';
    assertAdminError(await erin.post('/webhooks', { url, events: ['user.disabled'] }), 403, 'forbidden');
  });
});

function delivery(list: Delivery[]): Delivery {
  const [first] = list;
  assert.ok(first, 'a delivery');
  return first;
}
