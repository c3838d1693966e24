/**
 * Introspection checks a JWT's signature once (tokens/verified-access-tokens.ts), and a token judged again without
 * it gets the answer a full validation would give now: a withdrawn key, a removed API, an expired token or a
 * revocation each make it inactive at once.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, it, mock } from 'node:test';
import type { AccessTokenClaims, VerificationKey } from '@tollgate/jwt';
import { OPERATOR } from '../src/index.js';
import { VerifiedAccessTokens } from '../src/tokens/verified-access-tokens.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ADMIN_API,
  CLOCK_TOLERANCE_SECONDS,
  type InMemoryTollgate,
  openInMemoryTollgate,
  USER_API,
} from './support/tollgate-in-memory.js';

const INACTIVE = { active: false };

/** Counts node:crypto verify() calls, which @tollgate/jwt imports by name (hence the sync of the ESM exports). */
function countSignatureChecks(): { count(): number; restore(): void } {
  const spy = mock.method(crypto, 'verify');
  syncBuiltinESMExports();
  return {
    count: () => spy.mock.callCount(),
    restore: () => {
      spy.mock.restore();
      syncBuiltinESMExports();
    },
  };
}

describe('introspection of a JWT seen before', () => {
  const opened: InMemoryTollgate[] = [];
  afterEach(() => {
    for (const harness of opened.splice(0)) harness.close();
  });
  const open = async () => {
    const harness = await openInMemoryTollgate();
    opened.push(harness);
    return harness;
  };

  it('checks the signature the first time only', async () => {
    const harness = await open();
    const { access_token: token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    const checks = countSignatureChecks();
    try {
      for (let i = 0; i < 5; i++) assert.equal((await harness.introspect(token, harness.backend)).active, true);
      assert.equal(checks.count(), 1);
      // Another spelling of the same token is another token: checked, and refused.
      const [header, payload] = token.split('.');
      assert.deepEqual(await harness.introspect(`${header}.${payload}.${'A'.repeat(86)}`, harness.backend), INACTIVE);
      assert.equal(checks.count(), 2);
    } finally {
      checks.restore();
    }
  });

  it('answers inactive once the signing key is withdrawn', async () => {
    const harness = await open();
    const { access_token: token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    assert.equal((await harness.introspect(token, harness.backend)).active, true);
    const kid = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;
    await harness.tollgate.as(OPERATOR).keys.retire(kid);
    assert.deepEqual(await harness.introspect(token, harness.backend), INACTIVE);
  });

  it('answers inactive once its API is removed', async () => {
    const harness = await open();
    const { access_token: token } = await harness.token({ grant_type: 'client_credentials' }, harness.backend, [
      ADMIN_API,
    ]);
    assert.equal((await harness.introspect(token, harness.backend)).active, true);
    await harness.tollgate.as(OPERATOR).apis.remove(ADMIN_API);
    assert.deepEqual(await harness.introspect(token, harness.backend), INACTIVE);
  });

  it('answers inactive once revoked, and once past exp and the clock tolerance', async () => {
    const harness = await open();
    const revoked = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    const expiring = await harness.token({ grant_type: 'client_credentials' }, harness.backend);
    for (const { access_token: token } of [revoked, expiring]) {
      assert.equal((await harness.introspect(token, harness.backend)).active, true);
    }
    await harness.revoke(revoked.access_token, harness.backend);
    assert.deepEqual(await harness.introspect(revoked.access_token, harness.backend), INACTIVE);
    harness.advance(ACCESS_TOKEN_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS);
    assert.deepEqual(await harness.introspect(expiring.access_token, harness.backend), INACTIVE);
  });
});

describe('VerifiedAccessTokens', () => {
  const key = { kid: 'k1', alg: 'EdDSA' } as VerificationKey;
  const claims = { aud: USER_API, exp: 1_000, jti: 'j1' } as AccessTokenClaims;
  const ring = (current: VerificationKey | undefined) => ({ resolve: () => current });

  it('recalls a token by its digest, which is not the token', () => {
    const verified = new VerifiedAccessTokens(() => 0);
    const digest = verified.digestOf('header.payload.signature');
    assert.ok(!digest.includes('payload'));
    verified.remember(digest, claims, key);
    assert.equal(verified.recall(digest, ring(key), [USER_API]), claims);
    assert.equal(verified.recall(verified.digestOf('header.payload.other'), ring(key), [USER_API]), undefined);
  });

  it('forgets a token when its key object is no longer the ring’s, its audience is gone, or at its exp', () => {
    let nowMs = 0;
    const verified = new VerifiedAccessTokens(() => nowMs);
    const digest = verified.digestOf('t');
    verified.remember(digest, claims, key);
    assert.equal(verified.recall(digest, ring({ ...key }), [USER_API]), undefined);
    assert.equal(verified.recall(digest, ring(undefined), [USER_API]), undefined);
    assert.equal(verified.recall(digest, ring(key), [ADMIN_API]), undefined);
    nowMs = claims.exp * 1000;
    assert.equal(verified.recall(digest, ring(key), [USER_API]), undefined);
  });

  it('holds at most its size', () => {
    const verified = new VerifiedAccessTokens(() => 0, 2);
    for (const token of ['a', 'b', 'c']) verified.remember(verified.digestOf(token), claims, key);
    assert.equal(verified.recall(verified.digestOf('a'), ring(key), [USER_API]), undefined);
    assert.equal(verified.recall(verified.digestOf('c'), ring(key), [USER_API]), claims);
  });
});
