import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constantTimeEqual, digestsEqual, randomId, randomToken, sha256Hex } from '../src/crypto/index.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

describe('crypto/random', () => {
  it('makes 256-bit base64url tokens by default, each different', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => randomToken()));
    assert.equal(tokens.size, 100);
    for (const token of tokens) {
      assert.match(token, BASE64URL);
      assert.equal(Buffer.from(token, 'base64url').length, 32);
    }
    assert.equal(randomToken(16).length, 22);
  });

  it('refuses to make tokens of fewer than 128 bits', () => {
    assert.throws(() => randomToken(8), TypeError);
    assert.throws(() => randomToken(15.5), TypeError);
  });

  it('makes prefixed ids with 128 random bits', () => {
    const id = randomId('usr_');
    assert.match(id, /^usr_[A-Za-z0-9_-]{22}$/);
    assert.notEqual(randomId('usr_'), id);
  });

  it('hashes with SHA-256 into lowercase hex (FIPS 180-2 "abc" vector)', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex('é'), sha256Hex('\u00e9'));
  });

  it('compares equal strings as equal and anything else as different, whatever the lengths', () => {
    assert.equal(constantTimeEqual('secret-value', 'secret-value'), true);
    assert.equal(constantTimeEqual('', ''), true);
    assert.equal(constantTimeEqual('secret-value', 'secret-valuE'), false);
    assert.equal(constantTimeEqual('secret-value', 'secret'), false);
    assert.equal(constantTimeEqual('', 'x'), false);
  });

  it('compares SHA-256 digests as equal only when they are the same digest', () => {
    assert.equal(digestsEqual(sha256Hex('secret'), sha256Hex('secret')), true);
    assert.equal(digestsEqual(sha256Hex('secret'), sha256Hex('secreT')), false);
    assert.equal(digestsEqual(sha256Hex('secret'), ''), false);
  });
});
