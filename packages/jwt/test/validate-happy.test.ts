import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SIGNING_ALGORITHMS } from '../src/index.js';
import { AUDIENCE, forge, headerOf, KEYS, validate, validClaims } from './support.js';

describe('validateAccessToken accepts good tokens', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it(`accepts a well-formed ${alg} token and returns its claims`, async () => {
      const claims = await validate(forge({ key: KEYS[alg] }));
      assert.deepEqual(claims, validClaims());
    });
  }

  it('accepts typ "application/at+jwt" and any letter case (RFC 7515 4.1.9)', async () => {
    for (const typ of ['application/at+jwt', 'AT+JWT', 'Application/At+Jwt']) {
      const token = forge({ header: headerOf(KEYS.EdDSA, { typ }) });
      assert.equal((await validate(token)).sub, 'usr_alice');
    }
  });

  it('accepts aud as a one-element array and returns it as a string', async () => {
    const claims = await validate(forge({ payload: validClaims({ aud: [AUDIENCE] }) }));
    assert.equal(claims.aud, AUDIENCE);
  });

  it('accepts any one of several configured audiences', async () => {
    const token = forge({ payload: validClaims({ aud: 'https://other.example.com' }) });
    const claims = await validate(token, { audience: [AUDIENCE, 'https://other.example.com'] });
    assert.equal(claims.aud, 'https://other.example.com');
  });

  it('accepts fractional NumericDates (RFC 7519 2)', async () => {
    const claims = validClaims();
    const token = forge({
      payload: { ...claims, exp: (claims.exp as number) + 0.5, iat: (claims.iat as number) - 0.25 },
    });
    assert.equal((await validate(token)).iat, (claims.iat as number) - 0.25);
  });

  it('treats a missing scope as no scopes and keeps nbf and username', async () => {
    const token = forge({ payload: validClaims({ scope: undefined, nbf: 1_600_000_000, username: 'alice' }) });
    const claims = await validate(token);
    assert.equal(claims.scope, '');
    assert.equal(claims.nbf, 1_600_000_000);
    assert.equal(claims.username, 'alice');
  });

  it('keeps the DPoP key binding cnf.jkt (RFC 9449 6.1)', async () => {
    const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const claims = await validate(forge({ payload: validClaims({ cnf: { jkt } }) }));
    assert.deepEqual(claims.cnf, { jkt });
  });

  it('returns only the claims it checked', async () => {
    const claims = await validate(forge({ payload: validClaims({ admin: true, roles: ['root'] }) }));
    assert.deepEqual(Object.keys(claims).sort(), Object.keys(validClaims()).sort());
  });
});
