/** What the client signs DPoP proofs with: one key for the client's life, the servers' nonces, and its clock. */
import { DpopNonces } from './nonces.js';
import { createDpopProof } from './proof.js';
import { type DpopKey, dpopKeyFrom, generateDpopKeyPair } from './key.js';

export type DpopKeyPairSource = CryptoKeyPair | (() => Promise<CryptoKeyPair>);

export class DpopSigner {
  readonly nonces = new DpopNonces();
  readonly #now: () => number;
  readonly #source: DpopKeyPairSource | undefined;
  #key: Promise<DpopKey> | undefined;

  /** Without `source`, a fresh non-extractable key pair is generated on first use. */
  constructor(now: () => number, source?: DpopKeyPairSource) {
    this.#now = now;
    this.#source = source;
  }

  /** The key, made or loaded once: every proof and every bound token must use the same one (RFC 9449 5). */
  key(): Promise<DpopKey> {
    if (this.#key === undefined) {
      const source = this.#source;
      const pair = source === undefined ? generateDpopKeyPair() : typeof source === 'function' ? source() : source;
      this.#key = Promise.resolve(pair).then(dpopKeyFrom);
      // A failed load may succeed next time (IndexedDB busy, say); do not cache the failure.
      this.#key.catch(() => {
        this.#key = undefined;
      });
    }
    return this.#key;
  }

  async proof(method: string, url: string, accessToken?: string): Promise<string> {
    return createDpopProof(await this.key(), {
      method,
      url,
      accessToken,
      nonce: this.nonces.get(url),
      nowMs: this.#now(),
    });
  }
}
