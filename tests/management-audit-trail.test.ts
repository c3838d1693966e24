/**
 * Every management operation that changes something leaves exactly one audit event: a success when an admin does it,
 * a failure when a non-admin tries. Reads leave none. The plans below name every method of `ActorOperations` and
 * `SessionOperations` (the compiler refuses a plan that misses one, and the run refuses a method the operations
 * have beyond the plan), so a new operation cannot arrive unaudited, or audited twice, without this test failing.
 */
import assert from 'node:assert/strict';
import { before, after, describe, it } from 'node:test';
import type { Actor, ActorOperations, AuditEventRecord, SessionOperations } from '@tollgate/core';
import {
  ADDRESS,
  type ManagementHarness,
  ORDERS_API,
  PASSWORD,
  openManagementHarness,
  rejectsWithCode,
} from './support/management.js';

type Group = Exclude<keyof ActorOperations, 'actor'>;

interface Step<Operations> {
  /** The audit action a call writes; null for a read, which writes none. */
  audits: string | null;
  /** Sets up what the call acts on, as an admin; its own audit events are not counted. */
  arrange?: (admin: ActorOperations) => Promise<string>;
  act: (operations: Operations, target: string) => Promise<unknown>;
  /** The error code a non-admin gets for a change: `forbidden`, unless the target is hidden from them. */
  refusal?: string;
}

type ActorPlan = { [G in Group]: { [M in keyof ActorOperations[G]]-?: Step<ActorOperations> } };
type SessionPlan = { [M in keyof SessionOperations]-?: Step<SessionOperations> };

let serial = 0;
const unique = (prefix: string): string => `${prefix}-${++serial}`;

const ownToken = async (admin: ActorOperations): Promise<string> =>
  (await admin.tokens.create({ name: unique('token'), apis: [ORDERS_API], scopes: ['orders:read'] })).token.id;
const newUser = async (admin: ActorOperations): Promise<string> =>
  (await admin.users.create({ username: unique('user'), password: PASSWORD, scopes: [] })).id;
const newClient = async (admin: ActorOperations): Promise<string> =>
  (await admin.clients.create({ name: unique('client'), scopes: ['orders:read'] })).client.id;
const newApi = async (admin: ActorOperations): Promise<string> =>
  (await admin.apis.create({ identifier: `https://${unique('api')}.example.test`, scopes: ['x:read'] })).identifier;
/** A key that is published but not signing yet: retiring it makes no other change but its own. */
const upcomingKey = async (admin: ActorOperations): Promise<string> => (await admin.keys.rotate()).kid;

const newWebhook = async (admin: ActorOperations): Promise<string> =>
  (await admin.webhooks.create({ url: `https://${unique('hooks')}.example.test/in`, events: ['user.disabled'] }))
    .endpoint.id;

const READ = null;

const ACTOR_PLAN: ActorPlan = {
  tokens: {
    create: {
      audits: 'api_token.create',
      arrange: newClient,
      act: (ops, clientId) =>
        ops.tokens.create({
          name: unique('service'),
          apis: [ORDERS_API],
          scopes: ['orders:read'],
          owner: { kind: 'client', clientId },
        }),
    },
    list: { audits: READ, act: (ops) => ops.tokens.list({ all: true }) },
    get: { audits: READ, arrange: ownToken, act: (ops, id) => ops.tokens.get(id) },
    regenerate: {
      audits: 'api_token.regenerate',
      arrange: ownToken,
      act: (ops, id) => ops.tokens.regenerate(id, { graceSeconds: 3600 }),
      refusal: 'ERR_NOT_FOUND',
    },
    update: {
      audits: 'api_token.update',
      arrange: ownToken,
      act: (ops, id) => ops.tokens.update(id, { metadata: { plan: 'pro' }, externalId: 'cus_123' }),
      refusal: 'ERR_NOT_FOUND',
    },
    revoke: {
      audits: 'api_token.revoke',
      arrange: ownToken,
      act: (ops, id) => ops.tokens.revoke(id),
      refusal: 'ERR_NOT_FOUND',
    },
    usage: { audits: READ, arrange: ownToken, act: (ops, id) => ops.tokens.usage(id, 7) },
  },
  apis: {
    list: { audits: READ, act: (ops) => ops.apis.list() },
    create: {
      audits: 'api.create',
      act: (ops) => ops.apis.create({ identifier: `https://${unique('api')}.example.test`, scopes: ['x:read'] }),
    },
    update: { audits: 'api.update', arrange: newApi, act: (ops, api) => ops.apis.update(api, { scopes: ['y:read'] }) },
    remove: { audits: 'api.delete', arrange: newApi, act: (ops, api) => ops.apis.remove(api) },
    usage: { audits: READ, act: (ops) => ops.apis.usage(7) },
  },
  clients: {
    list: { audits: READ, act: (ops) => ops.clients.list() },
    create: { audits: 'client.create', act: (ops) => ops.clients.create({ name: unique('client'), scopes: [] }) },
    update: {
      audits: 'client.update',
      arrange: newClient,
      act: (ops, id) => ops.clients.update(id, { name: unique('renamed') }),
    },
    rotateSecret: {
      audits: 'client.rotate_secret',
      arrange: newClient,
      act: (ops, id) => ops.clients.rotateSecret(id),
    },
    remove: { audits: 'client.delete', arrange: newClient, act: (ops, id) => ops.clients.remove(id) },
  },
  users: {
    list: { audits: READ, act: (ops) => ops.users.list() },
    create: {
      audits: 'user.create',
      act: (ops) => ops.users.create({ username: unique('user'), password: PASSWORD, scopes: ['orders:read'] }),
    },
    update: {
      audits: 'user.update',
      arrange: newUser,
      act: (ops, id) => ops.users.update(id, { scopes: ['billing:read'] }),
    },
    resetPassword: {
      audits: 'user.password_reset',
      arrange: newUser,
      act: (ops, id) => ops.users.resetPassword(id, `${PASSWORD} again`),
    },
    remove: { audits: 'user.delete', arrange: newUser, act: (ops, id) => ops.users.remove(id) },
  },
  keys: {
    list: { audits: READ, act: (ops) => ops.keys.list() },
    rotate: { audits: 'key.rotate', act: (ops) => ops.keys.rotate() },
    retire: { audits: 'key.retire', arrange: upcomingKey, act: (ops, kid) => ops.keys.retire(kid) },
  },
  audit: {
    list: { audits: READ, act: (ops) => ops.audit.list({}) },
  },
  webhooks: {
    list: { audits: READ, act: (ops) => ops.webhooks.list() },
    create: {
      audits: 'webhook.create',
      act: (ops) => ops.webhooks.create({ url: 'https://hooks.example.test/in', events: ['api_token.created'] }),
    },
    update: {
      audits: 'webhook.update',
      arrange: newWebhook,
      act: (ops, id) => ops.webhooks.update(id, { enabled: false }),
    },
    remove: { audits: 'webhook.delete', arrange: newWebhook, act: (ops, id) => ops.webhooks.remove(id) },
    test: { audits: 'webhook.test', arrange: newWebhook, act: (ops, id) => ops.webhooks.test(id) },
    deliveries: { audits: READ, arrange: newWebhook, act: (ops, id) => ops.webhooks.deliveries(id) },
  },
};

const signedIn = async (sessions: SessionOperations): Promise<string> =>
  (await sessions.signIn('root', PASSWORD, ADDRESS)).sessionId;

/** Sessions take no actor; `arrange` gets the admin's operations but signs in through the sessions itself. */
function sessionPlan(sessions: SessionOperations): SessionPlan {
  return {
    signIn: { audits: 'session.sign_in', act: (ops) => ops.signIn('root', PASSWORD, ADDRESS) },
    // This harness signs in with passwords: the code sign-in is refused before anything happens (the flow's own
    // audit is in tests/dashboard-oauth-sign-in.test.ts).
    signInWithCode: {
      audits: null,
      act: (ops) =>
        rejectsWithCode(
          ops.signInWithCode({ code: 'tgc_x', redirectUri: 'x', codeVerifier: 'x' }, ADDRESS),
          'forbidden',
        ),
    },
    resume: { audits: READ, arrange: () => signedIn(sessions), act: (ops, id) => ops.resume(id) },
    signOut: {
      audits: 'session.sign_out',
      arrange: () => signedIn(sessions),
      act: (ops, id) => ops.signOut(id, ADDRESS),
    },
  };
}

/** The methods an operations object really has, from its class (private `#` methods are not among them). */
function methodsOf(operations: object): string[] {
  return Object.getOwnPropertyNames(Object.getPrototypeOf(operations))
    .filter((name) => name !== 'constructor')
    .sort();
}

describe('the management audit trail', () => {
  let h: ManagementHarness;
  let root: Actor;
  let alice: Actor;

  before(async () => {
    h = await openManagementHarness();
    ({ actor: root } = await h.addUser('root', { isAdmin: true }));
    ({ actor: alice } = await h.addUser('alice'));
  });
  after(() => h?.close());

  /** The audit events `action` writes, oldest first. */
  async function eventsDuring(action: () => Promise<unknown>): Promise<AuditEventRecord[]> {
    const [latest] = await h.store.audit.list({ limit: 1 });
    const mark = latest?.id ?? 0;
    await action();
    const events = await h.store.audit.list({ limit: 500 });
    return events.filter((event) => event.id > mark).reverse();
  }

  function summary(events: readonly AuditEventRecord[]): Array<[string, string, string]> {
    return events.map((event) => [event.action, event.actorName, event.outcome]);
  }

  it('plans every operation the actor and session operations have', () => {
    const ops = h.tollgate.as(root);
    const groups = Object.keys(ops).filter((key) => key !== 'actor');
    assert.deepEqual(groups.sort(), Object.keys(ACTOR_PLAN).sort());
    for (const group of Object.keys(ACTOR_PLAN) as Group[]) {
      assert.deepEqual(methodsOf(ops[group]), Object.keys(ACTOR_PLAN[group]).sort(), group);
    }
    assert.deepEqual(methodsOf(h.tollgate.sessions), Object.keys(sessionPlan(h.tollgate.sessions)).sort());
  });

  for (const [group, steps] of Object.entries(ACTOR_PLAN) as Array<[Group, Record<string, Step<ActorOperations>>]>) {
    for (const [method, step] of Object.entries(steps)) {
      const name = `${group}.${method}`;
      const expected = step.audits === null ? 'writes no audit event' : `writes exactly one ${step.audits} event`;

      it(`${name} by an admin ${expected}`, async () => {
        const admin = h.tollgate.as(root);
        const target = (await step.arrange?.(admin)) ?? '';
        const events = await eventsDuring(() => step.act(admin, target));
        const wanted: Array<[string, string, string]> = step.audits === null ? [] : [[step.audits, 'root', 'success']];
        assert.deepEqual(summary(events), wanted);
      });

      if (step.audits === null) continue;
      const action = step.audits;
      it(`${name} refused to a non-admin writes exactly one failed ${action} event`, async () => {
        const target = (await step.arrange?.(h.tollgate.as(root))) ?? '';
        const events = await eventsDuring(() =>
          rejectsWithCode(step.act(h.tollgate.as(alice), target), step.refusal ?? 'forbidden'),
        );
        assert.deepEqual(summary(events), [[action, 'alice', 'failure']]);
      });
    }
  }

  it('each session operation writes its one event, and a refused sign-in exactly one failure', async () => {
    const sessions = h.tollgate.sessions;
    const admin = h.tollgate.as(root);
    for (const [method, step] of Object.entries(sessionPlan(sessions))) {
      const target = (await step.arrange?.(admin)) ?? '';
      const events = await eventsDuring(() => step.act(sessions, target));
      const wanted: Array<[string, string, string]> = step.audits === null ? [] : [[step.audits, 'root', 'success']];
      assert.deepEqual(summary(events), wanted, method);
    }
    const refused = await eventsDuring(() =>
      rejectsWithCode(sessions.signIn('root', 'not the password', ADDRESS), 'unauthenticated'),
    );
    assert.deepEqual(summary(refused), [['session.sign_in', 'root', 'failure']]);
  });
});
