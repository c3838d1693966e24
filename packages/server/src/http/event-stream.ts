/**
 * A Server-Sent Events response (WHATWG HTML, "Server-sent events") written on the raw Node response of a
 * hijacked Fastify reply. It owns the response from the status line on: headers, a keep-alive comment every
 * few seconds (so proxies and clients see a dead connection within seconds, not minutes), and a bound on
 * what it buffers for a client that does not read: past that the stream is cut, and the client resumes
 * from its Last-Event-ID.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface EventStreamOptions {
  /** Interval of the `: ping` comment. */
  pingIntervalMs: number;
  /**
   * Asked at each ping interval; false skips that ping. A ping tells the client the stream is current, so a
   * source that cannot currently read what it streams says false, and the client sees silence (and goes stale).
   */
  shouldPing?: () => boolean;
  /** Bytes waiting in the response and socket buffers beyond which the client counts as too slow. */
  maxBufferedBytes: number;
  /** Extra headers, e.g. those onRequest hooks set on the reply before it was hijacked (HSTS). */
  headers: OutgoingHttpHeaders;
}

export type StreamEndReason = 'client' | 'server' | 'slow-client';

export const EVENT_STREAM_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  // nginx buffers proxied responses by default, which would hold events back; this header turns that off.
  'x-accel-buffering': 'no',
  // A stream is never followed by another request on its connection, and server shutdown must not wait
  // for an idle keep-alive after it.
  connection: 'close',
});

export class EventStream {
  readonly #response: ServerResponse;
  readonly #maxBufferedBytes: number;
  #endReason: StreamEndReason | undefined;

  /** Sends the headers; `onClose` runs once (asynchronously), whoever ends the stream. */
  constructor(response: ServerResponse, options: EventStreamOptions, onClose: (reason: StreamEndReason) => void) {
    this.#response = response;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    if (response.destroyed) {
      // The client left before the stream began (e.g. during client authentication): 'close' was already emitted.
      queueMicrotask(() => onClose('client'));
      return;
    }
    response.writeHead(200, { ...options.headers, ...EVENT_STREAM_HEADERS });
    const { shouldPing } = options;
    const ping = setInterval(() => {
      if (shouldPing === undefined || shouldPing()) this.#write(': ping\n\n');
    }, options.pingIntervalMs);
    ping.unref();
    response.once('close', () => {
      clearInterval(ping);
      onClose(this.#endReason ?? 'client');
    });
  }

  get open(): boolean {
    return this.#endReason === undefined && !this.#response.destroyed;
  }

  /** Bytes written that the client has not yet taken: its lag behind the stream (writableLength, as #write). */
  get backlogBytes(): number {
    return this.#response.writableLength;
  }

  /** The reconnection delay the client should use (the `retry` field), in milliseconds. */
  retry(ms: number): void {
    this.#write(`retry: ${Math.round(ms)}\n\n`);
  }

  /**
   * One event. `data` is JSON-encoded, so it is a single line (JSON escapes line breaks) and cannot end the
   * event early; `id` and `event` are server-chosen tokens without line breaks.
   */
  event(event: string, data: unknown, id?: string): void {
    const idLine = id === undefined ? '' : `id: ${id}\n`;
    this.#write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the stream after what is buffered has been sent. */
  end(): void {
    if (!this.open) return;
    this.#endReason = 'server';
    this.#response.end();
  }

  #write(chunk: string): void {
    if (!this.open) return;
    this.#response.write(chunk);
    // writableLength counts both the response's own buffer and the socket's.
    if (this.#response.writableLength > this.#maxBufferedBytes) {
      this.#endReason = 'slow-client';
      // Destroy rather than end: ending would wait for the very buffer the client is not reading.
      this.#response.destroy();
    }
  }
}
