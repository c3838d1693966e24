import { Conflict } from '../../errors.js';
import type { KeyStore, SigningKeyRecord } from '../../storage/index.js';
import { compareText, copyOf } from './records.js';

export class MemoryKeyStore implements KeyStore {
  readonly #keys = new Map<string, SigningKeyRecord>();

  /** Newest first; within one second the key that still signs first, then by kid, descending (as the SQL stores). */
  async list(): Promise<SigningKeyRecord[]> {
    return [...this.#keys.values()].sort(newestFirst).map(copyOf);
  }

  async rotate(newKey: SigningKeyRecord, retiredKeysExpireAt: number): Promise<void> {
    if (this.#keys.has(newKey.kid)) throw new Conflict(`A signing key with kid ${newKey.kid} already exists`);
    for (const key of this.#keys.values()) {
      if (key.retiredAt !== null) continue;
      key.retiredAt = newKey.activatesAt;
      key.expiresAt = retiredKeysExpireAt;
    }
    this.#keys.set(newKey.kid, copyOf(newKey));
  }

  async withdraw(kid: string, now: number): Promise<boolean> {
    const key = this.#keys.get(kid);
    if (key === undefined) return false;
    key.retiredAt = now;
    key.expiresAt = now;
    return true;
  }

  async removeExpired(now: number): Promise<number> {
    let removed = 0;
    for (const key of [...this.#keys.values()]) {
      if (key.retiredAt === null || key.expiresAt === null || key.expiresAt > now) continue;
      this.#keys.delete(key.kid);
      removed += 1;
    }
    return removed;
  }
}

function newestFirst(a: SigningKeyRecord, b: SigningKeyRecord): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  if (a.retiredAt !== b.retiredAt) {
    if (a.retiredAt === null) return -1;
    if (b.retiredAt === null) return 1;
    return b.retiredAt - a.retiredAt;
  }
  return compareText(b.kid, a.kid);
}
