/**
 * A read-through cache of what the store says, for the token endpoint's hot path. An entry is the store's answer as of
 * when its read began; it is read again once older than `maxAgeMs`, and `clear()` drops every entry at once.
 * Concurrent misses for one key share one read. A read that fails, or finds nothing, is not kept: the next `get` asks
 * the store again (a client created a moment ago on another node is found at once).
 */

export interface ReadThroughCacheOptions {
  /** Entries older than this are read again. 0 turns the cache off (every `get` reads). */
  maxAgeMs: number;
  /** Above this many keys the oldest read is dropped first. */
  maxEntries: number;
  /** A monotonic clock in milliseconds (performance.now): wall-clock jumps must not make an entry live on. */
  now: () => number;
}

interface Entry<V> {
  value: Promise<V | undefined>;
  readAtMs: number;
}

export class ReadThroughCache<K, V> {
  readonly #read: (key: K) => Promise<V | undefined>;
  readonly #options: ReadThroughCacheOptions;
  /** Insertion order is read order, so the first key is the oldest read. */
  readonly #entries = new Map<K, Entry<V>>();

  constructor(read: (key: K) => Promise<V | undefined>, options: ReadThroughCacheOptions) {
    this.#read = read;
    this.#options = options;
  }

  get(key: K): Promise<V | undefined> {
    const now = this.#options.now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && now - entry.readAtMs < this.#options.maxAgeMs) return entry.value;
    return this.#readAgain(key, now);
  }

  /** Forgets everything; reads in flight are not kept either (clear() may mean they began before a change). */
  clear(): void {
    this.#entries.clear();
  }

  #readAgain(key: K, now: number): Promise<V | undefined> {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    const entry: Entry<V> = { value: this.#read(key), readAtMs: now };
    this.#entries.set(key, entry);
    const forget = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    entry.value.then((value) => {
      if (value === undefined) forget();
    }, forget);
    return entry.value;
  }
}
