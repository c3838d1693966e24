import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompactEncrypt } from 'jose';
import type { KeyResolver } from '../src/index.js';
import { assertRefused, forge, headerOf, KEYS, resolveTestKeys, validate, validClaims } from './support.js';

/** A token whose signature segment contains `char`, found by varying the jti (EdDSA signatures are deterministic). */
function tokenWithSignatureChar(char: string): string {
  for (let i = 0; ; i++) {
    const token = forge({ payload: validClaims({ jti: `at_${i}` }) });
    if (token.split('.')[2]?.includes(char)) return token;
  }
}

/** A valid token padded to exactly `length` characters through a filler claim and an unused header parameter. */
function tokenOfLength(length: number): string {
  const overhead = forge().length;
  for (let headerPad = 0; headerPad < 4; headerPad++) {
    const header = headerOf(KEYS.EdDSA, { pad: 'p'.repeat(headerPad) });
    for (let filler = Math.floor(((length - overhead) * 3) / 4) - 64; filler < length; filler++) {
      const token = forge({ header, payload: validClaims({ filler: 'x'.repeat(filler) }) });
      if (token.length === length) return token;
      if (token.length > length) break;
    }
  }
  throw new Error(`no token of length ${length}`);
}

function countingResolver(): { resolveKey: KeyResolver; calls: () => number } {
  let calls = 0;
  return {
    resolveKey: (kid) => {
      calls++;
      return resolveTestKeys(kid);
    },
    calls: () => calls,
  };
}

describe('validateAccessToken refuses malformed tokens', () => {
  it('refuses tokens that are not exactly three non-empty segments', async () => {
    const [header, payload, signature] = forge().split('.');
    for (const token of [
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.${signature}`,
      `${header}..${signature}`,
      '',
      '..',
    ]) {
      await assertRefused(token, 'ERR_TOKEN_MALFORMED');
    }
  });

  it('refuses a real five-segment JWE', async () => {
    const jwe = await new CompactEncrypt(Buffer.from(JSON.stringify(validClaims())))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: KEYS.EdDSA.kid, typ: 'at+jwt' })
      .encrypt(new Uint8Array(32));
    assert.equal(jwe.split('.').length, 5);
    await assertRefused(jwe, 'ERR_TOKEN_MALFORMED');
  });

  it('refuses padding and the standard base64 alphabet even where they decode to the same bytes', async () => {
    const token = forge();
    await validate(token);
    await assertRefused(`${token}==`, 'ERR_TOKEN_MALFORMED');
    await assertRefused(tokenWithSignatureChar('-').replaceAll('-', '+'), 'ERR_TOKEN_MALFORMED');
    await assertRefused(tokenWithSignatureChar('_').replaceAll('_', '/'), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses whitespace and non-ASCII characters', async () => {
    const [header, payload, signature] = forge().split('.');
    for (const token of [
      ` ${header}.${payload}.${signature}`,
      `${header}.${payload}.${signature}\n`,
      `${header}.${payload}é.${signature}`,
    ]) {
      await assertRefused(token, 'ERR_TOKEN_MALFORMED');
    }
  });

  it('refuses a signature whose unused trailing bits are set (one signature, one spelling)', async () => {
    const token = forge();
    const lastChar = token.at(-1) ?? '';
    // An 86-character Ed25519 signature ends in a character carrying 4 unused bits; setting one keeps the bytes.
    const sameBytes = String.fromCharCode(lastChar.charCodeAt(0) + 1);
    const mutated = `${token.slice(0, -1)}${sameBytes}`;
    assert.deepEqual(
      Buffer.from(mutated.split('.')[2] ?? '', 'base64url'),
      Buffer.from(token.split('.')[2] ?? '', 'base64url'),
    );
    await assertRefused(mutated, 'ERR_TOKEN_MALFORMED');
  });

  it('refuses a segment with a dangling base64url character', async () => {
    const [header, payload, signature] = forge().split('.');
    const length = (payload ?? '').length;
    const padded = `${payload}${'A'.repeat((((1 - length) % 4) + 4) % 4 || 4)}`;
    assert.equal(padded.length % 4, 1);
    await assertRefused(`${header}.${padded}.${signature}`, 'ERR_TOKEN_MALFORMED');
  });

  it('accepts a token of 8192 characters and refuses one of 8193 without calling the resolver', async () => {
    await validate(tokenOfLength(8192));
    const { resolveKey, calls } = countingResolver();
    await assertRefused(tokenOfLength(8193), 'ERR_TOKEN_MALFORMED', { resolveKey });
    await assertRefused(`${forge()}${'A'.repeat(1_000_000)}`, 'ERR_TOKEN_MALFORMED', { resolveKey });
    assert.equal(calls(), 0);
  });

  it('refuses a header that is not a JSON object', async () => {
    const notObjects = [
      [KEYS.EdDSA.alg],
      '"EdDSA"',
      'EdDSA',
      42,
      null,
      '{"alg":"EdDSA"',
      Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d),
    ];
    for (const header of notObjects) await assertRefused(forge({ header }), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses a payload that is not a JSON object', async () => {
    const notObjects = [[validClaims()], '"claims"', 'claims', 1_700_000_000, null, '{"sub":', ' '];
    for (const payload of notObjects) await assertRefused(forge({ payload }), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses a payload that is not valid UTF-8', async () => {
    const json = Buffer.from(JSON.stringify(validClaims({ sub: 'usr_\u00e9' })));
    const invalid = Buffer.from(json);
    invalid[invalid.indexOf(0xc3)] = 0xff;
    await validate(forge({ payload: json }));
    await assertRefused(forge({ payload: invalid }), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses a payload starting with a byte order mark', async () => {
    const withBom = Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(JSON.stringify(validClaims()))]);
    await assertRefused(forge({ payload: withBom }), 'ERR_TOKEN_MALFORMED');
  });

  it('refuses a token that is not a string', async () => {
    for (const token of [undefined, null, 42, { token: forge() }, Buffer.from(forge())]) {
      await assertRefused(token as unknown as string, 'ERR_TOKEN_MALFORMED');
    }
  });
});
