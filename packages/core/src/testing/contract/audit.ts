import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEventRecord, AuditFilter, Store } from '../../storage/index.js';
import { auditEvent, T0, useFreshStore } from './records.js';

/** Six events, one second apart, oldest first. */
const EVENTS = [
  auditEvent('session.sign_in', { at: T0 + 1 }),
  auditEvent('session.sign_in', { at: T0 + 2, actorId: null, actorName: 'mallory', outcome: 'failure' }),
  auditEvent('api_token.create', { at: T0 + 3, target: 'tok_1', detail: { apis: ['https://a.example.com'] } }),
  auditEvent('user.disable', { at: T0 + 4, actorId: null, actorName: 'cli', address: null, target: 'bob' }),
  auditEvent('api_token.revoke', { at: T0 + 5, target: 'tok_1' }),
  auditEvent('session.sign_out', { at: T0 + 6 }),
];

export function auditContract(open: () => Promise<Store>): void {
  describe('audit log', () => {
    const store = useFreshStore(open);

    async function addAll(): Promise<AuditEventRecord[]> {
      const added: number[] = [];
      for (const event of EVENTS) added.push(await store().audit.add(event));
      const listed = await store().audit.list({ limit: 100 });
      assert.deepEqual(
        added,
        listed.map((event) => event.id).reverse(),
        'add returns the id each event is listed with',
      );
      return listed;
    }

    async function actions(filter: AuditFilter): Promise<string[]> {
      return (await store().audit.list(filter)).map((event) => `${event.action}@${event.at - T0}`);
    }

    it('returns events newest first, unchanged, with increasing ids', async () => {
      const listed = await addAll();
      assert.deepEqual(
        listed.map(({ id: _id, ...event }) => event),
        [...EVENTS].reverse(),
      );
      const ids = listed.map((event) => event.id).reverse();
      for (let i = 1; i < ids.length; i++) assert.ok((ids[i] ?? 0) > (ids[i - 1] ?? 0), `ids must grow: ${ids}`);
    });

    it('filters by action, actor name, target and outcome', async () => {
      await addAll();
      assert.deepEqual(await actions({ action: 'session.sign_in', limit: 10 }), [
        'session.sign_in@2',
        'session.sign_in@1',
      ]);
      assert.deepEqual(await actions({ actorName: 'cli', limit: 10 }), ['user.disable@4']);
      assert.deepEqual(await actions({ target: 'tok_1', limit: 10 }), ['api_token.revoke@5', 'api_token.create@3']);
      assert.deepEqual(await actions({ outcome: 'failure', limit: 10 }), ['session.sign_in@2']);
      assert.deepEqual(await actions({ action: 'session.sign_in', outcome: 'success', limit: 10 }), [
        'session.sign_in@1',
      ]);
      assert.deepEqual(await actions({ actorName: 'nobody', limit: 10 }), []);
    });

    it('filters by an inclusive time range', async () => {
      await addAll();
      assert.deepEqual(await actions({ since: T0 + 3, until: T0 + 5, limit: 10 }), [
        'api_token.revoke@5',
        'user.disable@4',
        'api_token.create@3',
      ]);
      assert.deepEqual(await actions({ since: T0 + 6, limit: 10 }), ['session.sign_out@6']);
      assert.deepEqual(await actions({ until: T0 + 1, limit: 10 }), ['session.sign_in@1']);
    });

    it('pages with a limit and a before-id cursor without gaps or repeats', async () => {
      const all = await addAll();
      const first = await store().audit.list({ limit: 4 });
      assert.deepEqual(first, all.slice(0, 4));
      const second = await store().audit.list({ limit: 4, before: first[3]?.id ?? 0 });
      assert.deepEqual(second, all.slice(4));
      assert.deepEqual(await store().audit.list({ limit: 4, before: all[5]?.id ?? 0 }), []);
    });

    it('pages within a filter', async () => {
      const all = await addAll();
      const revoke = all.find((event) => event.action === 'api_token.revoke');
      assert.deepEqual(await actions({ target: 'tok_1', before: revoke?.id ?? 0, limit: 10 }), ['api_token.create@3']);
    });
  });
}
