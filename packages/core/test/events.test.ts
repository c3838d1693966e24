/**
 * What `tollgate.events` tells observers (metrics, webhooks): each token issued with its grant, each introspection
 * verdict, each audit event as written (management changes and the security events: a replayed refresh token, a
 * brute-force lockout), and that an observer that throws breaks nothing.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  DEFAULT_BRUTE_FORCE_LIMITS,
  MAX_COUNTED_ACCOUNT_LENGTH,
  OPERATOR,
  TooManyAttempts,
  type TollgateEvent,
  TollgateEvents,
} from '../src/index.js';
import {
  assertRefused,
  type InMemoryTollgate,
  openInMemoryTollgate,
  refresh,
  signIn,
  USER,
  USER_API,
} from './support/tollgate-in-memory.js';

const REPLAYED = 'The refresh token was already used; every token of its grant has been revoked';

describe('tollgate.events', () => {
  let harness: InMemoryTollgate;
  let seen: TollgateEvent[];
  let listenerErrors: unknown[];

  beforeEach(async () => {
    listenerErrors = [];
    const events = new TollgateEvents({ onListenerError: (error) => listenerErrors.push(error) });
    harness = await openInMemoryTollgate({}, { events });
    seen = [];
    events.subscribe((event) => seen.push(event));
  });
  afterEach(() => harness.close());

  const audited = (action: string) =>
    seen.flatMap((event) => (event.type === 'audit' && event.event.action === action ? [event.event] : []));

  it('tells each token issued with its grant type, the JSON login as password', async () => {
    await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    await harness.token({ ...USER });
    const first = await signIn(harness);
    await refresh(harness, first.refreshToken);
    assert.deepEqual(
      seen.filter((event) => event.type === 'token_issued'),
      ['client_credentials', 'password', 'password', 'refresh_token'].map((grantType) => ({
        type: 'token_issued',
        grantType,
      })),
    );
  });

  it('tells no token issued for a refused request', async () => {
    await assertRefused(
      harness.token({ grant_type: 'password', username: USER.username, password: 'wrong password!' }, harness.backend),
      'invalid_grant',
      /./,
    );
    assert.deepEqual(
      seen.filter((event) => event.type === 'token_issued'),
      [],
    );
  });

  it('tells each introspection with its verdict', async () => {
    const { access_token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    await harness.introspect(access_token, harness.backend);
    await harness.introspect('not-a-token', harness.backend);
    assert.deepEqual(
      seen.filter((event) => event.type === 'introspection'),
      [
        { type: 'introspection', active: true },
        { type: 'introspection', active: false },
      ],
    );
  });

  it('audits a replayed refresh token once, naming the client and the user, and publishes the revocation', async () => {
    const first = await signIn(harness);
    await refresh(harness, first.refreshToken);
    seen.length = 0;
    await assertRefused(refresh(harness, first.refreshToken), 'invalid_grant', REPLAYED);
    const [reuse, ...more] = audited('refresh_token.reuse_detected');
    assert.deepEqual(more, []);
    assert.ok(reuse);
    const familyId = reuse.detail?.familyId;
    assert.equal(typeof familyId, 'string');
    const { id, ...written } = reuse;
    assert.equal(id, (await harness.store.audit.list({ action: 'refresh_token.reuse_detected', limit: 1 }))[0]?.id);
    assert.deepEqual(
      { ...written, detail: { ...written.detail, familyId: 'f' } },
      {
        at: harness.nowSeconds(),
        actorId: null,
        actorName: harness.backend.clientId,
        action: 'refresh_token.reuse_detected',
        target: USER.username,
        address: '192.0.2.1',
        outcome: 'failure',
        detail: { clientId: harness.backend.clientId, subject: harness.userId, username: USER.username, familyId: 'f' },
      },
    );
    assert.equal(seen.filter((event) => event.type === 'revocations_published').length, 1);
    assert.equal((await harness.store.audit.list({ action: 'refresh_token.reuse_detected', limit: 10 })).length, 1);
  });

  it('audits a brute-force lockout once per window, and counts every refusal', async () => {
    const wrong = { grant_type: 'password', username: USER.username, password: 'not the password' };
    const blockAfter = DEFAULT_BRUTE_FORCE_LIMITS.account.blockAfter;
    for (let attempt = 0; attempt < blockAfter; attempt++) {
      await assert.rejects(harness.token(wrong, harness.backend));
    }
    assert.deepEqual(audited('brute_force.lockout'), []);
    for (let attempt = 0; attempt < 3; attempt++) {
      await assert.rejects(harness.token(wrong, harness.backend), (error: unknown) => error instanceof TooManyAttempts);
    }
    const lockouts = audited('brute_force.lockout');
    assert.equal(lockouts.length, 1, JSON.stringify(lockouts));
    assert.equal(lockouts[0]?.target, `user:${USER.username}`);
    assert.equal(lockouts[0]?.detail?.kind, 'account');
    assert.ok(seen.filter((event) => event.type === 'brute_force_refused').length >= 3);

    // A new window, a new lockout.
    harness.advance(DEFAULT_BRUTE_FORCE_LIMITS.windowSeconds + 1);
    for (let attempt = 0; attempt <= blockAfter; attempt++) {
      await assert.rejects(harness.token(wrong, harness.backend));
    }
    assert.equal(audited('brute_force.lockout').length, 2);
  });

  it('audits a lockout of a megabyte-long username under a bounded name, and counts it under that name', async () => {
    const long = { grant_type: 'password', username: 'x'.repeat(100_000), password: 'not the password' };
    const blockAfter = DEFAULT_BRUTE_FORCE_LIMITS.account.blockAfter;
    for (let attempt = 0; attempt < blockAfter; attempt++) {
      await assert.rejects(harness.token(long, harness.backend));
    }
    await assert.rejects(harness.token(long, harness.backend), (error: unknown) => error instanceof TooManyAttempts);
    const [lockout, ...more] = audited('brute_force.lockout');
    assert.deepEqual(more, []);
    assert.equal(lockout?.target, `user:${'x'.repeat(MAX_COUNTED_ACCOUNT_LENGTH - 'user:'.length)}`);
  });

  it('tells each management change as its audit event', async () => {
    const created = await harness.tollgate.as(OPERATOR).tokens.create({
      name: 'ci',
      owner: { kind: 'user', username: USER.username },
      apis: [USER_API],
      scopes: ['read:data'],
    });
    await harness.tollgate.as(OPERATOR).tokens.revoke(created.token.id);
    assert.deepEqual(
      seen.flatMap((event) => (event.type === 'audit' ? [[event.event.action, event.event.target]] : [])),
      [
        ['api_token.create', created.token.id],
        ['api_token.revoke', created.token.id],
      ],
    );
  });

  it('keeps going when an observer throws, and hands the error to onListenerError', async () => {
    const events = new TollgateEvents({ onListenerError: (error) => listenerErrors.push(error) });
    const after: TollgateEvent[] = [];
    events.subscribe(() => {
      throw new Error('observer bug');
    });
    events.subscribe((event) => after.push(event));
    events.emit({ type: 'revocations_published' });
    assert.deepEqual(after, [{ type: 'revocations_published' }]);
    assert.equal((listenerErrors[0] as Error).message, 'observer bug');
  });
});
