import type { RevocationPosition, RevocationRecord, RevocationStore } from '../../storage/index.js';
import { newRevocationEpoch } from '../../revocations/epoch.js';
import { copyOf } from './records.js';

export class MemoryRevocationStore implements RevocationStore {
  /** By jti, in sequence order (a Map keeps insertion order, and sequences only grow). */
  readonly #records = new Map<string, RevocationRecord>();
  #highestSequence = 0;
  #epoch = newRevocationEpoch();

  async add(jti: string, revokedAt: number, expiresAt: number): Promise<void> {
    this.record([jti], revokedAt, expiresAt);
  }

  /**
   * Adds jtis at once, without awaiting: what the grant and API-token tables call inside their own "transactions".
   * A jti already on the list keeps its first record and sequence, and uses up no sequence.
   */
  record(jtis: readonly string[], revokedAt: number, expiresAt: number): void {
    for (const jti of jtis) {
      if (this.#records.has(jti)) continue;
      this.#highestSequence += 1;
      this.#records.set(jti, { sequence: this.#highestSequence, jti, revokedAt, expiresAt });
    }
  }

  async isRevoked(jti: string): Promise<boolean> {
    return this.#records.has(jti);
  }

  async listSince(afterSequence: number, now: number, limit: number): Promise<RevocationRecord[]> {
    const found: RevocationRecord[] = [];
    for (const record of this.#records.values()) {
      if (found.length >= limit) break;
      if (record.sequence > afterSequence && record.expiresAt > now) found.push(copyOf(record));
    }
    return found;
  }

  async removeExpired(now: number): Promise<number> {
    let removed = 0;
    for (const record of [...this.#records.values()]) {
      if (record.expiresAt > now) continue;
      this.#records.delete(record.jti);
      removed += 1;
    }
    return removed;
  }

  async position(): Promise<RevocationPosition> {
    return { epoch: this.#epoch, highestSequence: this.#highestSequence };
  }

  async recordAt(sequence: number): Promise<RevocationRecord | undefined> {
    const record = [...this.#records.values()].find((candidate) => candidate.sequence === sequence);
    return record && copyOf(record);
  }

  async replaceEpoch(expected: string): Promise<string> {
    if (this.#epoch === expected) this.#epoch = newRevocationEpoch();
    return this.#epoch;
  }

  async startNewEpoch(): Promise<string> {
    this.#epoch = newRevocationEpoch();
    return this.#epoch;
  }
}
