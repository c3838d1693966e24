/**
 * What happened inside Tollgate, for observers in the same process: metrics count it, webhooks deliver it. Facts only,
 * never a secret or a hash. Emitting is synchronous and never fails the flow that emits: an observer that throws is
 * the observer's bug, so it is reported to `onListenerError` and the others still run.
 */
import type { AuditEventRecord } from '../storage/index.js';

export type TollgateEvent =
  /** An audit event was written (success or failure): every management change, and the security events below. */
  | { type: 'audit'; event: AuditEventRecord }
  /** The token endpoint issued an access token. `grantType` as requested (`password` for the JSON login). */
  | { type: 'token_issued'; grantType: string }
  /** An introspection was answered (RFC 7662); `active` is the verdict. */
  | { type: 'introspection'; active: boolean }
  /** New revocations were written and the revocation stream told at once. */
  | { type: 'revocations_published' }
  /** An attempt refused by the brute-force guard, before any secret was checked. */
  | { type: 'brute_force_refused' };

export type TollgateEventType = TollgateEvent['type'];
export type TollgateEventListener = (event: TollgateEvent) => void;

export class TollgateEvents {
  readonly #listeners = new Set<TollgateEventListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: { onListenerError?: (error: unknown) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** Returns the function that stops this listener. */
  subscribe(listener: TollgateEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: TollgateEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
