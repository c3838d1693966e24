import assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { describe, it } from 'node:test';
import { SIGNING_ALGORITHMS } from '../src/index.js';
import { assertRefused, b64url, forge, headerOf, KEYS, makeKey, validate, validClaims } from './support.js';

function segments(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

function reencode(segment: string, change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(json);
  return b64url(JSON.stringify(json));
}

describe('validateAccessToken refuses bad signatures', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it(`refuses a ${alg} token whose payload was changed after signing`, async () => {
      const [header, payload, signature] = segments(forge({ key: KEYS[alg] }));
      const tampered = reencode(payload, (claims) => {
        claims.sub = 'usr_admin';
      });
      await assertRefused(`${header}.${tampered}.${signature}`, 'ERR_TOKEN_SIGNATURE_INVALID');
    });

    it(`refuses a ${alg} token whose header was changed after signing`, async () => {
      const [header, payload, signature] = segments(forge({ key: KEYS[alg] }));
      // The new typ is acceptable on its own; only the signature notices the change.
      const tampered = reencode(header, (fields) => {
        fields.typ = 'application/at+jwt';
      });
      await assertRefused(`${tampered}.${payload}.${signature}`, 'ERR_TOKEN_SIGNATURE_INVALID');
    });

    it(`refuses a ${alg} token signed by another key that claims the kid`, async () => {
      const impostor = makeKey(alg, KEYS[alg].kid);
      await assertRefused(forge({ key: impostor }), 'ERR_TOKEN_SIGNATURE_INVALID');
    });
  }

  it('refuses a signature moved from another token', async () => {
    const [header, payload] = segments(forge({ payload: validClaims({ sub: 'usr_admin' }) }));
    const [, , signature] = segments(forge());
    await assertRefused(`${header}.${payload}.${signature}`, 'ERR_TOKEN_SIGNATURE_INVALID');
  });

  it('refuses ES256 signatures with r = 0 or s = 0 (psychic signatures, CVE-2022-21449)', async () => {
    const [header, payload, signature] = segments(forge({ key: KEYS.ES256 }));
    const valid = Buffer.from(signature, 'base64url');
    const zero = Buffer.alloc(32);
    for (const forged of [
      Buffer.alloc(64),
      Buffer.concat([zero, valid.subarray(32)]),
      Buffer.concat([valid.subarray(0, 32), zero]),
    ]) {
      await assertRefused(`${header}.${payload}.${b64url(forged)}`, 'ERR_TOKEN_SIGNATURE_INVALID');
    }
  });

  it('refuses a DER-encoded ES256 signature (RFC 7518 3.4 requires R || S)', async () => {
    const [header, payload] = segments(forge({ key: KEYS.ES256 }));
    const der = createSign('sha256').update(`${header}.${payload}`).sign(KEYS.ES256.privateKey);
    await assertRefused(`${header}.${payload}.${b64url(der)}`, 'ERR_TOKEN_SIGNATURE_INVALID');
  });

  it('refuses an RS256 signature shorter than the modulus, even when only a leading zero byte was dropped', async () => {
    let token = '';
    for (let i = 0; !token; i++) {
      const candidate = forge({ key: KEYS.RS256, payload: validClaims({ jti: `at_${i}` }) });
      if (Buffer.from(segments(candidate)[2], 'base64url')[0] === 0) token = candidate;
    }
    await validate(token);
    const [header, payload, signature] = segments(token);
    const stripped = b64url(Buffer.from(signature, 'base64url').subarray(1));
    await assertRefused(`${header}.${payload}.${stripped}`, 'ERR_TOKEN_SIGNATURE_INVALID');
  });

  it('refuses a truncated signature', async () => {
    const [header, payload, signature] = segments(forge({ key: KEYS.EdDSA }));
    const truncated = b64url(Buffer.from(signature, 'base64url').subarray(0, 63));
    await assertRefused(`${header}.${payload}.${truncated}`, 'ERR_TOKEN_SIGNATURE_INVALID');
  });

  it('checks the header before asking for the key, and the signature before reading claims', async () => {
    // An expired token with a bad signature says "signature invalid": claims of unsigned data are never judged.
    const [header, payload] = segments(forge({ payload: validClaims({ exp: 1 }) }));
    const [, , otherSignature] = segments(forge());
    await assertRefused(`${header}.${payload}.${otherSignature}`, 'ERR_TOKEN_SIGNATURE_INVALID');
    await assertRefused(
      forge({ header: headerOf(KEYS.EdDSA, { typ: 'JWT' }), payload: validClaims({ exp: 1 }) }),
      'ERR_TOKEN_TYPE_INVALID',
    );
  });
});

describe('the forging helper', () => {
  it('produces tokens that validate when nothing is forged, so every refusal above is due to the forgery', async () => {
    for (const alg of SIGNING_ALGORITHMS) {
      const claims = await validate(forge({ key: KEYS[alg], header: headerOf(KEYS[alg]) }));
      assert.equal(claims.jti, validClaims().jti);
    }
  });
});
