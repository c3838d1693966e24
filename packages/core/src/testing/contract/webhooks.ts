import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store, WebhookDeliveryRecord, WebhookEndpointRecord } from '../../storage/index.js';
import { T0, useFreshStore } from './records.js';

function endpoint(id: string, overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord {
  return {
    id,
    url: `https://hooks.example.com/${id}`,
    events: ['api_token.created', 'user.disabled'],
    encryptedSecret: `v1.sealed-${id}`,
    enabled: true,
    createdAt: T0,
    ...overrides,
  };
}

function delivery(id: string, overrides: Partial<WebhookDeliveryRecord> = {}): WebhookDeliveryRecord {
  return {
    id,
    endpointId: 'whe_1',
    eventType: 'api_token.created',
    payload: `{"type":"api_token.created","id":"${id}"}`,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: T0,
    lastResponseStatus: null,
    lastError: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function webhookContract(open: () => Promise<Store>): void {
  describe('webhooks', () => {
    const store = useFreshStore(open);
    const webhooks = () => store().webhooks;

    it('keeps endpoints as given, oldest first, and changes only the fields named', async () => {
      await webhooks().addEndpoint(endpoint('whe_2', { createdAt: T0 + 1, enabled: false }));
      await webhooks().addEndpoint(endpoint('whe_1'));
      assert.deepEqual(
        (await webhooks().listEndpoints()).map((e) => e.id),
        ['whe_1', 'whe_2'],
      );
      assert.deepEqual(await webhooks().getEndpoint('whe_2'), endpoint('whe_2', { createdAt: T0 + 1, enabled: false }));
      const updated = await webhooks().updateEndpoint('whe_1', { events: ['user.disabled'], enabled: false });
      assert.deepEqual(updated, endpoint('whe_1', { events: ['user.disabled'], enabled: false }));
      assert.equal(await webhooks().updateEndpoint('whe_9', { enabled: true }), undefined);
      assert.equal(await webhooks().getEndpoint('whe_9'), undefined);
    });

    it('skips a delivery whose id is already queued and removes deliveries with their endpoint', async () => {
      await webhooks().addEndpoint(endpoint('whe_1'));
      assert.equal(await webhooks().enqueue([delivery('msg_a'), delivery('msg_b', { createdAt: T0 + 1 })]), 2);
      assert.equal(await webhooks().enqueue([delivery('msg_a', { eventType: 'other' }), delivery('msg_c')]), 1);
      assert.equal((await webhooks().getDelivery('msg_a'))?.eventType, 'api_token.created');
      assert.deepEqual(
        (await webhooks().listDeliveries('whe_1', 2)).map((d) => d.id),
        ['msg_b', 'msg_c'],
      );
      assert.equal(await webhooks().removeEndpoint('whe_1'), true);
      assert.equal(await webhooks().removeEndpoint('whe_1'), false);
      assert.deepEqual(await webhooks().listDeliveries('whe_1', 10), []);
      assert.equal(await webhooks().getDelivery('msg_a'), undefined);
    });

    it('claims each due delivery once, counting the attempt and holding it until the lease ends', async () => {
      await webhooks().enqueue([
        delivery('msg_later', { nextAttemptAt: T0 + 100 }),
        delivery('msg_due', { nextAttemptAt: T0 - 5 }),
        delivery('msg_done', { status: 'delivered' }),
      ]);
      const claims = await Promise.all([1, 2, 3].map(() => webhooks().claimDue(T0, T0 + 60, 10)));
      const claimed = claims.flat();
      assert.deepEqual(
        claimed.map((d) => [d.id, d.attempts, d.nextAttemptAt]),
        [['msg_due', 1, T0 + 60]],
      );
      assert.deepEqual(await webhooks().claimDue(T0 + 59, T0 + 120, 10), []);
      const again = await webhooks().claimDue(T0 + 60, T0 + 120, 10);
      assert.deepEqual(
        again.map((d) => [d.id, d.attempts]),
        [['msg_due', 2]],
      );
    });

    it('records the end of an attempt only for the claim that is current', async () => {
      await webhooks().enqueue([delivery('msg_a')]);
      await webhooks().claimDue(T0, T0 + 60, 10);
      const retry = {
        status: 'pending' as const,
        nextAttemptAt: T0 + 5,
        lastResponseStatus: 500,
        lastError: 'HTTP 500',
        updatedAt: T0 + 1,
      };
      assert.equal(await webhooks().finishAttempt('msg_a', 2, retry), false);
      assert.equal(await webhooks().finishAttempt('msg_a', 1, retry), true);
      assert.deepEqual(await webhooks().getDelivery('msg_a'), delivery('msg_a', { ...retry, attempts: 1 }));
      await webhooks().claimDue(T0 + 5, T0 + 65, 10);
      const done = {
        status: 'delivered' as const,
        nextAttemptAt: T0 + 6,
        lastResponseStatus: 204,
        lastError: null,
        updatedAt: T0 + 6,
      };
      assert.equal(await webhooks().finishAttempt('msg_a', 2, done), true);
      assert.equal(await webhooks().finishAttempt('msg_a', 2, done), false);
      assert.deepEqual(await webhooks().getDelivery('msg_a'), delivery('msg_a', { ...done, attempts: 2 }));
      assert.equal(await webhooks().finishAttempt('msg_none', 1, done), false);
    });

    it('removes finished deliveries last changed before the cutoff, never a pending one', async () => {
      await webhooks().enqueue([
        delivery('msg_old_done', { status: 'delivered', updatedAt: T0 - 10 }),
        delivery('msg_old_failed', { status: 'failed', updatedAt: T0 - 1 }),
        delivery('msg_old_pending', { updatedAt: T0 - 10 }),
        delivery('msg_new_done', { status: 'delivered', updatedAt: T0 }),
      ]);
      assert.equal(await webhooks().removeFinishedBefore(T0), 2);
      assert.deepEqual((await webhooks().listDeliveries('whe_1', 10)).map((d) => d.id).sort(), [
        'msg_new_done',
        'msg_old_pending',
      ]);
    });
  });
}
