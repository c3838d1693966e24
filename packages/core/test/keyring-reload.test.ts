import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encryptPrivateKey,
  generateEncryptionSecret,
  generateSigningKey,
  parseEncryptionKey,
} from '../src/crypto/index.js';
import { KeyRing } from '../src/keys/keyring.js';
import type { KeyStore, SigningKeyRecord } from '../src/storage/index.js';

const encryptionKey = parseEncryptionKey(generateEncryptionSecret());

async function keyRecord(createdAt: number): Promise<SigningKeyRecord> {
  const generated = await generateSigningKey('EdDSA');
  return {
    kid: generated.kid,
    alg: 'EdDSA',
    publicJwk: generated.publicJwk,
    encryptedPrivateKey: encryptPrivateKey(generated.privateKeyPkcs8, generated.kid, encryptionKey),
    createdAt,
    activatesAt: createdAt,
    retiredAt: null,
    expiresAt: null,
  };
}

/** A key store whose reads are counted and, when `hold` is set, wait until released. */
class CountingKeyStore implements KeyStore {
  records: SigningKeyRecord[] = [];
  reads = 0;
  hold: Promise<void> | undefined;

  async list(): Promise<SigningKeyRecord[]> {
    this.reads++;
    const snapshot = [...this.records];
    await this.hold;
    return snapshot;
  }
  async rotate(): Promise<void> {}
  async withdraw(): Promise<boolean> {
    return false;
  }
  async removeExpired(): Promise<number> {
    return 0;
  }
}

describe('keys/keyring reload', () => {
  it('shares one store read among any number of concurrent callers', async () => {
    const store = new CountingKeyStore();
    store.records = [await keyRecord(1)];
    const ring = new KeyRing(store, encryptionKey, () => 2_000);
    await Promise.all(Array.from({ length: 100 }, () => ring.reload()));
    assert.equal(store.reads, 1);
  });

  it('never skips: a caller arriving during a read gets a read that starts after it', async () => {
    const store = new CountingKeyStore();
    const first = await keyRecord(1);
    store.records = [first];
    const ring = new KeyRing(store, encryptionKey, () => 2_000);
    let release: () => void = () => undefined;
    store.hold = new Promise((resolve) => {
      release = resolve;
    });
    const running = ring.reload();
    await waitFor(() => store.reads === 1);
    // Another node rotates in a key after that read began; its token reaches us now.
    const second = await keyRecord(2);
    store.records = [second, first];
    const later = Promise.all(Array.from({ length: 50 }, () => ring.reload()));
    release();
    await running;
    await later;
    assert.equal(store.reads, 2, 'the callers arriving during the first read shared one more read');
    assert.ok(ring.resolve(second.kid), 'the key written after the first read began is known');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let turns = 0; turns < 1_000 && !condition(); turns++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), 'the condition never held');
}
