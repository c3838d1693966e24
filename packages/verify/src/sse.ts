/**
 * A Server-Sent Events parser, following the WHATWG HTML "event stream interpretation" rules: UTF-8 with a leading BOM
 * dropped; lines end in CRLF, LF or CR (also when a CRLF is split between two chunks); `:` starts a comment; `data`
 * lines are joined with LF; `id` persists across events and is ignored if it contains NUL; `retry` takes digits only;
 * a blank line dispatches; an incomplete event at the end of the stream is discarded.
 */

export interface SseEvent {
  /** The `event` field, `message` when absent. */
  type: string;
  data: string;
  /** The last `id` seen on this stream so far (it carries over to events without one). */
  lastEventId: string;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** A `retry` field: the server's suggested reconnection delay. */
  onRetry?(delayMs: number): void;
  onComment?(text: string): void;
}

export interface SseParserOptions {
  /** Where a resumed stream starts: the id the reconnect sent as Last-Event-ID. */
  lastEventId?: string;
  /** A line or event larger than this (in characters) is an error: a broken server must not exhaust memory. */
  maxEventLength?: number;
}

const LF = 10;
const CR = 13;
const DEFAULT_MAX_EVENT_LENGTH = 64 * 1024;
const DIGITS = /^[0-9]+$/;

export class SseParser {
  readonly #handlers: SseHandlers;
  readonly #maxEventLength: number;
  // Not fatal: the standard decodes invalid UTF-8 to U+FFFD. Stream mode keeps a character split across chunks.
  readonly #decoder = new TextDecoder('utf-8');
  #partialLine = '';
  /** The previous chunk ended in CR, so an LF opening the next chunk belongs to that line ending. */
  #skipLeadingLf = false;
  #data = '';
  #eventType = '';
  #lastEventId: string;

  constructor(handlers: SseHandlers, options: SseParserOptions = {}) {
    this.#handlers = handlers;
    this.#maxEventLength = options.maxEventLength ?? DEFAULT_MAX_EVENT_LENGTH;
    this.#lastEventId = options.lastEventId ?? '';
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Feeds bytes (or already decoded text) as they arrive. Throws RangeError when a line or event is too long. */
  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    let start = 0;
    if (this.#skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === LF) start = 1;
      this.#skipLeadingLf = false;
    }
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const line = this.#partialLine + text.slice(start, i);
      this.#partialLine = '';
      if (code === CR) {
        if (i + 1 === text.length) this.#skipLeadingLf = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
      this.#processLine(line);
    }
    this.#partialLine += text.slice(start);
    if (this.#partialLine.length > this.#maxEventLength) throw new RangeError('SSE line too long');
  }

  /** The stream ended: whatever was not terminated by a blank line is discarded. */
  end(): void {
    this.#decoder.decode();
    this.#partialLine = '';
    this.#data = '';
    this.#eventType = '';
    this.#skipLeadingLf = false;
  }

  #processLine(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 0x3a) {
      this.#handlers.onComment?.(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    this.#processField(field, value);
  }

  #processField(field: string, value: string): void {
    switch (field) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#data += `${value}\n`;
        if (this.#data.length > this.#maxEventLength) throw new RangeError('SSE event too long');
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (DIGITS.test(value)) this.#handlers.onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored.
    }
  }

  #dispatch(): void {
    const data = this.#data;
    const type = this.#eventType;
    this.#data = '';
    this.#eventType = '';
    // A blank line after no data lines dispatches nothing (an `event:` alone is dropped too).
    if (data === '') return;
    this.#handlers.onEvent({
      type: type === '' ? 'message' : type,
      data: data.slice(0, -1),
      lastEventId: this.#lastEventId,
    });
  }
}
