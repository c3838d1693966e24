/**
 * The signing keys a node works with, loaded from the store. Publish first, sign later: a rotated key is in the JWKS
 * from the moment it is stored but signs only from its `activatesAt`, after a propagation delay longer than the
 * verifiers' JWKS refetch interval, so no verifier meets a token of a key it could not have fetched. The key that
 * signs is the newest one already active, chosen by the clock at each signature, so every node switches at the same
 * moment without a reload. Superseded keys keep verifying until every token they signed has expired, then leave the
 * JWKS; a withdrawn (compromised) key leaves at once.
 * `reload()` is cheap when nothing changed, so servers call it every second to pick up a rotation made
 * by another process (the CLI, another node) without a restart, and before judging a token whose `kid` is unknown.
 */
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm, SigningKey, VerificationKey } from '@tollgate/jwt';
import { type Clock, epochSeconds } from '../clock.js';
import {
  type EncryptionKey,
  decryptPrivateKey,
  encryptPrivateKey,
  generateSigningKey,
  importPrivateKey,
  importPublicJwk,
} from '../crypto/index.js';
import type { KeyStore, SigningKeyRecord } from '../storage/index.js';

/**
 * Reloads start at most this often. A token with an unknown `kid` asks for a reload, and anyone can send one, so
 * without a floor an attacker would turn every request into a store read; with it, a flood costs 5 reads a second.
 */
export const MIN_RELOAD_GAP_MS = 200;

export class KeyRing {
  readonly #store: KeyStore;
  readonly #encryptionKey: EncryptionKey;
  readonly #clock: Clock;
  #fingerprint = '';
  #signing: SigningKey | undefined;
  #verification = new Map<string, VerificationKey>();
  #jwks: Record<string, unknown>[] = [];
  #records: SigningKeyRecord[] = [];
  /** The reload reading the store now, and the one queued behind it that every new caller shares. */
  #running: Promise<boolean> | undefined;
  #queued: Promise<boolean> | undefined;
  #lastStartedAtMs = Number.NEGATIVE_INFINITY;

  constructor(store: KeyStore, encryptionKey: EncryptionKey, clock: Clock) {
    this.#store = store;
    this.#encryptionKey = encryptionKey;
    this.#clock = clock;
  }

  /**
   * Re-reads the keys; resolves to true when the set changed. The read always starts after this call, so any key
   * written to the store before it (a rotation at another node, whose token just arrived) is known once it resolves.
   * Concurrent callers share one queued read, and reads start at most every MIN_RELOAD_GAP_MS: a caller waits
   * for the next read rather than being skipped, so a genuinely new key is never missed.
   */
  reload(): Promise<boolean> {
    if (this.#queued !== undefined) return this.#queued;
    const queued = (this.#running ?? Promise.resolve(false))
      .catch(() => false)
      .then(() => waitMs(this.#lastStartedAtMs + MIN_RELOAD_GAP_MS - performance.now()))
      .then(() => {
        this.#queued = undefined;
        this.#lastStartedAtMs = performance.now();
        const running = this.#read().finally(() => {
          if (this.#running === running) this.#running = undefined;
        });
        this.#running = running;
        return running;
      });
    this.#queued = queued;
    return queued;
  }

  async #read(): Promise<boolean> {
    const now = epochSeconds(this.#clock);
    const records = (await this.#store.list()).filter((key) => key.expiresAt === null || key.expiresAt > now);
    const fingerprint = records
      .map((key) => `${key.kid}:${key.activatesAt}:${key.retiredAt}:${key.expiresAt}`)
      .join(',');
    if (fingerprint === this.#fingerprint) return false;
    this.#apply(records);
    this.#fingerprint = fingerprint;
    return true;
  }

  /** Creates the first signing key on a fresh store (or when no stored key may sign, which only a withdrawal leaves). */
  async ensureSigningKey(alg: SigningAlgorithm): Promise<void> {
    await this.reload();
    const now = epochSeconds(this.#clock);
    if (this.#signingRecord(now) === undefined) await this.rotate(alg, { delaySeconds: 0, lifetimeSeconds: 0 });
  }

  /**
   * Adds a key that is published at once and signs `delaySeconds` later; the keys it replaces stop signing then and
   * stay verifiable for `lifetimeSeconds` more (the longest a token they signed may live).
   */
  async rotate(
    alg: SigningAlgorithm,
    timing: { delaySeconds: number; lifetimeSeconds: number },
  ): Promise<SigningKeyRecord> {
    const generated = await generateSigningKey(alg);
    // Read after generating (an RSA key takes a while), so the delay counts from when the key exists.
    const createdAt = epochSeconds(this.#clock);
    const activatesAt = createdAt + timing.delaySeconds;
    const record: SigningKeyRecord = {
      kid: generated.kid,
      alg,
      publicJwk: generated.publicJwk,
      encryptedPrivateKey: encryptPrivateKey(generated.privateKeyPkcs8, generated.kid, this.#encryptionKey),
      createdAt,
      activatesAt,
      retiredAt: null,
      expiresAt: null,
    };
    await this.#store.rotate(record, activatesAt + timing.lifetimeSeconds);
    await this.reload();
    return record;
  }

  /** Takes a key out of the JWKS and out of signing at once (see KeyOperations.retire). */
  async withdraw(kid: string, now: number): Promise<void> {
    await this.#store.withdraw(kid, now);
    await this.reload();
  }

  /** The key that signs now: the newest key already active. */
  signingKey(): SigningKey {
    const record = this.#signingRecord(epochSeconds(this.#clock));
    if (record === undefined) throw new Error('no signing key is loaded; call ensureSigningKey() first');
    // Decryption is the costly part: reuse the key object until another key takes over.
    if (this.#signing?.kid !== record.kid) {
      this.#signing = { kid: record.kid, alg: record.alg, privateKey: this.#decrypt(record) };
    }
    return this.#signing;
  }

  /** The kid of the key that signs now, if any. */
  signingKid(): string | undefined {
    return this.#signingRecord(epochSeconds(this.#clock))?.kid;
  }

  /** A `KeyResolver` for validateAccessToken: only keys from the store, never from the token. */
  readonly resolve = (kid: string): VerificationKey | undefined => this.#verification.get(kid);

  /** Every key whose tokens may still be live, newest first. */
  records(): readonly SigningKeyRecord[] {
    return this.#records;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.#jwks };
  }

  algorithms(): SigningAlgorithm[] {
    return [...new Set([...this.#verification.values()].map((key) => key.alg))];
  }

  /**
   * Records are newest first (a later rotation wins even when it activates sooner, as `--now` does), so the first
   * active one signs. Superseded keys need no `retiredAt` check: a newer active key always comes before them.
   */
  #signingRecord(now: number): SigningKeyRecord | undefined {
    return this.#records.find((record) => record.activatesAt <= now);
  }

  #apply(records: SigningKeyRecord[]): void {
    const verification = new Map<string, VerificationKey>();
    for (const record of records) {
      verification.set(record.kid, { kid: record.kid, alg: record.alg, publicKey: importPublicJwk(record.publicJwk) });
    }
    this.#records = records;
    this.#verification = verification;
    this.#jwks = records.map((key) => ({ ...key.publicJwk }));
  }

  #decrypt(record: SigningKeyRecord): KeyObject {
    return importPrivateKey(decryptPrivateKey(record.encryptedPrivateKey, record.kid, this.#encryptionKey));
  }
}

function waitMs(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
