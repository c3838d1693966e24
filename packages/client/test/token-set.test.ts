import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientError } from '../src/errors.js';
import { tokenSetFrom } from '../src/oauth/token-set.js';

describe('token responses (RFC 6749 5.1)', () => {
  it('reads the fields, with token_type case-insensitive and the expiry made absolute', () => {
    const body = { access_token: 'a', token_type: 'dpop', expires_in: 60, refresh_token: 'r', scope: 's', x: 1 };
    assert.deepEqual(tokenSetFrom(body, 1000), {
      accessToken: 'a',
      tokenType: 'DPoP',
      expiresAtMs: 61_000,
      lifetimeSeconds: 60,
      refreshToken: 'r',
      scope: 's',
      idToken: undefined,
    });
  });

  it('refuses what it cannot use, without quoting the body', () => {
    for (const body of [
      null,
      [],
      { token_type: 'Bearer' },
      { access_token: 'secret-value', token_type: 'mac' },
      { access_token: 'secret-value', token_type: 'Bearer', expires_in: '60' },
      { access_token: 'secret-value', token_type: 'Bearer', refresh_token: 5 },
    ]) {
      assert.throws(
        () => tokenSetFrom(body, 0),
        (error: unknown) =>
          error instanceof ClientError && error.code === 'ERR_RESPONSE_INVALID' && !error.message.includes('secret'),
      );
    }
  });
});
