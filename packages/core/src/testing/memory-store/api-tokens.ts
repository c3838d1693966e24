import { Conflict } from '../../errors.js';
import { spendCredits } from '../../credits/refill.js';
import type {
  ApiTokenOwnerKind,
  ApiTokenRecordChanges,
  ApiTokenRecord,
  ApiTokenStore,
  ApiTokenUsageEntry,
  ApiTokenUsageRow,
  CreditConsumption,
} from '../../storage/index.js';
import { ApiTokenUsage } from './api-token-usage.js';
import { CONFLICTING_RECORD, compareText, copyOf } from './records.js';
import type { MemoryRevocationStore } from './revocations.js';

/** Like the other tables: each method checks before it changes anything and never awaits in between. */
export class MemoryApiTokenStore implements ApiTokenStore {
  readonly #revocations: MemoryRevocationStore;
  /** By id; hashes and jtis are unique too. */
  readonly #tokens = new Map<string, ApiTokenRecord>();
  readonly #usage = new ApiTokenUsage();

  constructor(revocations: MemoryRevocationStore) {
    this.#revocations = revocations;
  }

  async add(token: ApiTokenRecord): Promise<void> {
    if (this.#tokens.has(token.id)) throw new Conflict(`An API token with id ${token.id} already exists`);
    if (this.#find((stored) => holdsHash(stored, token.tokenHash) || holdsJti(stored, token.jti))) {
      throw new Conflict(CONFLICTING_RECORD);
    }
    this.#tokens.set(token.id, copyOf(token));
  }

  async get(id: string): Promise<ApiTokenRecord | undefined> {
    const token = this.#tokens.get(id);
    return token && copyOf(token);
  }

  async findByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const token = this.#find((stored) => holdsHash(stored, tokenHash));
    return token && copyOf(token);
  }

  async findByJti(jti: string): Promise<ApiTokenRecord | undefined> {
    const token = this.#find((stored) => holdsJti(stored, jti));
    return token && copyOf(token);
  }

  async listByOwner(ownerKind: ApiTokenOwnerKind, ownerId: string): Promise<ApiTokenRecord[]> {
    return this.#oldestFirst().filter(ownedBy(ownerKind, ownerId));
  }

  async list(): Promise<ApiTokenRecord[]> {
    return this.#oldestFirst();
  }

  async regenerate(
    id: string,
    expectedHash: string,
    next: { tokenHash: string; jti: string; graceEndsAt: number | null },
    at: number,
    revocationExpiresAt: number,
  ): Promise<ApiTokenRecord | undefined> {
    const token = this.#tokens.get(id);
    if (token === undefined || token.tokenHash !== expectedHash) return undefined;
    if (this.#find((other) => holdsHash(other, next.tokenHash) || holdsJti(other, next.jti))) {
      throw new Conflict('The new token conflicts with an existing one');
    }
    const revoked = token.previous === null ? [] : [token.previous.jti];
    const previous =
      next.graceEndsAt === null ? null : { tokenHash: token.tokenHash, jti: token.jti, expiresAt: next.graceEndsAt };
    if (previous === null) revoked.push(token.jti);
    Object.assign(token, { tokenHash: next.tokenHash, jti: next.jti, regeneratedAt: at, previous });
    this.#revocations.record(revoked, at, revocationExpiresAt);
    return copyOf(token);
  }

  async endGracePeriods(now: number, revocationExpiresAt: number): Promise<number> {
    let ended = 0;
    for (const token of this.#tokens.values()) {
      if (token.previous === null || token.previous.expiresAt > now) continue;
      this.#revocations.record([token.previous.jti], now, revocationExpiresAt);
      token.previous = null;
      ended += 1;
    }
    return ended;
  }

  async revokePrevious(
    id: string,
    previousJti: string,
    revokedAt: number,
    revocationExpiresAt: number,
  ): Promise<boolean> {
    const token = this.#tokens.get(id);
    if (token?.previous?.jti !== previousJti) return false;
    this.#revocations.record([previousJti], revokedAt, revocationExpiresAt);
    token.previous = null;
    return true;
  }

  async update(id: string, changes: ApiTokenRecordChanges): Promise<ApiTokenRecord | undefined> {
    const token = this.#tokens.get(id);
    if (token === undefined) return undefined;
    if (changes.metadata !== undefined) token.metadata = copyOf(changes.metadata);
    if (changes.externalId !== undefined) token.externalId = changes.externalId;
    if (changes.credits !== undefined) token.credits = copyOf(changes.credits);
    if (changes.rateLimit !== undefined) token.rateLimit = copyOf(changes.rateLimit);
    return copyOf(token);
  }

  /** Read, decide and write with no await in between: atomic on the one event loop. */
  async consumeCredits(id: string, cost: number, now: number): Promise<CreditConsumption | undefined> {
    const token = this.#tokens.get(id);
    if (token === undefined || token.credits === null) return undefined;
    const outcome = spendCredits(token.credits, cost, now);
    token.credits = outcome.credits;
    return copyOf(outcome);
  }

  async revoke(id: string, revokedAt: number, revocationExpiresAt: number): Promise<ApiTokenRecord | undefined> {
    const token = this.#tokens.get(id);
    if (token === undefined) return undefined;
    this.#tokens.delete(id);
    this.#revocations.record(jtisOf(token), revokedAt, revocationExpiresAt);
    return token;
  }

  async revokeAllOf(
    ownerKind: ApiTokenOwnerKind,
    ownerId: string,
    revokedAt: number,
    revocationExpiresAt: number,
  ): Promise<number> {
    const owned = this.#oldestFirst().filter(ownedBy(ownerKind, ownerId));
    for (const token of owned) this.#tokens.delete(token.id);
    this.#revocations.record(owned.flatMap(jtisOf), revokedAt, revocationExpiresAt);
    return owned.length;
  }

  /** Reports arrive late and out of order: counts add up, and the newest use wins whatever the order. */
  async recordUsage(entries: readonly ApiTokenUsageEntry[]): Promise<void> {
    for (const entry of entries) {
      const token = this.#find((stored) => holdsJti(stored, entry.jti));
      if (token === undefined) continue;
      token.requestCount += entry.count;
      if (token.lastUsedAt === null || token.lastUsedAt < entry.lastUsedAt) {
        token.lastUsedAt = entry.lastUsedAt;
        token.lastUsedAddress = entry.lastUsedAddress;
      }
      this.#usage.add(token.id, entry);
    }
  }

  async listUsage(filter: { fromDay: string; tokenId?: string; api?: string }): Promise<ApiTokenUsageRow[]> {
    return this.#usage.list(filter);
  }

  #find(matches: (token: ApiTokenRecord) => boolean): ApiTokenRecord | undefined {
    for (const token of this.#tokens.values()) if (matches(token)) return token;
    return undefined;
  }

  /** Copies, by creation time and then id, as the SQL stores list them. */
  #oldestFirst(): ApiTokenRecord[] {
    return [...this.#tokens.values()].sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id)).map(copyOf);
  }
}

function ownedBy(ownerKind: ApiTokenOwnerKind, ownerId: string): (token: ApiTokenRecord) => boolean {
  return (token) => token.ownerKind === ownerKind && token.ownerId === ownerId;
}

function holdsHash(token: ApiTokenRecord, tokenHash: string): boolean {
  return token.tokenHash === tokenHash || token.previous?.tokenHash === tokenHash;
}

function holdsJti(token: ApiTokenRecord, jti: string): boolean {
  return token.jti === jti || token.previous?.jti === jti;
}

/** The jtis a revocation of the token must deny: the current secret's and the previous one's. */
function jtisOf(token: ApiTokenRecord): string[] {
  return token.previous === null ? [token.jti] : [token.jti, token.previous.jti];
}
