/**
 * The token endpoint's grants as core answers them (RFC 6749 4.3, 4.4, 6; RFC 9700 4.14.2), on a MemoryStore with a
 * clock the tests move: the password grant and the JSON login, client_credentials, and refresh-token rotation with
 * replay detection, the single winner of concurrent rotations and the family's absolute lifetime.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OPERATOR } from '../src/index.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ADMIN_API,
  assertRefused,
  claimsOf,
  FAMILY_LIFETIME_SECONDS,
  type InMemoryTollgate,
  ISSUER,
  jtiOf,
  openInMemoryTollgate,
  REFRESH_TOKEN_TTL_SECONDS,
  refresh,
  sha256Hex,
  signIn,
  USER,
  USER_API,
} from './support/tollgate-in-memory.js';

const INVALID = 'The refresh token is invalid, expired or revoked';
const REPLAYED = 'The refresh token was already used; every token of its grant has been revoked';
const FAMILY_ENDED = 'The grant of this refresh token reached its maximum lifetime; sign in again';
const CONCURRENT_USES = 20;

describe('grants on the in-memory store', () => {
  let harness: InMemoryTollgate;
  beforeEach(async () => {
    harness = await openInMemoryTollgate();
  });
  afterEach(() => harness.close());

  describe('password grant and JSON login', () => {
    it('issues an access token for the default API and the first refresh token of a new family', async () => {
      const now = harness.nowSeconds();
      const response = await harness.token({ grant_type: 'password', ...USER }, harness.backend);
      assert.deepEqual(
        { ...response, access_token: typeof response.access_token, refresh_token: typeof response.refresh_token },
        {
          access_token: 'string',
          token_type: 'Bearer',
          expires_in: ACCESS_TOKEN_TTL_SECONDS,
          refresh_token: 'string',
          scope: 'read:data write:data',
        },
      );
      const { jti, ...claims } = claimsOf(response.access_token);
      assert.deepEqual(claims, {
        iss: ISSUER,
        sub: harness.userId,
        aud: USER_API,
        exp: now + ACCESS_TOKEN_TTL_SECONDS,
        iat: now,
        client_id: harness.backend.clientId,
        scope: 'read:data write:data',
        username: USER.username,
      });
      assert.equal(typeof jti, 'string');
      assert.match(response.refresh_token ?? '', /^tgr_/);
      const stored = await harness.store.grants.findRefreshToken(sha256Hex(response.refresh_token ?? ''));
      assert.equal(stored?.token.expiresAt, now + REFRESH_TOKEN_TTL_SECONDS);
      assert.deepEqual(stored?.family && { ...stored.family, id: typeof stored.family.id }, {
        id: 'string',
        clientId: harness.backend.clientId,
        subject: harness.userId,
        createdAt: now,
        revokedAt: null,
        dpopJkt: null,
      });
    });

    it('signs in with the JSON login as the built-in public client, which may refresh without a secret', async () => {
      const response = await harness.token(USER);
      assert.equal(claimsOf(response.access_token).client_id, 'tollgate-login');
      assert.ok(response.refresh_token);
      const next = await refresh(harness, response.refresh_token, null);
      assert.equal(claimsOf(next.accessToken).client_id, 'tollgate-login');
    });

    it('refuses the JSON login when password login is switched off', async () => {
      const closed = await openInMemoryTollgate({ passwordLogin: false });
      try {
        await assertRefused(closed.token(USER), 'invalid_request', 'The grant_type parameter is required');
        await assertRefused(
          closed.token({ grant_type: 'password', ...USER }),
          'invalid_client',
          'Client authentication is required',
        );
      } finally {
        closed.close();
      }
    });

    it('answers a wrong password and an unknown user with the same invalid_grant', async () => {
      const incorrect = 'The username or password is incorrect';
      const wrongPassword = { grant_type: 'password', username: USER.username, password: 'not the password' };
      await assertRefused(harness.token(wrongPassword, harness.backend), 'invalid_grant', incorrect);
      const unknownUser = { grant_type: 'password', username: 'mallory', password: USER.password };
      await assertRefused(harness.token(unknownUser, harness.backend), 'invalid_grant', incorrect);
    });
  });

  describe('client_credentials', () => {
    it('issues a token whose subject is the client, for the API asked for, and no refresh token', async () => {
      const now = harness.nowSeconds();
      const response = await harness.token({ grant_type: 'client_credentials', scope: 'admin:read' }, harness.backend, [
        ADMIN_API,
      ]);
      assert.equal(response.refresh_token, undefined);
      assert.equal(response.scope, 'admin:read');
      const { jti: _jti, ...claims } = claimsOf(response.access_token);
      assert.deepEqual(claims, {
        iss: ISSUER,
        sub: harness.backend.clientId,
        aud: ADMIN_API,
        exp: now + ACCESS_TOKEN_TTL_SECONDS,
        iat: now,
        client_id: harness.backend.clientId,
        scope: 'admin:read',
      });
    });

    it('refuses a client that has not been granted client_credentials, and one with a wrong secret', async () => {
      const login = await harness.tollgate.as(OPERATOR).clients.create({
        name: 'login-only',
        scopes: ['read:data'],
        grantTypes: ['password'],
      });
      const loginOnly = { clientId: login.client.id, clientSecret: login.clientSecret };
      await assertRefused(
        harness.token({ grant_type: 'client_credentials' }, loginOnly),
        'unauthorized_client',
        'This client may not use the client_credentials grant',
      );
      const wrongSecret = { clientId: harness.backend.clientId, clientSecret: 'not the secret' };
      await assertRefused(
        harness.token({ grant_type: 'client_credentials' }, wrongSecret),
        'invalid_client',
        'Client authentication failed',
      );
    });
  });

  describe('refresh token rotation', () => {
    it('returns a new refresh token on every use and refuses the consumed one as a replay', async () => {
      const first = await signIn(harness);
      harness.advance(60);
      const second = await refresh(harness, first.refreshToken);
      assert.notEqual(second.refreshToken, first.refreshToken);
      assert.equal(claimsOf(second.accessToken).iat, harness.nowSeconds());
      const consumed = await harness.store.grants.findRefreshToken(sha256Hex(first.refreshToken));
      assert.equal(consumed?.token.consumedAt, harness.nowSeconds());
      const third = await refresh(harness, second.refreshToken);
      assert.notEqual(third.refreshToken, second.refreshToken);
    });

    it('revokes the whole family, with the access tokens issued from it, when a consumed refresh token is used again', async () => {
      const first = await signIn(harness);
      const second = await refresh(harness, first.refreshToken);
      assert.equal((await harness.introspect(second.accessToken, harness.backend)).active, true);

      await assertRefused(refresh(harness, first.refreshToken), 'invalid_grant', REPLAYED);

      await assertRefused(refresh(harness, second.refreshToken), 'invalid_grant', INVALID);
      assert.deepEqual(await harness.introspect(first.accessToken, harness.backend), { active: false });
      assert.deepEqual(await harness.introspect(second.accessToken, harness.backend), { active: false });
      assert.equal(await harness.store.revocations.isRevoked(jtiOf(first.accessToken)), true);
      assert.equal(await harness.store.revocations.isRevoked(jtiOf(second.accessToken)), true);
    });

    it(`lets exactly one of ${CONCURRENT_USES} concurrent uses of one refresh token win, and revokes its family`, async () => {
      for (const client of [harness.backend, null]) {
        const { refreshToken } = await signIn(harness, client);
        const outcomes = await Promise.allSettled(
          Array.from({ length: CONCURRENT_USES }, () => refresh(harness, refreshToken, client)),
        );
        const winners = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
        assert.equal(winners.length, 1, `${winners.length} of ${CONCURRENT_USES} concurrent rotations won`);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected')
            await assertRefused(Promise.reject(outcome.reason), 'invalid_grant', REPLAYED);
        }
        const [winner] = winners;
        assert.ok(winner);
        // The losers replayed a consumed token, so the winner's family is gone too (RFC 9700 4.14.2).
        await assertRefused(refresh(harness, winner.refreshToken, client), 'invalid_grant', INVALID);
        assert.deepEqual(await harness.introspect(winner.accessToken, harness.backend), { active: false });
      }
    });

    it('refuses a refresh token once the clock reaches its expiry', async () => {
      const { refreshToken } = await signIn(harness);
      harness.advance(REFRESH_TOKEN_TTL_SECONDS - 1);
      const next = await refresh(harness, refreshToken);
      harness.advance(REFRESH_TOKEN_TTL_SECONDS - 1);
      assert.equal((await harness.introspect(next.refreshToken, harness.backend)).active, true);
      harness.advance(1);
      await assertRefused(refresh(harness, next.refreshToken), 'invalid_grant', INVALID);
    });

    it('never lets rotation carry a family past its absolute lifetime, and refuses it from then on', async () => {
      const familyStart = harness.nowSeconds();
      let { refreshToken } = await signIn(harness);
      // Rotated every 0.9 days, each new token would get a whole day from its own issue.
      for (let rotation = 1; rotation <= 3; rotation += 1) {
        harness.advance(0.9 * 86_400);
        ({ refreshToken } = await refresh(harness, refreshToken));
        const expected = Math.min(
          harness.nowSeconds() + REFRESH_TOKEN_TTL_SECONDS,
          familyStart + FAMILY_LIFETIME_SECONDS,
        );
        const stored = await harness.store.grants.findRefreshToken(sha256Hex(refreshToken));
        assert.equal(stored?.token.expiresAt, expected, `expiry after rotation ${rotation}`);
      }
      harness.advance(familyStart + FAMILY_LIFETIME_SECONDS - 1 - harness.nowSeconds());
      ({ refreshToken } = await refresh(harness, refreshToken));
      harness.advance(1);
      await assertRefused(refresh(harness, refreshToken), 'invalid_grant', FAMILY_ENDED);
      assert.deepEqual(await harness.introspect(refreshToken, harness.backend), { active: false });
    });

    it('binds a refresh token to its client', async () => {
      const { refreshToken } = await signIn(harness);
      await assertRefused(
        refresh(harness, refreshToken, harness.adminService),
        'invalid_grant',
        'The refresh token was issued to another client',
      );
      await assertRefused(
        refresh(harness, refreshToken, null),
        'invalid_client',
        'Client authentication is required for this refresh token',
      );
      assert.ok(await refresh(harness, refreshToken), 'the token is still good for its own client');
    });
  });
});
