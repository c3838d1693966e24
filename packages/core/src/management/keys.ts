/**
 * Signing keys (admins only): list with the one that signs marked, rotation, and retirement of a compromised key.
 * Publish first, sign later (keys/keyring.ts): a rotated key signs only after the propagation delay, and every key
 * stays in the JWKS until the longest-lived token it can have signed has expired, so no live token breaks.
 */
import { SIGNING_ALGORITHMS, type SigningAlgorithm, retiredKeyRevocationId } from '@tollgate/jwt';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { InvalidRequest, NotFound } from '../errors.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations } from './contract.js';
import { type KeyView, keyView } from './views.js';

/**
 * Longer than the verify SDK's and the gateway's JWKS refetch interval (10 s) and the JWKS `max-age` (60 s), with
 * margin: a verifier that refetched for some unknown kid just before a rotation can refetch again before the new
 * key's first token.
 */
export const DEFAULT_KEY_PROPAGATION_DELAY_SECONDS = 120;

type KeyOperationsShape = ActorOperations['keys'];

export class KeyOperations implements KeyOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(): Promise<KeyView[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.keyList);
    const { keyRing } = this.#context;
    await keyRing.reload();
    return keyRing.records().map((record) => keyView(record, keyRing.signingKid()));
  }

  async rotate(alg?: string, options: { now?: boolean } = {}): Promise<KeyView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.keyRotate);
    const now = options.now === true;
    const key = await this.#rotate(alg === undefined ? this.#context.keys.defaultAlg : checkAlgorithm(alg), now);
    await this.#context.audit.record(this.#actor, {
      action: AUDIT_ACTIONS.keyRotate,
      target: key.kid,
      detail: { alg: key.alg, activatesAt: key.activatesAt, now },
    });
    return key;
  }

  /**
   * Out of the JWKS at once, and every verifier told through the revocation stream to refuse its tokens. If it signs
   * now or was about to, a new key of the same algorithm takes over at once first: a compromised key must not sign
   * another token, and there must always be one that signs.
   */
  async retire(kid: string): Promise<KeyView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.keyRetire);
    const { keyRing, store, clock } = this.#context;
    await keyRing.reload();
    const record = keyRing.records().find((key) => key.kid === kid);
    if (record === undefined) throw new NotFound('No signing key has this kid');
    const now = epochSeconds(clock);
    if (record.activatesAt > now || keyRing.signingKid() === kid) await this.#rotate(record.alg, true);
    await keyRing.withdraw(kid, now);
    // Until every token the key signed has expired anyway.
    await store.revocations.add(retiredKeyRevocationId(kid), now, now + (await this.#longestLifetimeSeconds()));
    this.#context.onRevoked();
    await this.#context.audit.record(this.#actor, { action: AUDIT_ACTIONS.keyRetire, target: kid });
    return { ...keyView(record, undefined), retiredAt: now, expiresAt: now };
  }

  /** The key it replaces keeps signing until the new one activates, and verifying until its tokens have expired. */
  async #rotate(alg: SigningAlgorithm, now: boolean): Promise<KeyView> {
    const { keyRing, keys } = this.#context;
    const delaySeconds = now ? 0 : keys.propagationDelaySeconds;
    const lifetimeSeconds = await this.#longestLifetimeSeconds();
    const record = await keyRing.rotate(alg, { delaySeconds, lifetimeSeconds });
    return keyView(record, keyRing.signingKid());
  }

  /** The longest an access token may live, plus clock leeway: how long a key's tokens outlive its last signature. */
  async #longestLifetimeSeconds(): Promise<number> {
    const apis = await this.#context.store.apis.list();
    const longestTtl = Math.max(this.#context.defaultAccessTokenTtlSeconds, ...apis.map((api) => api.tokenTtlSeconds));
    return longestTtl + this.#context.keys.clockToleranceSeconds;
  }
}

function checkAlgorithm(alg: string): SigningAlgorithm {
  const known = SIGNING_ALGORITHMS.find((candidate) => candidate === alg);
  if (!known) throw new InvalidRequest(`alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  return known;
}
