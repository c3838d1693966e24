/**
 * Two servers on one PostgreSQL database deliver each webhook event exactly once: both run the delivery worker, and
 * the claim (a compare-and-set with a lease) gives each delivery to one of them. The receiver answers slowly, so the
 * nodes' rounds overlap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, addDashboardUser, signIn } from './support/admin-api.js';
import { asObject } from './support/http.js';
import { TEST_STORE } from './support/store-under-test.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';
import { waitUntil } from './support/wait.js';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

const EVENTS = 60;
const ROOT = { username: 'root', password: 'root has a long password' };

describe('webhooks from two servers on one PostgreSQL', {
  skip: TEST_STORE !== 'postgres' && 'PostgreSQL only',
}, () => {
  let first: TollgateProcess;
  let second: TollgateProcess;
  let receiver: WebhookReceiver;
  let root: AdminClient;

  before(async () => {
    receiver = await startWebhookReceiver({ delayMs: 100 });
    first = await startTollgate();
    assert.ok(first.databaseUrl && first.encryptionKey);
    second = await startTollgate({ env: { DATABASE_URL: first.databaseUrl }, encryptionKey: first.encryptionKey });
    await addDashboardUser(first, ROOT.username, ROOT.password, { admin: true });
    root = await signIn(first.url, ROOT.username, ROOT.password);
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
    await receiver?.close();
  });

  it('sends each delivery once, though both nodes deliver', async () => {
    const created = await root.post('/webhooks', { url: `${receiver.url}/both`, events: ['user.disabled'] });
    assert.equal(created.status, 201, created.text);
    const { endpoint, secret } = asObject(created.json) as { endpoint: { id: string }; secret: string };
    const queued = new Set<string>();
    for (let index = 0; index < EVENTS; index++) {
      const fired = await root.post(`/webhooks/${endpoint.id}/test`, {});
      assert.equal(fired.status, 202, fired.text);
      queued.add(String(asObject(fired.json).id));
    }
    await waitUntil(
      'every delivery delivered',
      async () => {
        const listed = asObject((await root.get(`/webhooks/${endpoint.id}/deliveries?limit=500`)).json);
        const deliveries = listed.deliveries as { status: string }[];
        return deliveries.length === EVENTS && deliveries.every((d) => d.status === 'delivered') ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const ids = receiver.at('/both').map((delivery) => verifyWebhook(secret, delivery).id);
    assert.equal(ids.length, EVENTS, 'no delivery sent twice');
    assert.deepEqual(new Set(ids), queued);
  });
});
