import { Conflict } from '../../errors.js';
import type { AuthorizationCodeRecord, AuthorizationCodeStore, CodeRedemption } from '../../storage/index.js';
import type { MemoryGrantStore } from './grants.js';
import { copyOf } from './records.js';

/** `redeem` marks the code before its one await, so of concurrent redemptions exactly one wins. */
export class MemoryAuthorizationCodeStore implements AuthorizationCodeStore {
  readonly #grants: MemoryGrantStore;
  readonly #codes = new Map<string, AuthorizationCodeRecord>();

  constructor(grants: MemoryGrantStore) {
    this.#grants = grants;
  }

  async add(code: AuthorizationCodeRecord): Promise<void> {
    if (this.#codes.has(code.codeHash)) throw new Conflict('An authorization code with that hash already exists');
    this.#codes.set(code.codeHash, copyOf(code));
  }

  async find(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const code = this.#codes.get(codeHash);
    return code && copyOf(code);
  }

  async redeem(codeHash: string, consumedAt: number, redemption: CodeRedemption): Promise<boolean> {
    const code = this.#codes.get(codeHash);
    if (code === undefined || code.consumedAt !== null) return false;
    code.consumedAt = consumedAt;
    code.issued = { accessToken: copyOf(redemption.accessToken), familyId: redemption.family?.family.id ?? null };
    if (redemption.family === null) return true;
    try {
      const { family, token } = redemption.family;
      await this.#grants.startFamily(family, token, redemption.accessToken);
    } catch (error) {
      code.consumedAt = null;
      code.issued = null;
      throw error;
    }
    return true;
  }

  async removeExpired(before: number): Promise<number> {
    let removed = 0;
    for (const [hash, code] of this.#codes) {
      if (code.expiresAt < before) {
        this.#codes.delete(hash);
        removed += 1;
      }
    }
    return removed;
  }
}
