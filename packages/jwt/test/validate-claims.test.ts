import { describe, it } from 'node:test';
import { AUDIENCE, assertRefused, b64url, forge, headerOf, ISSUER, KEYS, rawSign, validClaims } from './support.js';

/** Signs a payload given as raw JSON text, for values JSON.stringify cannot produce (1e999). */
function forgeRawJson(json: string): string {
  const signingInput = `${b64url(JSON.stringify(headerOf(KEYS.EdDSA)))}.${b64url(json)}`;
  return `${signingInput}.${b64url(rawSign('EdDSA', signingInput, KEYS.EdDSA.privateKey))}`;
}

describe('validateAccessToken refuses tokens from elsewhere', () => {
  it('refuses a token from another issuer, compared exactly', async () => {
    for (const iss of ['https://evil.example.com', `${ISSUER}/`, ISSUER.toUpperCase(), `${ISSUER} `]) {
      await assertRefused(forge({ payload: validClaims({ iss }) }), 'ERR_TOKEN_ISSUER_INVALID', { claim: 'iss' });
    }
  });

  it('refuses a token without iss or with a non-string iss', async () => {
    for (const iss of [undefined, [ISSUER], null, 1]) {
      await assertRefused(forge({ payload: validClaims({ iss }) }), 'ERR_TOKEN_ISSUER_INVALID', { claim: 'iss' });
    }
  });

  it('refuses a token for another audience', async () => {
    for (const aud of ['https://other.example.com', ['https://other.example.com'], `${AUDIENCE}/`]) {
      await assertRefused(forge({ payload: validClaims({ aud }) }), 'ERR_TOKEN_AUDIENCE_INVALID', { claim: 'aud' });
    }
  });

  it('refuses a token for several audiences, even when one of them is ours', async () => {
    for (const aud of [
      [AUDIENCE, 'https://other.example.com'],
      ['https://other.example.com', AUDIENCE],
      [AUDIENCE, AUDIENCE],
    ]) {
      await assertRefused(forge({ payload: validClaims({ aud }) }), 'ERR_TOKEN_AUDIENCE_INVALID');
    }
  });

  it('refuses a token without aud or with an aud of the wrong type', async () => {
    for (const aud of [undefined, [], [1], null, 1, { aud: AUDIENCE }]) {
      await assertRefused(forge({ payload: validClaims({ aud }) }), 'ERR_TOKEN_AUDIENCE_INVALID');
    }
  });
});

describe('validateAccessToken refuses missing and mistyped claims', () => {
  for (const claim of ['sub', 'jti', 'client_id', 'iat', 'exp']) {
    it(`refuses a token without ${claim}`, async () => {
      await assertRefused(forge({ payload: validClaims({ [claim]: undefined }) }), 'ERR_TOKEN_CLAIM_INVALID', {
        claim,
      });
    });
  }

  for (const claim of ['sub', 'jti', 'client_id']) {
    it(`refuses an empty or non-string ${claim}`, async () => {
      for (const value of ['', 42, null, ['usr_alice'], { id: 'x' }]) {
        await assertRefused(forge({ payload: validClaims({ [claim]: value }) }), 'ERR_TOKEN_CLAIM_INVALID', { claim });
      }
    });
  }

  for (const claim of ['exp', 'iat', 'nbf']) {
    it(`refuses a ${claim} that is not a JSON number (string, null, boolean, object)`, async () => {
      const valid = validClaims()[claim] ?? 1_600_000_000;
      for (const value of [String(valid), null, true, false, [valid], { value: valid }]) {
        await assertRefused(forge({ payload: validClaims({ [claim]: value }) }), 'ERR_TOKEN_CLAIM_INVALID', { claim });
      }
    });

    it(`refuses a ${claim} that overflows to Infinity`, async () => {
      const json = JSON.stringify(validClaims({ [claim]: 0 })).replace(`"${claim}":0`, `"${claim}":1e999`);
      await assertRefused(forgeRawJson(json), 'ERR_TOKEN_CLAIM_INVALID', { claim });
    });
  }

  it('refuses a scope that is present but not a string', async () => {
    for (const scope of [['read', 'write'], 42, null, true, { read: true }]) {
      await assertRefused(forge({ payload: validClaims({ scope }) }), 'ERR_TOKEN_CLAIM_INVALID', { claim: 'scope' });
    }
  });

  it('refuses a username that is present but not a string', async () => {
    await assertRefused(forge({ payload: validClaims({ username: ['alice'] }) }), 'ERR_TOKEN_CLAIM_INVALID', {
      claim: 'username',
    });
  });

  it('refuses a cnf that is not exactly a DPoP key thumbprint (RFC 7800, RFC 9449 6.1)', async () => {
    const jkt = 'A'.repeat(43);
    for (const cnf of [
      null,
      'jkt',
      [jkt],
      {},
      { jkt: 42 },
      { jkt: 'short' },
      { jkt, 'x5t#S256': jkt },
      { 'x5t#S256': jkt },
    ]) {
      await assertRefused(forge({ payload: validClaims({ cnf }) }), 'ERR_TOKEN_CLAIM_INVALID', { claim: 'cnf' });
    }
  });
});
