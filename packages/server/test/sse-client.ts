/** A minimal Server-Sent Events reader over fetch, for tests: parses the stream into fields per message. */
import { Agent } from 'undici';

/**
 * fetch over a connection pool of its own, destroyed at the end of a suite. The global pool re-opens a
 * connection after a cancelled stream and leaves it idle, which makes the server's close wait seconds.
 */
export class TestHttpClient {
  readonly #agent = new Agent();

  fetch(url: string, init: RequestInit = {}): Promise<Response> {
    // undici's Agent and the types Node's fetch declares are separate copies of the same interface.
    return fetch(url, { ...init, dispatcher: this.#agent } as unknown as RequestInit);
  }

  close(): Promise<void> {
    return this.#agent.destroy();
  }
}

export interface StreamMessage {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  /** Comment lines (`: ping`), without the colon and leading space. */
  comments: string[];
}

export class EventStreamReader {
  readonly response: Response;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  #ended = false;
  #pendingRead: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined;

  constructor(response: Response) {
    if (!response.body) throw new Error('the response has no body');
    this.response = response;
    this.#reader = response.body.getReader();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The next message, or undefined when the stream ended; rejects after `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<StreamMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const boundary = this.#buffer.indexOf('\n\n');
      if (boundary !== -1) {
        const block = this.#buffer.slice(0, boundary);
        this.#buffer = this.#buffer.slice(boundary + 2);
        return parseMessage(block);
      }
      if (this.#ended) return undefined;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      // A read that lost the race to a timeout stays pending and is awaited next time, so no chunk is lost.
      this.#pendingRead ??= this.#reader.read();
      const chunk = await withTimeout(this.#pendingRead, remaining, timeoutMs);
      this.#pendingRead = undefined;
      if (chunk.done) this.#ended = true;
      else this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next message that is not a comment-only keep-alive. */
  async nextEvent(timeoutMs = 2000): Promise<StreamMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(1, deadline - Date.now()));
      if (message === undefined || message.event !== undefined || message.retry !== undefined) return message;
    }
  }

  /** Reads until the stream ends; true if it did within `timeoutMs`. */
  async drainToEnd(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    try {
      while ((await this.next(Math.max(1, deadline - Date.now()))) !== undefined);
      return true;
    } catch (error) {
      // A connection cut by the server shows up as a failed read: the stream ended too.
      return !(error instanceof Error && error.message.startsWith('no message'));
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function parseMessage(block: string): StreamMessage {
  const message: StreamMessage = { comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      message.comments.push(line.slice(1).trimStart());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id' || field === 'event' || field === 'data' || field === 'retry') message[field] = value;
  }
  return message;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, total: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no message within ${total} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
