/**
 * RFC 7662 as core answers it, on a MemoryStore with a clock the tests move: live tokens of every kind report what
 * they are; expired, revoked, consumed, unknown and other clients' tokens are exactly `{ active: false }`.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OPERATOR } from '../src/index.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ADMIN_API,
  assertRefused,
  CLOCK_TOLERANCE_SECONDS,
  type InMemoryTollgate,
  ISSUER,
  jtiOf,
  openInMemoryTollgate,
  REFRESH_TOKEN_TTL_SECONDS,
  refresh,
  signIn,
  USER,
  USER_API,
} from './support/tollgate-in-memory.js';

const INACTIVE = { active: false };

describe('introspection on the in-memory store', () => {
  let harness: InMemoryTollgate;
  beforeEach(async () => {
    harness = await openInMemoryTollgate();
  });
  afterEach(() => harness.close());

  it('reports a live access token with exactly its claims', async () => {
    const now = harness.nowSeconds();
    const { accessToken } = await signIn(harness);
    assert.deepEqual(await harness.introspect(accessToken, harness.backend), {
      active: true,
      scope: 'read:data write:data',
      client_id: harness.backend.clientId,
      token_type: 'Bearer',
      exp: now + ACCESS_TOKEN_TTL_SECONDS,
      iat: now,
      sub: harness.userId,
      aud: USER_API,
      iss: ISSUER,
      jti: jtiOf(accessToken),
      username: USER.username,
    });
  });

  it('reports an access token inactive once the clock passes its expiry and the tolerance', async () => {
    const { accessToken } = await signIn(harness);
    harness.advance(ACCESS_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS - 1);
    assert.equal((await harness.introspect(accessToken, harness.backend)).active, true);
    harness.advance(1);
    assert.deepEqual(await harness.introspect(accessToken, harness.backend), INACTIVE);
  });

  it('reports a revoked access token as exactly {active: false}', async () => {
    const { access_token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    await harness.revoke(access_token, harness.backend);
    assert.deepEqual(await harness.introspect(access_token, harness.backend), INACTIVE);
  });

  it('reports a live refresh token to its client, and a consumed one as inactive', async () => {
    const now = harness.nowSeconds();
    const first = await signIn(harness);
    assert.deepEqual(await harness.introspect(first.refreshToken, harness.backend, 'refresh_token'), {
      active: true,
      scope: 'read:data write:data',
      client_id: harness.backend.clientId,
      token_type: 'refresh_token',
      exp: now + REFRESH_TOKEN_TTL_SECONDS,
      iat: now,
      sub: harness.userId,
      aud: USER_API,
      iss: ISSUER,
      username: USER.username,
    });
    const second = await refresh(harness, first.refreshToken);
    assert.deepEqual(await harness.introspect(first.refreshToken, harness.backend), INACTIVE);
    assert.equal((await harness.introspect(second.refreshToken, harness.backend)).active, true);
  });

  it("reports an API token (tg_...) with its owner's allowance, and inactive once revoked", async () => {
    const now = harness.nowSeconds();
    const operator = harness.tollgate.as(OPERATOR);
    const created = await operator.tokens.create({
      name: 'deploy',
      apis: [USER_API],
      scopes: ['read:data'],
      expiresInSeconds: 3600,
      owner: { kind: 'user', username: USER.username },
    });
    assert.match(created.secret, /^tg_/);
    const stored = await harness.store.apiTokens.get(created.token.id);
    assert.deepEqual(await harness.introspect(created.secret, harness.backend), {
      active: true,
      scope: 'read:data',
      client_id: 'tollgate-api-token',
      token_type: 'Bearer',
      iat: now,
      exp: now + 3600,
      sub: harness.userId,
      aud: [USER_API],
      iss: ISSUER,
      jti: stored?.jti,
      username: USER.username,
    });
    await operator.tokens.revoke(created.token.id);
    assert.deepEqual(await harness.introspect(created.secret, harness.backend), INACTIVE);
  });

  it('answers a client exactly {active: false} about tokens it may not know of', async () => {
    const { accessToken, refreshToken } = await signIn(harness);
    // adminService reaches only ADMIN_API: another client's token for USER_API is none of its business.
    assert.deepEqual(await harness.introspect(accessToken, harness.adminService), INACTIVE);
    // A refresh token is only ever shown to the client holding it (RFC 6749 1.5).
    assert.deepEqual(await harness.introspect(refreshToken, harness.adminService), INACTIVE);
    const forAdminApi = await harness.token({ grant_type: 'client_credentials' }, harness.backend, [ADMIN_API]);
    assert.equal((await harness.introspect(forAdminApi.access_token, harness.adminService)).active, true);
  });

  it('answers exactly {active: false} for unknown tokens of every shape', async () => {
    const { accessToken } = await signIn(harness);
    const [header, payload] = accessToken.split('.');
    for (const unknown of [
      'x',
      'a.b.c',
      `${header}.${payload}.${'A'.repeat(86)}`,
      `tgr_${'A'.repeat(43)}`,
      `tg_${'A'.repeat(40)}`,
      'A'.repeat(9000),
    ]) {
      assert.deepEqual(await harness.introspect(unknown, harness.backend), INACTIVE, unknown.slice(0, 24));
    }
  });

  it('answers only an authenticated confidential client', async () => {
    const { accessToken } = await signIn(harness);
    await assertRefused(harness.introspect(accessToken), 'invalid_client', 'Client authentication is required');
    const wrongSecret = { clientId: harness.backend.clientId, clientSecret: 'not the secret' };
    await assertRefused(harness.introspect(accessToken, wrongSecret), 'invalid_client', 'Client authentication failed');
  });
});
