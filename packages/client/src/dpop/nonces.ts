/**
 * The latest `DPoP-Nonce` each server sent (RFC 9449 8 for the authorization server, 9 for APIs). A nonce belongs
 * to the server that issued it, so they are kept per origin; any response may carry a new one.
 */
export class DpopNonces {
  readonly #byOrigin = new Map<string, string>();

  get(url: string): string | undefined {
    return this.#byOrigin.get(new URL(url).origin);
  }

  /** Remembers the nonce a response carried; true when it differs from the one held (a retry could succeed). */
  remember(url: string, nonce: string | null | undefined): boolean {
    if (nonce === null || nonce === undefined || nonce === '') return false;
    const origin = new URL(url).origin;
    if (this.#byOrigin.get(origin) === nonce) return false;
    this.#byOrigin.set(origin, nonce);
    return true;
  }
}
