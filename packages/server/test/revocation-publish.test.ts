import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_BRUTE_FORCE_LIMITS,
  type FeedTimers,
  type RevocationEvent,
  type Tollgate,
  type TokenRequest,
  generateEncryptionSecret,
  openTollgate,
  parseEncryptionKey,
  OPERATOR,
} from '@tollgate/core';
import { type SqliteStore, openSqliteStore } from '@tollgate/store-sql';

/** Timers that never fire: whatever reaches a subscriber got there through poke(), not through polling. */
const NEVER: FeedTimers = { setInterval: () => 0, clearInterval: () => {} };
const PASSWORD = 'correct-horse-battery-staple';
const LOGIN = { method: 'none' } as const;

function jtiOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')).jti;
}

function request(params: Record<string, string>): TokenRequest {
  return { params: new Map(Object.entries(params)), resources: [], client: LOGIN, remoteAddress: '127.0.0.1' };
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 1000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('nothing was published');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('revocations are published at once', () => {
  let store: SqliteStore;
  let tollgate: Tollgate;
  const events: RevocationEvent[] = [];
  let unsubscribe = () => {};

  before(async () => {
    store = await openSqliteStore({ file: ':memory:' });
    tollgate = await openTollgate(
      {
        issuer: 'http://127.0.0.1:8080',
        signingAlgorithm: 'EdDSA',
        refreshTokenTtlSeconds: 86_400,
        defaultAccessTokenTtlSeconds: 900,
        clockToleranceSeconds: 5,
        passwordLogin: true,
        bruteForce: DEFAULT_BRUTE_FORCE_LIMITS,
      },
      { store, encryptionKey: parseEncryptionKey(generateEncryptionSecret()), revocationFeed: { timers: NEVER } },
    );
    const operator = tollgate.as(OPERATOR);
    await operator.apis.create({ identifier: 'https://api.example.com', scopes: ['read'] });
    await operator.users.create({ username: 'alice', password: PASSWORD, scopes: ['read'] });
    let ready = false;
    unsubscribe = tollgate.revocationFeed.subscribe(
      await tollgate.revocationFeed.resumePlan({ kind: 'start' }),
      (event) => events.push(event),
      () => {
        ready = true;
      },
    );
    await waitFor(() => ready);
  });

  after(async () => {
    unsubscribe();
    await store.close();
  });

  it('publishes a revoked access token without waiting for a poll', async () => {
    const login = await tollgate.token(request({ username: 'alice', password: PASSWORD }));
    const before = events.length;
    await tollgate.revoke({ token: login.access_token, tokenTypeHint: undefined, client: LOGIN, remoteAddress: '::1' });
    await waitFor(() => events.length > before);
    assert.equal(events.at(-1)?.jti, jtiOf(login.access_token));
  });

  it("publishes the family's access tokens when a refresh token is replayed", async () => {
    const login = await tollgate.token(request({ username: 'alice', password: PASSWORD }));
    const refreshed = await tollgate.token(
      request({ grant_type: 'refresh_token', refresh_token: login.refresh_token ?? '' }),
    );
    const before = events.length;
    await assert.rejects(
      tollgate.token(request({ grant_type: 'refresh_token', refresh_token: login.refresh_token ?? '' })),
      (error: unknown) => (error as { oauthError?: string }).oauthError === 'invalid_grant',
    );
    await waitFor(() => events.length >= before + 2);
    assert.deepEqual(
      events
        .slice(before)
        .map((event) => event.jti)
        .sort(),
      [jtiOf(login.access_token), jtiOf(refreshed.access_token)].sort(),
    );
  });
});
