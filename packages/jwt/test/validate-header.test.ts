import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyResolver, VerificationKey } from '../src/index.js';
import { assertRefused, b64url, forge, headerOf, KEYS, rawSign, validate, validClaims } from './support.js';

/** Resolves any kid to the EdDSA test key, so only the kid checks stand between a bad kid and acceptance. */
function permissiveResolver(): { resolveKey: KeyResolver; requested: unknown[] } {
  const requested: unknown[] = [];
  const resolveKey: KeyResolver = (kid) => {
    requested.push(kid);
    return { ...KEYS.EdDSA, kid } as VerificationKey;
  };
  return { resolveKey, requested };
}

describe('validateAccessToken refuses bad algorithms', () => {
  it('refuses alg "none", with or without a signature', async () => {
    const [, payload, signature] = forge().split('.');
    for (const alg of ['none', 'None', 'NONE']) {
      const header = b64url(JSON.stringify(headerOf(KEYS.EdDSA, { alg })));
      await assertRefused(`${header}.${payload}.`, 'ERR_TOKEN_MALFORMED');
      await assertRefused(`${header}.${payload}.${signature}`, 'ERR_TOKEN_ALG_NOT_ALLOWED', { claim: 'alg' });
    }
  });

  it('refuses a correctly signed token whose alg is outside the allow-list', async () => {
    const token = forge({ key: KEYS.ES256 });
    await validate(token);
    await assertRefused(token, 'ERR_TOKEN_ALG_NOT_ALLOWED', { overrides: { algorithms: ['EdDSA', 'RS256'] } });
  });

  it('refuses algorithms Tollgate does not implement', async () => {
    for (const alg of ['RS512', 'PS256', 'ES384', 'HS512', 'Ed25519', 'eddsa', 'constructor', '__proto__', 42, null]) {
      await assertRefused(
        forge({ header: headerOf(KEYS.RS256, { alg }), key: KEYS.RS256 }),
        'ERR_TOKEN_ALG_NOT_ALLOWED',
      );
    }
    await assertRefused(
      forge({ header: headerOf(KEYS.RS256, { alg: undefined }), key: KEYS.RS256 }),
      'ERR_TOKEN_ALG_NOT_ALLOWED',
    );
  });

  it('refuses HS256 tokens keyed with the public key (algorithm confusion)', async () => {
    for (const key of [KEYS.RS256, KEYS.ES256, KEYS.EdDSA]) {
      const secrets = [
        Buffer.from(key.publicKey.export({ format: 'pem', type: 'spki' })),
        key.publicKey.export({ format: 'der', type: 'spki' }),
        Buffer.from(JSON.stringify(key.publicKey.export({ format: 'jwk' }))),
      ];
      for (const secret of secrets) {
        const signingInput = `${b64url(JSON.stringify(headerOf(key, { alg: 'HS256' })))}.${b64url(JSON.stringify(validClaims()))}`;
        const token = `${signingInput}.${b64url(rawSign('HS256', signingInput, secret))}`;
        await assertRefused(token, 'ERR_TOKEN_ALG_NOT_ALLOWED');
      }
    }
  });

  it('refuses a token whose alg differs from the alg registered for its kid', async () => {
    // Signed with a real ES256 key, but naming the kid of the EdDSA key.
    const token = forge({ key: KEYS.ES256, header: headerOf(KEYS.ES256, { kid: KEYS.EdDSA.kid }) });
    const resolveKey: KeyResolver = (kid) => (kid === KEYS.EdDSA.kid ? KEYS.EdDSA : undefined);
    await assertRefused(token, 'ERR_TOKEN_ALG_NOT_ALLOWED', { resolveKey });
  });
});

describe('validateAccessToken refuses header parameters that are not allowed', () => {
  for (const name of ['jwk', 'jku', 'x5u', 'x5c'] as const) {
    it(`refuses a validly signed token carrying "${name}" (keys come only from the resolver)`, async () => {
      const values = {
        jwk: { ...KEYS.EdDSA.publicKey.export({ format: 'jwk' }), kid: KEYS.EdDSA.kid },
        jku: 'https://attacker.example/jwks.json',
        x5u: 'https://attacker.example/cert.pem',
        x5c: [KEYS.EdDSA.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
      };
      const token = forge({ header: headerOf(KEYS.EdDSA, { [name]: values[name] }) });
      await assertRefused(token, 'ERR_TOKEN_HEADER_NOT_ALLOWED', { claim: name });
    });
  }

  it('refuses any "crit" header, even an empty one', async () => {
    for (const changes of [{ crit: ['exp'], exp: 1 }, { crit: [] }, { crit: ['b64'], b64: true }]) {
      await assertRefused(forge({ header: headerOf(KEYS.EdDSA, changes) }), 'ERR_TOKEN_HEADER_NOT_ALLOWED', {
        claim: 'crit',
      });
    }
  });

  it('refuses "b64": false, whose signature would not cover the decoded payload (RFC 7797)', async () => {
    // The signing input of this token is the same under both readings of b64, so only the header check refuses it.
    const token = forge({ header: headerOf(KEYS.EdDSA, { b64: false }) });
    await assertRefused(token, 'ERR_TOKEN_HEADER_NOT_ALLOWED', { claim: 'b64' });
  });

  it('refuses a nested JWT ("cty": "JWT")', async () => {
    const inner = forge();
    for (const cty of ['JWT', 'jwt']) {
      await assertRefused(
        forge({ header: headerOf(KEYS.EdDSA, { cty }), payload: inner }),
        'ERR_TOKEN_HEADER_NOT_ALLOWED',
        {
          claim: 'cty',
        },
      );
    }
  });

  it('refuses JWE parameters ("zip", "enc") on a signed token', async () => {
    for (const changes of [{ zip: 'DEF' }, { enc: 'A256GCM' }]) {
      await assertRefused(forge({ header: headerOf(KEYS.EdDSA, changes) }), 'ERR_TOKEN_HEADER_NOT_ALLOWED');
    }
  });
});

describe('validateAccessToken refuses unknown and odd kids', () => {
  const oddKids: Record<string, unknown> = {
    missing: undefined,
    empty: '',
    number: 1,
    object: { kid: KEYS.EdDSA.kid },
    array: [KEYS.EdDSA.kid],
    null: null,
    '129 characters long': 'k'.repeat(129),
    'path-like': '../../etc/passwd',
    'with a slash': 'keys/1',
    'with a NUL': 'kid\u0000',
    'with a space': ' kid',
  };
  for (const [shape, kid] of Object.entries(oddKids)) {
    it(`refuses a kid that is ${shape} without calling the resolver`, async () => {
      const { resolveKey, requested } = permissiveResolver();
      await assertRefused(forge({ header: headerOf(KEYS.EdDSA, { kid }) }), 'ERR_TOKEN_UNKNOWN_KEY', {
        resolveKey,
        claim: 'kid',
      });
      assert.deepEqual(requested, []);
    });
  }

  it('passes a well-formed kid to the resolver as is and refuses it when unknown', async () => {
    const { resolveKey, requested } = permissiveResolver();
    await validate(forge({ header: headerOf(KEYS.EdDSA, { kid: 'k'.repeat(128) }) }), {}, resolveKey);
    const kid = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    await assertRefused(forge({ header: headerOf(KEYS.EdDSA, { kid }) }), 'ERR_TOKEN_UNKNOWN_KEY');
    assert.deepEqual(requested, ['k'.repeat(128)]);
  });
});

describe('validateAccessToken refuses tokens that are not access tokens', () => {
  const wrongTypes = [
    'JWT',
    'jwt',
    'application/jwt',
    'at+jwt ',
    'application/at+jwt+x',
    'xat+jwt',
    'dpop+jwt',
    '',
    42,
    null,
    ['at+jwt'],
  ];
  it('refuses any typ other than at+jwt or application/at+jwt', async () => {
    for (const typ of wrongTypes) {
      await assertRefused(forge({ header: headerOf(KEYS.EdDSA, { typ }) }), 'ERR_TOKEN_TYPE_INVALID', { claim: 'typ' });
    }
  });

  it('refuses a token without typ', async () => {
    await assertRefused(forge({ header: headerOf(KEYS.EdDSA, { typ: undefined }) }), 'ERR_TOKEN_TYPE_INVALID');
  });
});
