/**
 * Clients and APIs in memory for the token flows, which otherwise read both on every token and introspection request
 * (on PostgreSQL, two network round trips per token). What keeps the cache honest is what carries revocations:
 * - a change made through this process (management, admin API, CLI) clears it at once, then publishes the
 *   cross-node nudge (`onChange`, the revocation signal);
 * - the nudge from any node clears it (Tollgate subscribes `clear` beside the revocation feed's poll);
 * - nothing is older than `maxAgeMs`, the fallback when no nudge comes (Redis down or not configured, a CLI run on
 *   another host), as the revocation feed's store poll is for revocations.
 * So a client deleted or given a new secret, or an API removed or given other scopes, on one node is refused on every
 * node within a second, as a revoked token is. What is new is found at once: a client the cache does not hold is read
 * from the store, and an API missing from the cached list has the list read again (at most once per
 * `API_MISS_REREAD_MS`, so a flood of unknown resources costs a store read a few times a second, not per request): an
 * API added by a CLI run beside the server, which nudges nobody without Redis, is usable at the next request.
 *
 * Management reads the store directly (`managed*`): an operator changing a client must see the store, not a cached
 * copy. Records handed out are frozen, since every caller shares them.
 */
import type { ApiRecord, ApiStore, ClientRecord, ClientStore, Store } from '../storage/index.js';
import { ReadThroughCache } from './read-through-cache.js';

/** Well inside the revocation deadline of a second, and a store read per client and per half second at most. */
export const CATALOG_MAX_AGE_MS = 500;
/** How often an API missing from the cached list may have the list read again. */
export const API_MISS_REREAD_MS = 20;
const MAX_CACHED_CLIENTS = 10_000;
const ALL_APIS = 'apis';

export interface CatalogCacheOptions {
  /** 0 reads the store on every request, as before the cache. */
  maxAgeMs?: number;
  /** Monotonic milliseconds; performance.now by default (tests move their own). */
  now?: () => number;
}

/** Every API at once: they are few, and the introspection of a JWT needs all their identifiers as its audience. */
interface ApiCatalog {
  byIdentifier: ReadonlyMap<string, ApiRecord>;
  defaultApi: ApiRecord | undefined;
  identifiers: readonly string[];
}

export class CatalogCache {
  /** For the token flows: `get` (and the default API) from memory. Writes go through as `managed*`'s do. */
  readonly clients: ClientStore;
  readonly apis: ApiStore;
  /** For management: reads straight from the store; each write clears the cache and calls `onChange`. */
  readonly managedClients: ClientStore;
  readonly managedApis: ApiStore;
  readonly #clientCache: ReadThroughCache<string, ClientRecord>;
  readonly #apiCache: ReadThroughCache<typeof ALL_APIS, ApiCatalog>;
  readonly #now: () => number;
  #apiMissRereadAtMs = Number.NEGATIVE_INFINITY;

  constructor(store: Pick<Store, 'clients' | 'apis'>, onChange: () => void, options: CatalogCacheOptions = {}) {
    const cacheOptions = {
      maxAgeMs: options.maxAgeMs ?? CATALOG_MAX_AGE_MS,
      now: options.now ?? (() => performance.now()),
    };
    this.#now = cacheOptions.now;
    this.#clientCache = new ReadThroughCache(async (id) => frozenClient(await store.clients.get(id)), {
      ...cacheOptions,
      maxEntries: MAX_CACHED_CLIENTS,
    });
    this.#apiCache = new ReadThroughCache(async () => apiCatalog(await store.apis.list()), {
      ...cacheOptions,
      maxEntries: 1,
    });
    const changed = () => {
      this.clear();
      onChange();
    };
    this.managedClients = clientWriter(store.clients, changed);
    this.managedApis = apiWriter(store.apis, changed);
    this.clients = { ...this.managedClients, get: (id) => this.#clientCache.get(id) };
    this.apis = {
      ...this.managedApis,
      get: async (identifier) =>
        (await this.#apis()).byIdentifier.get(identifier) ?? (await this.#apisAfterMiss()).byIdentifier.get(identifier),
      getDefault: async () => (await this.#apis()).defaultApi,
    };
  }

  /** The identifier of every registered API. */
  async apiIdentifiers(): Promise<readonly string[]> {
    return (await this.#apis()).identifiers;
  }

  /** Forgets every client and API: the next request reads them from the store. */
  clear(): void {
    this.#clientCache.clear();
    this.#apiCache.clear();
  }

  async #apis(): Promise<ApiCatalog> {
    return (await this.#apiCache.get(ALL_APIS)) ?? apiCatalog([]);
  }

  /** The list read again after a miss, unless it was so read a moment ago (then the list as it is). */
  #apisAfterMiss(): Promise<ApiCatalog> {
    const now = this.#now();
    if (now - this.#apiMissRereadAtMs >= API_MISS_REREAD_MS) {
      this.#apiMissRereadAtMs = now;
      this.#apiCache.clear();
    }
    return this.#apis();
  }
}

/**
 * The cache is cleared after the write returned or failed (a failure may still have committed), never before: a read
 * between the two could otherwise put the old record back.
 */
async function thenClear<T>(write: Promise<T>, changed: () => void): Promise<T> {
  try {
    return await write;
  } finally {
    changed();
  }
}

function clientWriter(clients: ClientStore, changed: () => void): ClientStore {
  return {
    add: (client) => thenClear(clients.add(client), changed),
    get: (id) => clients.get(id),
    list: () => clients.list(),
    remove: (id) => thenClear(clients.remove(id), changed),
    update: (id, changes) => thenClear(clients.update(id, changes), changed),
  };
}

function apiWriter(apis: ApiStore, changed: () => void): ApiStore {
  return {
    add: (api, options) => thenClear(apis.add(api, options), changed),
    update: (identifier, changes) => thenClear(apis.update(identifier, changes), changed),
    get: (identifier) => apis.get(identifier),
    getDefault: () => apis.getDefault(),
    list: () => apis.list(),
    remove: (identifier) => thenClear(apis.remove(identifier), changed),
  };
}

/** Shared by every request, so nobody may change it. */
function frozen<T extends object>(record: T): T {
  for (const value of Object.values(record)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(record);
}

function frozenClient(client: ClientRecord | undefined): ClientRecord | undefined {
  return client && frozen(client);
}

function apiCatalog(apis: readonly ApiRecord[]): ApiCatalog {
  const byIdentifier = new Map(apis.map((api) => [api.identifier, frozen(api)] as const));
  return {
    byIdentifier,
    defaultApi: [...byIdentifier.values()].find((api) => api.isDefault),
    identifiers: Object.freeze([...byIdentifier.keys()]),
  };
}
