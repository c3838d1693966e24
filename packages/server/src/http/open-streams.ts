/**
 * The long-lived responses of one app (revocation streams), so shutdown can end them: an open stream
 * would otherwise hold `app.close()` until its client hung up, which gateways and the SDK never do.
 * A stream still authenticating when shutdown begins must not open afterwards, out of reach of the
 * ending: once `endAll()` ran, `admit()` refuses every new stream.
 */
import { ServiceUnavailable } from '@tollgate/core';
import type { EventStream } from './event-stream.js';

export class OpenStreams {
  readonly #streams = new Set<EventStream>();
  #closing = false;

  /**
   * Throws a 503 `temporarily_unavailable` (RFC 6749 5.2) once shutdown began: the client retries on
   * another node after Retry-After, rather than opening a stream that ends at once.
   */
  admit(): void {
    if (this.#closing) throw new ServiceUnavailable({ detail: 'the node is shutting down' });
  }

  add(stream: EventStream): void {
    if (this.#closing) stream.end();
    else this.#streams.add(stream);
  }

  delete(stream: EventStream): void {
    this.#streams.delete(stream);
  }

  get size(): number {
    return this.#streams.size;
  }

  /** The largest number of bytes any open stream has written that its client has not yet taken. */
  largestBacklogBytes(): number {
    let largest = 0;
    for (const stream of this.#streams) largest = Math.max(largest, stream.backlogBytes);
    return largest;
  }

  /** Ends every open stream and refuses new ones from now on. Irreversible. */
  endAll(): void {
    this.#closing = true;
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }
}
