import type { SigningAlgorithm } from '@tollgate/jwt';
import { type Clock, epochSeconds } from '../clock.js';
import { NotFound } from '../errors.js';
import type { KeyRing } from '../keys/keyring.js';
import type { ApiStore, SigningKeyRecord } from '../storage/index.js';

export interface KeyInfo {
  kid: string;
  alg: SigningAlgorithm;
  createdAt: number;
  /** When it starts (or started) signing: after the propagation delay, or at once with `now`. */
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
  signing: boolean;
}

export interface KeyRotationOptions {
  /** Sign with the new key at once, before verifiers may have fetched it: for emergencies only. */
  now?: boolean;
}

export interface KeyAdminOptions {
  defaultAlg: SigningAlgorithm;
  defaultTtlSeconds: number;
  clockToleranceSeconds: number;
  /** How long a rotated key is published before it signs; longer than any verifier's JWKS refetch interval. */
  propagationDelaySeconds: number;
  /**
   * Tells every verifier that `kid` is withdrawn (the revocation stream) until `expiresAt`, when every token it
   * signed has expired anyway.
   */
  publishRetirement: (kid: string, expiresAt: number) => Promise<void>;
}

export class KeyAdmin {
  readonly #keys: KeyRing;
  readonly #apis: ApiStore;
  readonly #clock: Clock;
  readonly #options: KeyAdminOptions;

  constructor(keys: KeyRing, apis: ApiStore, clock: Clock, options: KeyAdminOptions) {
    this.#keys = keys;
    this.#apis = apis;
    this.#clock = clock;
    this.#options = options;
  }

  /**
   * Adds a new signing key: published at once, signing after the propagation delay (or at once with `now`). The key
   * it replaces keeps signing until then and stays in the JWKS until the longest-lived token it can have signed has
   * expired (the largest API token lifetime plus clock leeway), so no live token breaks.
   */
  async rotate(alg: SigningAlgorithm = this.#options.defaultAlg, options: KeyRotationOptions = {}): Promise<KeyInfo> {
    const delaySeconds = options.now === true ? 0 : this.#options.propagationDelaySeconds;
    const lifetimeSeconds = await this.#longestLifetimeSeconds();
    return this.#info(await this.#keys.rotate(alg, { delaySeconds, lifetimeSeconds }));
  }

  /**
   * Withdraws a compromised key: out of the JWKS at once, and every verifier told through the revocation stream to
   * refuse its tokens. If it signs now or was about to, a new key of the same algorithm takes over at once first (a
   * compromised key must not sign another token, and there must always be one that signs).
   */
  async retire(kid: string): Promise<KeyInfo> {
    await this.#keys.reload();
    const record = this.#keys.records().find((key) => key.kid === kid);
    if (record === undefined) throw new NotFound('No signing key has this kid');
    const now = epochSeconds(this.#clock);
    if (record.activatesAt > now || this.#keys.signingKid() === kid) await this.rotate(record.alg, { now: true });
    await this.#keys.withdraw(kid, now);
    await this.#options.publishRetirement(kid, now + (await this.#longestLifetimeSeconds()));
    return { ...this.#info(record), retiredAt: now, expiresAt: now, signing: false };
  }

  async list(): Promise<KeyInfo[]> {
    await this.#keys.reload();
    return this.#keys.records().map((record) => this.#info(record));
  }

  /** The longest an access token may live, plus clock leeway: how long a key's tokens outlive its last signature. */
  async #longestLifetimeSeconds(): Promise<number> {
    const apis = await this.#apis.list();
    const longestTtl = Math.max(this.#options.defaultTtlSeconds, ...apis.map((api) => api.tokenTtlSeconds));
    return longestTtl + this.#options.clockToleranceSeconds;
  }

  #info(record: SigningKeyRecord): KeyInfo {
    const { kid, alg, createdAt, activatesAt, retiredAt, expiresAt } = record;
    return { kid, alg, createdAt, activatesAt, retiredAt, expiresAt, signing: this.#keys.signingKid() === kid };
  }
}
