/** Signing keys and their rotation. */
import type { SigningAlgorithm } from '@tollgate/jwt';

export interface SigningKeyRecord {
  kid: string;
  alg: SigningAlgorithm;
  /** Public JWK as published in the JWKS (with kid, alg, use). */
  publicJwk: Record<string, unknown>;
  /** The PKCS#8 private key, AEAD-encrypted under the configured encryption key (see crypto/key-encryption). */
  encryptedPrivateKey: string;
  createdAt: number;
  /**
   * When it starts signing. A rotated key is published (in the JWKS) from `createdAt` but signs only from here, after
   * the propagation delay, so verifiers know it before they meet its first token.
   */
  activatesAt: number;
  /**
   * When it stops signing (its successor's `activatesAt`, possibly still ahead); `null` while it has no successor.
   */
  retiredAt: number | null;
  /** When it leaves the JWKS: every token it signed has expired by then. `null` while it may still sign. */
  expiresAt: number | null;
}

export interface KeyStore {
  /** All keys not yet removed, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  /**
   * Atomically retires every key without a successor (setting `retiredAt` = `newKey.activatesAt` and
   * `expiresAt` = `retiredKeysExpireAt`) and adds `newKey`, which signs from its `activatesAt`.
   */
  rotate(newKey: SigningKeyRecord, retiredKeysExpireAt: number): Promise<void>;
  /**
   * Withdraws a key at once (a compromised key): it stops signing and leaves the JWKS at `now`, and the next
   * `removeExpired` deletes it. Returns false when no such key exists.
   */
  withdraw(kid: string, now: number): Promise<boolean>;
  /** Removes retired keys whose `expiresAt` is at or before `now`; returns how many. */
  removeExpired(now: number): Promise<number>;
}
