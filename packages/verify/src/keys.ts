/**
 * The issuer's signing keys, kept current: discovery (RFC 8414), the JWKS, a periodic refresh, a rate-limited refetch
 * for unknown kids, and, unlike jose's remote key set, the known keys kept for as long as the issuer is unreachable.
 */
import type { KeyResolver, SigningAlgorithm, VerificationKey } from '@tollgate/jwt';
import { discoverEndpoints, type IssuerEndpoints } from './discovery.js';
import { FetchError, fetchJsonObject } from './http.js';
import { importJwks } from '@tollgate/jwt';

export { METADATA_PATH, metadataUrl } from './discovery.js';

/** After a failed refresh the next attempt comes sooner than the regular interval, backing off up to it. */
const MIN_RETRY_DELAY_MS = 1_000;

export interface KeyStoreOptions {
  issuer: string;
  fetch: typeof fetch;
  now: () => number;
  /**
   * Minimum time between fetches triggered by requests (unknown kids, unknown algorithms, missing keys). The initial
   * load and the periodic refresh do not count: a key rotated in just after either must be found on its first use.
   */
  refetchIntervalMs: number;
  /** Regular refresh period. */
  refreshIntervalMs: number;
  /** Per request. */
  timeoutMs: number;
  /** Called after a refresh removed a key, so caches of tokens it verified can be dropped. */
  onKeysRemoved?: () => void;
}

export class RemoteKeyStore {
  readonly #options: KeyStoreOptions;
  readonly #closing = new AbortController();
  #keys = new Map<string, VerificationKey>();
  #algorithms: readonly SigningAlgorithm[] = [];
  #endpoints: IssuerEndpoints | undefined;
  #inFlight: Promise<void> | undefined;
  /** When the last request-triggered refetch started; scheduled fetches leave it alone. */
  #lastTriggeredFetchAtMs = Number.NEGATIVE_INFINITY;
  #consecutiveFailures = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: KeyStoreOptions) {
    this.#options = options;
  }

  /** Whether a JWKS was ever fetched. */
  get loaded(): boolean {
    return this.#keys.size > 0;
  }

  /** The algorithms of the keys in the JWKS: the allow-list for tokens (the JWKS decides, not the token). */
  get algorithms(): readonly SigningAlgorithm[] {
    return this.#algorithms;
  }

  /** The endpoints of the metadata, once discovery succeeded (it happens with the first JWKS fetch). */
  get endpoints(): IssuerEndpoints | undefined {
    return this.#endpoints;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /**
   * The resolver for validateAccessToken: synchronous for a known kid (the hot path); for an unknown one, a
   * rate-limited refetch first, so a key the issuer just rotated in is found.
   */
  readonly resolve: KeyResolver = (kid) => this.#keys.get(kid) ?? this.#resolveAfterRefetch(kid);

  async #resolveAfterRefetch(kid: string): Promise<VerificationKey | undefined> {
    await this.refetchIfDue().catch(() => undefined);
    return this.#keys.get(kid);
  }

  /** Fetches now (sharing a fetch already under way) and starts the periodic refresh. Rejects if the fetch fails. */
  load(): Promise<void> {
    return this.#refresh();
  }

  /**
   * The request-triggered fetch: fetches unless another request triggered one less than `refetchIntervalMs` ago, so a
   * flood of random kids costs the issuer at most one fetch per interval. Concurrent callers share one fetch, and a
   * fetch already under way (even a scheduled one) is shared rather than followed by another. Resolves to whether a
   * fetch ran (or was already running); rejects when it failed.
   */
  async refetchIfDue(): Promise<boolean> {
    if (this.#inFlight !== undefined) {
      await this.#inFlight;
      return true;
    }
    const nowMs = this.#options.now();
    if (nowMs - this.#lastTriggeredFetchAtMs < this.#options.refetchIntervalMs) return false;
    this.#lastTriggeredFetchAtMs = nowMs;
    await this.#refresh();
    return true;
  }

  close(): void {
    this.#closing.abort();
    clearTimeout(this.#timer);
  }

  #refresh(): Promise<void> {
    if (this.#closing.signal.aborted) return Promise.reject(new Error('the verifier is closed'));
    if (this.#inFlight === undefined) {
      this.#inFlight = this.#fetchKeys().finally(() => {
        this.#inFlight = undefined;
        this.#scheduleRefresh();
      });
    }
    return this.#inFlight;
  }

  async #fetchKeys(): Promise<void> {
    try {
      const http = { fetch: this.#options.fetch, timeoutMs: this.#options.timeoutMs, signal: this.#closing.signal };
      this.#endpoints ??= await discoverEndpoints(this.#options.issuer, http);
      const jwks = await fetchJsonObject(this.#endpoints.jwksUri, http);
      this.#replaceKeys(this.#endpoints.jwksUri, jwks);
      this.#consecutiveFailures = 0;
    } catch (error) {
      // The known keys stay: an outage of the issuer must not become an outage of every API it protects.
      this.#consecutiveFailures++;
      throw error;
    }
  }

  #replaceKeys(jwksUri: string, jwks: Record<string, unknown>): void {
    let keys: Map<string, VerificationKey>;
    try {
      keys = importJwks(jwks);
    } catch (error) {
      throw new FetchError(jwksUri, (error as Error).message);
    }
    // An empty set is treated as a failed fetch, like an unreachable server: keep verifying with the known keys.
    if (keys.size === 0) throw new FetchError(jwksUri, 'the JWKS has no usable signing key');
    const removed = this.keyIds.some((kid) => !keys.has(kid));
    this.#keys = keys;
    const algorithms = new Set([...keys.values()].map((key) => key.alg));
    if (algorithms.size !== this.#algorithms.length || this.#algorithms.some((alg) => !algorithms.has(alg))) {
      this.#algorithms = Object.freeze([...algorithms]);
    }
    if (removed) this.#options.onKeysRemoved?.();
  }

  #scheduleRefresh(): void {
    if (this.#closing.signal.aborted) return;
    clearTimeout(this.#timer);
    const regular = this.#options.refreshIntervalMs;
    const delayMs =
      this.#consecutiveFailures === 0
        ? regular
        : Math.min(regular, MIN_RETRY_DELAY_MS * 2 ** Math.min(this.#consecutiveFailures - 1, 16));
    this.#timer = setTimeout(() => this.#refresh().catch(() => undefined), delayMs);
    // A timer alone must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }
}
