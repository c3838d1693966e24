import type { SigningAlgorithm } from '@tollgate/jwt';
import { type Clock, epochSeconds } from '../clock.js';
import type { KeyRing } from '../keys/keyring.js';
import type { ApiStore, SigningKeyRecord } from '../storage.js';

export interface KeyInfo {
  kid: string;
  alg: SigningAlgorithm;
  createdAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
  signing: boolean;
}

function keyInfo(record: SigningKeyRecord): KeyInfo {
  const { kid, alg, createdAt, retiredAt, expiresAt } = record;
  return { kid, alg, createdAt, retiredAt, expiresAt, signing: retiredAt === null };
}

export class KeyAdmin {
  readonly #keys: KeyRing;
  readonly #apis: ApiStore;
  readonly #clock: Clock;
  readonly #defaultAlg: SigningAlgorithm;
  readonly #defaultTtlSeconds: number;
  readonly #clockToleranceSeconds: number;

  constructor(
    keys: KeyRing,
    apis: ApiStore,
    clock: Clock,
    options: { defaultAlg: SigningAlgorithm; defaultTtlSeconds: number; clockToleranceSeconds: number },
  ) {
    this.#keys = keys;
    this.#apis = apis;
    this.#clock = clock;
    this.#defaultAlg = options.defaultAlg;
    this.#defaultTtlSeconds = options.defaultTtlSeconds;
    this.#clockToleranceSeconds = options.clockToleranceSeconds;
  }

  /**
   * Adds a new signing key. The replaced key stays in the JWKS until the longest-lived token it can have
   * signed has expired (the largest API token lifetime plus clock leeway), so no live token breaks.
   */
  async rotate(alg: SigningAlgorithm = this.#defaultAlg): Promise<KeyInfo> {
    const apis = await this.#apis.list();
    const longestTtl = Math.max(this.#defaultTtlSeconds, ...apis.map((api) => api.tokenTtlSeconds));
    const retiredKeysExpireAt = epochSeconds(this.#clock) + longestTtl + this.#clockToleranceSeconds;
    return keyInfo(await this.#keys.rotate(alg, retiredKeysExpireAt));
  }

  async list(): Promise<KeyInfo[]> {
    await this.#keys.reload();
    return this.#keys.records().map(keyInfo);
  }
}
