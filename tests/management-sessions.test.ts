import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_BRUTE_FORCE_LIMITS } from '@tollgate/core';
import {
  ADDRESS,
  type ManagementHarness,
  PASSWORD,
  openManagementHarness,
  rejectsWithCode,
} from './support/management.js';

const LIMITS = {
  ...DEFAULT_BRUTE_FORCE_LIMITS,
  account: { slowAfter: 100, blockAfter: 3 },
  address: { slowAfter: 100, blockAfter: 1000 },
};

describe('dashboard sessions', () => {
  let h: ManagementHarness;
  let aliceId: string;

  beforeEach(async () => {
    h = await openManagementHarness({
      bruteForce: LIMITS,
      management: { sessionTtlSeconds: 8 * 3600, sessionIdleTimeoutSeconds: 1800 },
    });
    aliceId = (await h.addUser('alice')).user.id;
  });
  afterEach(() => h.close());

  it('signs in with the right password and resumes as that user', async () => {
    const { sessionId, session } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    assert.match(sessionId, /^[A-Za-z0-9_-]{43}$/);
    assert.match(session.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.user.username, 'alice');
    assert.equal(session.expiresAt, h.now() + 8 * 3600);
    assert.equal(session.idleTimeoutSeconds, 1800);
    assert.equal(session.allowNeverExpiringTokens, false);
    const resumed = await h.tollgate.sessions.resume(sessionId);
    assert.deepEqual(resumed?.actor, { userId: aliceId, name: 'alice', isAdmin: false, address: null });
    assert.equal(resumed?.session.csrfToken, session.csrfToken);
  });

  it('stores only the SHA-256 of the session id', async () => {
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    const idHash = createHash('sha256').update(sessionId).digest('hex');
    assert.equal((await h.store.sessions.get(idHash))?.userId, aliceId);
    assert.equal(await h.store.sessions.get(sessionId), undefined);
  });

  it('refuses unknown user, wrong password and disabled user with one identical error', async () => {
    const unknown = await rejectsWithCode(h.tollgate.sessions.signIn('nobody', PASSWORD, ADDRESS), 'unauthenticated');
    const wrong = await rejectsWithCode(
      h.tollgate.sessions.signIn('alice', 'wrong password', ADDRESS),
      'unauthenticated',
    );
    await h.operator.users.update(aliceId, { disabled: true });
    const disabled = await rejectsWithCode(h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS), 'unauthenticated');
    assert.equal(unknown.description, 'Invalid username or password');
    assert.equal(wrong.description, unknown.description);
    assert.equal(disabled.description, unknown.description);
  });

  it('ends a session after the idle timeout', async () => {
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    h.advance(1799);
    assert.ok(await h.tollgate.sessions.resume(sessionId));
    h.advance(1799);
    assert.ok(await h.tollgate.sessions.resume(sessionId), 'each request moves the idle clock on');
    h.advance(1800);
    assert.equal(await h.tollgate.sessions.resume(sessionId), undefined);
  });

  it('ends a busy session at its absolute expiry', async () => {
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    for (let elapsed = 0; elapsed < 8 * 3600 - 600; elapsed += 600) {
      h.advance(600);
      assert.ok(await h.tollgate.sessions.resume(sessionId), `alive after ${elapsed + 600} s`);
    }
    h.advance(600);
    assert.equal(await h.tollgate.sessions.resume(sessionId), undefined);
  });

  it('writes last-seen at most once a minute', async () => {
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    const idHash = createHash('sha256').update(sessionId).digest('hex');
    const signedInAt = h.now();
    h.advance(30);
    await h.tollgate.sessions.resume(sessionId);
    assert.equal((await h.store.sessions.get(idHash))?.lastSeenAt, signedInAt);
    h.advance(30);
    await h.tollgate.sessions.resume(sessionId);
    assert.equal((await h.store.sessions.get(idHash))?.lastSeenAt, h.now());
  });

  it('keeps a session in constant use alive under the shortest idle timeout', async () => {
    await h.close();
    h = await openManagementHarness({
      bruteForce: LIMITS,
      management: { sessionTtlSeconds: 8 * 3600, sessionIdleTimeoutSeconds: 60 },
    });
    await h.addUser('alice');
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    for (let elapsed = 10; elapsed <= 300; elapsed += 10) {
      h.advance(10);
      assert.ok(await h.tollgate.sessions.resume(sessionId), `alive after ${elapsed} s of requests every 10 s`);
    }
    h.advance(60);
    assert.equal(await h.tollgate.sessions.resume(sessionId), undefined, 'then idle for the timeout: ended');
  });

  it('kills the sessions of a user who is disabled, and of one whose password is reset', async () => {
    const first = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    await h.operator.users.update(aliceId, { disabled: true });
    assert.equal(await h.tollgate.sessions.resume(first.sessionId), undefined);
    await h.operator.users.update(aliceId, { disabled: false });
    assert.equal(await h.tollgate.sessions.resume(first.sessionId), undefined, 're-enabling does not revive it');
    const second = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    await h.operator.users.resetPassword(aliceId, 'another long password');
    assert.equal(await h.tollgate.sessions.resume(second.sessionId), undefined);
    await rejectsWithCode(h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS), 'unauthenticated');
    assert.ok(await h.tollgate.sessions.signIn('alice', 'another long password', ADDRESS));
  });

  it('signs out idempotently and audits it once', async () => {
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    await h.tollgate.sessions.signOut(sessionId, ADDRESS);
    await h.tollgate.sessions.signOut(sessionId, ADDRESS);
    assert.equal(await h.tollgate.sessions.resume(sessionId), undefined);
    const events = await h.operator.audit.list({ action: 'session.sign_out' });
    assert.deepEqual(
      events.map((e) => [e.actorName, e.actorId, e.address, e.outcome]),
      [['alice', aliceId, ADDRESS, 'success']],
    );
  });

  it('blocks an account after repeated failures, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      await rejectsWithCode(h.tollgate.sessions.signIn('alice', `wrong ${i}`, ADDRESS), 'unauthenticated');
    }
    await rejectsWithCode(h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS), 'ERR_TOO_MANY_ATTEMPTS');
    h.advance(LIMITS.windowSeconds);
    assert.ok(await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS));
  });

  it('audits sign-ins, successful and failed, with the attempted name and address', async () => {
    await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    await rejectsWithCode(h.tollgate.sessions.signIn('ghost', PASSWORD, '203.0.113.9'), 'unauthenticated');
    const events = await h.operator.audit.list({ action: 'session.sign_in' });
    assert.deepEqual(
      events.map((e) => [e.actorName, e.actorId, e.address, e.outcome]),
      [
        ['ghost', null, '203.0.113.9', 'failure'],
        ['alice', aliceId, ADDRESS, 'success'],
      ],
    );
    assert.equal(JSON.stringify(events).includes(PASSWORD), false);
  });

  it('forgets expired and idle sessions on purge', async () => {
    const { sessionId } = await h.tollgate.sessions.signIn('alice', PASSWORD, ADDRESS);
    h.advance(1800);
    const purged = await h.tollgate.purgeExpired();
    assert.equal(purged.sessions, 1);
    const idHash = createHash('sha256').update(sessionId).digest('hex');
    assert.equal(await h.store.sessions.get(idHash), undefined);
  });
});
