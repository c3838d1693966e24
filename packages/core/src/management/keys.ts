/** Signing keys (admins only): list with the one that signs marked, rotation, and retirement of a compromised key. */
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '@tollgate/jwt';
import { AUDIT_ACTIONS } from '../audit/actions.js';
import { InvalidRequest } from '../errors.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, KeyView } from './contract.js';
import { keyView } from './views.js';

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
    return (await this.#context.admin.keys.list()).map(keyView);
  }

  async rotate(alg?: string, options: { now?: boolean } = {}): Promise<KeyView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.keyRotate);
    const now = options.now === true;
    const key = await this.#context.admin.keys.rotate(alg === undefined ? undefined : checkAlgorithm(alg), { now });
    await this.#context.audit.record(this.#actor, {
      action: AUDIT_ACTIONS.keyRotate,
      target: key.kid,
      detail: { alg: key.alg, activatesAt: key.activatesAt, now },
    });
    return keyView(key);
  }

  async retire(kid: string): Promise<KeyView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.keyRetire);
    const key = await this.#context.admin.keys.retire(kid);
    await this.#context.audit.record(this.#actor, { action: AUDIT_ACTIONS.keyRetire, target: key.kid });
    return keyView(key);
  }
}

function checkAlgorithm(alg: string): SigningAlgorithm {
  const known = SIGNING_ALGORITHMS.find((candidate) => candidate === alg);
  if (!known) throw new InvalidRequest(`alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  return known;
}
