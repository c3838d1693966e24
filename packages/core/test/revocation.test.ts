/**
 * RFC 7009 as core answers it, on a MemoryStore with a clock the tests move: revoking an access token deny-lists its
 * jti until it expires, revoking a refresh token revokes its family, an unknown token is a successful no-op, and
 * every revocation reaches the revocation feed's subscribers.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RevocationEvent } from '../src/index.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  assertRefused,
  claimsOf,
  type InMemoryTollgate,
  jtiOf,
  openInMemoryTollgate,
  refresh,
  signIn,
} from './support/tollgate-in-memory.js';

const FEED_TIMEOUT_MS = 10_000;

describe('revocation on the in-memory store', () => {
  let harness: InMemoryTollgate;
  beforeEach(async () => {
    harness = await openInMemoryTollgate();
  });
  afterEach(() => harness.close());

  /** What the revocation list holds now, without sequence numbers. */
  async function revocationList(): Promise<{ jti: string; revokedAt: number; expiresAt: number }[]> {
    const records = await harness.store.revocations.listSince(0, harness.nowSeconds(), 100);
    return records.map(({ jti, revokedAt, expiresAt }) => ({ jti, revokedAt, expiresAt }));
  }

  it('lists a revoked access token by its jti until the token expires, and introspection turns it inactive', async () => {
    const { access_token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    harness.advance(30);
    await harness.revoke(access_token, harness.backend, 'access_token');
    assert.deepEqual(await revocationList(), [
      { jti: jtiOf(access_token), revokedAt: harness.nowSeconds(), expiresAt: claimsOf(access_token).exp },
    ]);
    assert.deepEqual(await harness.introspect(access_token, harness.backend), { active: false });
  });

  it('revokes a refresh token with its whole family and every access token issued from it', async () => {
    const first = await signIn(harness);
    const second = await refresh(harness, first.refreshToken);
    // The wrong hint only orders the search (RFC 7009 2.1).
    await harness.revoke(second.refreshToken, harness.backend, 'access_token');
    assert.deepEqual(
      (await revocationList()).map((entry) => entry.jti).sort(),
      [jtiOf(first.accessToken), jtiOf(second.accessToken)].sort(),
    );
    await assertRefused(
      refresh(harness, second.refreshToken),
      'invalid_grant',
      'The refresh token is invalid, expired or revoked',
    );
    for (const token of [first.accessToken, second.accessToken, second.refreshToken]) {
      assert.deepEqual(await harness.introspect(token, harness.backend), { active: false });
    }
  });

  it('lets the public login client revoke its own refresh token without a secret (sign-out, RFC 7009 5)', async () => {
    const { accessToken, refreshToken } = await signIn(harness, null);
    await harness.revoke(refreshToken);
    await assertRefused(
      refresh(harness, refreshToken, null),
      'invalid_grant',
      'The refresh token is invalid, expired or revoked',
    );
    assert.deepEqual(await harness.introspect(accessToken, harness.backend), { active: false });
  });

  it('answers an unknown or already expired token with success and writes nothing (RFC 7009 2.2)', async () => {
    await harness.revoke('not-a-token', harness.backend);
    await harness.revoke(`tgr_${'A'.repeat(43)}`, harness.backend, 'refresh_token');
    const { access_token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    harness.advance(ACCESS_TOKEN_TTL_SECONDS + 3600);
    await harness.revoke(access_token, harness.backend);
    assert.deepEqual(await revocationList(), []);
    assert.equal((await harness.store.revocations.position()).highestSequence, 0);
  });

  it("refuses to revoke another client's token and leaves it active", async () => {
    const { access_token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    await assertRefused(
      harness.revoke(access_token, harness.adminService),
      'invalid_request',
      'The token was not issued to this client',
    );
    assert.equal((await harness.introspect(access_token, harness.backend)).active, true);
    assert.deepEqual(await revocationList(), []);
  });

  it('sends each revocation to the subscribers of the revocation feed', async () => {
    const events: RevocationEvent[] = [];
    const { epoch } = await harness.store.revocations.position();
    let ready: () => void = () => undefined;
    const live = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const unsubscribe = harness.tollgate.revocationFeed.subscribe(
      { epoch, afterSequence: 0 },
      (event) => events.push(event),
      ready,
      (error) => assert.fail(`the feed ended the subscription: ${String(error)}`),
    );
    try {
      await live;
      const { access_token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
      await harness.revoke(access_token, harness.backend);
      await until(() => events.length >= 1);
      const family = await signIn(harness);
      await harness.revoke(family.refreshToken, harness.backend);
      await until(() => events.length >= 2);
      assert.deepEqual(
        events.map(({ epoch: eventEpoch, jti, expiresAt }) => ({ epoch: eventEpoch, jti, expiresAt })),
        [
          { epoch, jti: jtiOf(access_token), expiresAt: claimsOf(access_token).exp },
          { epoch, jti: jtiOf(family.accessToken), expiresAt: claimsOf(family.accessToken).exp },
        ],
      );
      assert.deepEqual(
        events.map((event) => event.sequence),
        [1, 2],
      );
    } finally {
      unsubscribe();
    }
  });
});

/** Waits until `condition` holds, checking on every turn of the event loop; fails after a generous bound. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + FEED_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`still waiting after ${FEED_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
