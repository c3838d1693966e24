import { Conflict } from '../../errors.js';
import type {
  GrantStore,
  IssuedAccessToken,
  RefreshTokenFamilyRecord,
  RefreshTokenRecord,
} from '../../storage/index.js';
import { CONFLICTING_RECORD, copyOf } from './records.js';
import type { MemoryRevocationStore } from './revocations.js';

interface RememberedAccessToken extends IssuedAccessToken {
  familyId: string;
}

/**
 * Every method checks all it needs before its first change and never awaits in between, so each runs as one
 * transaction: the rotation's compare-and-set has exactly one winner, and a refused write leaves nothing behind.
 */
export class MemoryGrantStore implements GrantStore {
  readonly #revocations: MemoryRevocationStore;
  readonly #families = new Map<string, RefreshTokenFamilyRecord>();
  /** By id; hashes are unique too. */
  readonly #tokens = new Map<string, RefreshTokenRecord>();
  /** By jti: the access tokens issued from each family. */
  readonly #accessTokens = new Map<string, RememberedAccessToken>();

  constructor(revocations: MemoryRevocationStore) {
    this.#revocations = revocations;
  }

  async startFamily(
    family: RefreshTokenFamilyRecord,
    token: RefreshTokenRecord,
    accessToken: IssuedAccessToken,
  ): Promise<void> {
    if (this.#families.has(family.id)) throw new Conflict(CONFLICTING_RECORD);
    this.#refuseTaken(token, accessToken);
    this.#families.set(family.id, copyOf(family));
    this.#store(token, family.id, accessToken);
  }

  async findRefreshToken(
    tokenHash: string,
  ): Promise<{ token: RefreshTokenRecord; family: RefreshTokenFamilyRecord } | undefined> {
    const token = this.#byHash(tokenHash);
    const family = token && this.#families.get(token.familyId);
    return token && family && { token: copyOf(token), family: copyOf(family) };
  }

  async rotate(
    consumedId: string,
    consumedAt: number,
    next: RefreshTokenRecord,
    accessToken: IssuedAccessToken,
  ): Promise<boolean> {
    const family = this.#families.get(next.familyId);
    const consumed = this.#tokens.get(consumedId);
    if (family === undefined || family.revokedAt !== null) return false;
    if (consumed === undefined || consumed.familyId !== family.id || consumed.consumedAt !== null) return false;
    this.#refuseTaken(next, accessToken);
    consumed.consumedAt = consumedAt;
    this.#store(next, family.id, accessToken);
    return true;
  }

  /** Keeps the first revocation time; deny-lists the family's access tokens still live at `revokedAt`, every time. */
  async revokeFamily(familyId: string, revokedAt: number): Promise<void> {
    this.#revoke(familyId, revokedAt);
  }

  async revokeFamiliesOf(owner: { subject: string } | { clientId: string }, revokedAt: number): Promise<number> {
    const live = [...this.#families.values()].filter(
      (family) =>
        family.revokedAt === null &&
        ('subject' in owner ? family.subject === owner.subject : family.clientId === owner.clientId),
    );
    for (const family of live) this.#revoke(family.id, revokedAt);
    return live.length;
  }

  /** Forgets expired access tokens, and families none of whose refresh tokens is still live (with all they hold). */
  async removeExpired(now: number): Promise<number> {
    for (const issued of [...this.#accessTokens.values()]) {
      if (issued.expiresAt <= now) this.#accessTokens.delete(issued.jti);
    }
    const tokens = [...this.#tokens.values()];
    const dead = [...this.#families.keys()].filter(
      (familyId) => !tokens.some((token) => token.familyId === familyId && token.expiresAt > now),
    );
    for (const familyId of dead) {
      for (const token of tokens) if (token.familyId === familyId) this.#tokens.delete(token.id);
      for (const issued of [...this.#accessTokens.values()]) {
        if (issued.familyId === familyId) this.#accessTokens.delete(issued.jti);
      }
      this.#families.delete(familyId);
    }
    return dead.length;
  }

  #revoke(familyId: string, revokedAt: number): void {
    const family = this.#families.get(familyId);
    if (family === undefined) return;
    family.revokedAt ??= revokedAt;
    for (const issued of this.#accessTokens.values()) {
      if (issued.familyId === familyId && issued.expiresAt > revokedAt) {
        this.#revocations.record([issued.jti], revokedAt, issued.expiresAt);
      }
    }
  }

  #refuseTaken(token: RefreshTokenRecord, accessToken: IssuedAccessToken): void {
    const taken =
      this.#tokens.has(token.id) ||
      this.#byHash(token.tokenHash) !== undefined ||
      this.#accessTokens.has(accessToken.jti);
    if (taken) throw new Conflict(CONFLICTING_RECORD);
  }

  #store(token: RefreshTokenRecord, familyId: string, accessToken: IssuedAccessToken): void {
    this.#tokens.set(token.id, copyOf(token));
    this.#accessTokens.set(accessToken.jti, { jti: accessToken.jti, expiresAt: accessToken.expiresAt, familyId });
  }

  #byHash(tokenHash: string): RefreshTokenRecord | undefined {
    return [...this.#tokens.values()].find((token) => token.tokenHash === tokenHash);
  }
}
