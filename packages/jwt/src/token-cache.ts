/**
 * The verified-token cache: a token seen again within its lifetime skips the signature check. Entries are keyed by
 * the SHA-256 of the token, so a heap dump or a debugger shows digests, never a usable token. Bounded LRU; an entry
 * dies at the token's `exp`. Revocation is not the cache's job: its user checks the deny list on every hit.
 * Shared by the verify SDK (and so the gateway) and the server's introspection.
 */
import { hash } from 'node:crypto';

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/**
 * SHA-256 of the token, base64: what the cache stores instead of the token. The one-shot hash() skips the Hash
 * object that createHash() builds, the larger part of a cache hit's cost in a profile.
 */
export function tokenDigest(token: string): string {
  return hash('sha256', token, 'base64');
}

export class TokenCache<T> {
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** A Map iterates in insertion order, so re-inserting on every hit makes the first key the least recently used. */
  readonly #entries = new Map<string, Entry<T>>();

  /** `maxEntries` 0 disables the cache: get always misses, set stores nothing. */
  constructor(maxEntries: number, now: () => number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new TypeError('maxEntries must be an integer >= 0');
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get enabled(): boolean {
    return this.#maxEntries > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(digest: string): T | undefined {
    const entry = this.#entries.get(digest);
    if (entry === undefined) return undefined;
    this.#entries.delete(digest);
    if (this.#now() >= entry.expiresAtMs) return undefined;
    this.#entries.set(digest, entry);
    return entry.value;
  }

  /** Stores a value until `expiresAtMs`; evicts the least recently used entry when full. */
  set(digest: string, value: T, expiresAtMs: number): void {
    if (this.#maxEntries === 0 || this.#now() >= expiresAtMs) return;
    this.#entries.delete(digest);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(digest, { value, expiresAtMs });
  }

  /** The digests held, least recently used first (for tests and diagnostics; never tokens). */
  digests(): string[] {
    return [...this.#entries.keys()];
  }

  clear(): void {
    this.#entries.clear();
  }
}
