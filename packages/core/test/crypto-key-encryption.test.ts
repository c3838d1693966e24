import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  decryptPrivateKey,
  type EncryptionKey,
  encryptPrivateKey,
  generateEncryptionSecret,
  generateSigningKey,
  parseEncryptionKey,
} from '../src/crypto/index.js';

const SECRET = 'correct-horse-battery-staple-0123456789';
const OTHER_SECRET = 'another-secret-of-enough-length-9876543210';
const KID = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const CORRUPT = { message: 'encrypted signing key is corrupt' };

/** Asserts the error message quotes no secret and no key material. */
function assertNoSecrets(message: string, key: EncryptionKey, pkcs8: Buffer): void {
  for (const secret of [
    SECRET,
    OTHER_SECRET,
    key.key.toString('hex'),
    key.key.toString('base64url'),
    pkcs8.toString('base64url'),
  ]) {
    assert.ok(!message.includes(secret), 'error message leaks a secret');
  }
}

function replacePart(blob: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = blob.split('.');
  parts[index] = change(Buffer.from(parts[index] ?? '', 'base64url')).toString('base64url');
  return parts.join('.');
}

function flipFirstByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 0x01;
  return copy;
}

describe('crypto/key-encryption', () => {
  const key = parseEncryptionKey(SECRET);
  const pkcs8Promise = generateSigningKey('EdDSA').then((generated) => generated.privateKeyPkcs8);

  it('derives a 32-byte key deterministically and names it by the first 16 hex of its SHA-256', () => {
    assert.equal(key.key.length, 32);
    assert.deepEqual(parseEncryptionKey(SECRET), key);
    assert.equal(key.id, createHash('sha256').update(key.key).digest('hex').slice(0, 16));
    assert.notEqual(parseEncryptionKey(OTHER_SECRET).id, key.id);
    assert.ok(!key.key.equals(Buffer.from(SECRET).subarray(0, 32)), 'the key is derived, not the secret itself');
  });

  it('keeps deriving the same key and reading v1 blobs written before (stored keys survive upgrades)', () => {
    // Written by this module; if either assertion fails, every deployed key store becomes unreadable.
    assert.equal(key.id, 'a7b5aead71a7f538');
    const fixture = 'v1.a7b5aead71a7f538.Ff6Fqj7qK7AxolWd.GiE3EWLrx5LlVvwxLV118CDV4dAg_e3Y9cXtWa1rPk6Ypfs';
    assert.equal(decryptPrivateKey(fixture, KID, key).toString('utf8'), 'tollgate v1 fixture');
  });

  it('accepts a secret of 32 characters and refuses a shorter one with a clear TypeError', () => {
    assert.equal(parseEncryptionKey('x'.repeat(32)).key.length, 32);
    const short = 'y'.repeat(31);
    assert.throws(
      () => parseEncryptionKey(short),
      (error: unknown) =>
        error instanceof TypeError && /at least 32 characters/.test(error.message) && !error.message.includes(short),
    );
  });

  it('generates 43-character base64url secrets that parse', () => {
    const secret = generateEncryptionSecret();
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateEncryptionSecret(), secret);
    assert.equal(parseEncryptionKey(secret).key.length, 32);
  });

  it('round-trips a private key through the v1 format with a fresh IV each time', async () => {
    const pkcs8 = await pkcs8Promise;
    const blob = encryptPrivateKey(pkcs8, KID, key);
    assert.match(blob, new RegExp(`^v1\\.${key.id}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$`));
    assert.ok(!blob.includes(pkcs8.toString('base64url').slice(0, 16)));
    assert.deepEqual(decryptPrivateKey(blob, KID, key), pkcs8);
    assert.notEqual(encryptPrivateKey(pkcs8, KID, key), blob);
  });

  it('says plainly when the blob was encrypted under a different encryption key', async () => {
    const pkcs8 = await pkcs8Promise;
    const other = parseEncryptionKey(OTHER_SECRET);
    const blob = encryptPrivateKey(pkcs8, KID, other);
    assert.throws(
      () => decryptPrivateKey(blob, KID, key),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(
          error.message,
          `signing keys were encrypted with a different encryption key (id ${other.id}, configured ${key.id})`,
        );
        assertNoSecrets(error.message, key, pkcs8);
        return true;
      },
    );
  });

  it('refuses a blob moved to another key row (the kid is authenticated)', async () => {
    const pkcs8 = await pkcs8Promise;
    const blob = encryptPrivateKey(pkcs8, KID, key);
    assert.throws(() => decryptPrivateKey(blob, 'another-kid', key), CORRUPT);
  });

  it('refuses a tampered IV, ciphertext or tag as corrupt, without leaking anything', async () => {
    const pkcs8 = await pkcs8Promise;
    const blob = encryptPrivateKey(pkcs8, KID, key);
    const lastByteFlipped = (bytes: Buffer) => {
      const copy = Buffer.from(bytes);
      copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0x80;
      return copy;
    };
    for (const tampered of [
      replacePart(blob, 2, flipFirstByte),
      replacePart(blob, 3, flipFirstByte),
      replacePart(blob, 3, lastByteFlipped),
    ]) {
      assert.throws(
        () => decryptPrivateKey(tampered, KID, key),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.equal(error.message, CORRUPT.message);
          assertNoSecrets(error.message, key, pkcs8);
          return true;
        },
      );
    }
  });

  it('refuses a blob whose key id was edited to match as corrupt, not as decrypted', async () => {
    const pkcs8 = await pkcs8Promise;
    const blob = encryptPrivateKey(pkcs8, KID, parseEncryptionKey(OTHER_SECRET));
    const relabelled = blob
      .split('.')
      .map((part, index) => (index === 1 ? key.id : part))
      .join('.');
    assert.throws(() => decryptPrivateKey(relabelled, KID, key), CORRUPT);
  });

  it('refuses truncated, garbage and unknown-version blobs as corrupt', async () => {
    const blob = encryptPrivateKey(await pkcs8Promise, KID, key);
    const broken = [
      '',
      'garbage',
      blob.replace(/^v1\./, 'v2.'),
      blob.split('.').slice(0, 3).join('.'),
      `${blob}.extra`,
      replacePart(blob, 3, (bytes) => bytes.subarray(0, 16)),
      replacePart(blob, 2, (bytes) => bytes.subarray(0, 8)),
      blob.replace(key.id, 'not-a-key-id-<script>'),
    ];
    for (const bad of broken) assert.throws(() => decryptPrivateKey(bad, KID, key), CORRUPT, bad.slice(0, 20));
  });
});
