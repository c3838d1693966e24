/**
 * A WindowCounter held by the primary of `tollgate gateway --workers N` and used by its workers over the cluster's
 * IPC channel, so a rate limit of N requests admits N across all workers, not N per worker. The primary counts in
 * one event loop, one message at a time, so every hit is atomic as MemoryWindowCounter's are within one process.
 */
import type { Worker } from 'node:cluster';
import { type WindowCount, type WindowCounter, assertWindowMs } from '@tollgate/window-counter';

type Operation = 'hit' | 'peek' | 'takeBack' | 'reset';

interface CounterRequest {
  tollgate: 'window-counter';
  id: number;
  op: Operation;
  key: string;
  windowMs: number;
}

interface CounterReply {
  tollgate: 'window-counter';
  id: number;
  count?: WindowCount;
  error?: string;
}

interface Pending {
  resolve(count: WindowCount | undefined): void;
  reject(error: Error): void;
}

function isCounterMessage(message: unknown): message is { tollgate: 'window-counter' } {
  return (
    typeof message === 'object' && message !== null && 'tollgate' in message && message.tollgate === 'window-counter'
  );
}

/** The worker's side: each call is one request to the primary and its answer. */
export class IpcWindowCounter implements WindowCounter {
  readonly #pending = new Map<number, Pending>();
  #lastId = 0;

  constructor() {
    process.on('message', this.#onMessage);
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    assertWindowMs(windowMs);
    return (await this.#ask('hit', key, windowMs)) as WindowCount;
  }

  async peek(key: string): Promise<WindowCount> {
    return (await this.#ask('peek', key, 0)) as WindowCount;
  }

  async takeBack(key: string): Promise<void> {
    await this.#ask('takeBack', key, 0);
  }

  async reset(key: string): Promise<void> {
    await this.#ask('reset', key, 0);
  }

  /** Stops listening; calls still waiting fail. */
  async close(): Promise<void> {
    process.off('message', this.#onMessage);
    for (const pending of this.#pending.values()) pending.reject(new Error('the rate-limit counter was closed'));
    this.#pending.clear();
  }

  #ask(op: Operation, key: string, windowMs: number): Promise<WindowCount | undefined> {
    return new Promise((resolve, reject) => {
      if (process.send === undefined || !process.connected) {
        reject(new Error('no IPC channel to the gateway primary'));
        return;
      }
      const id = ++this.#lastId;
      this.#pending.set(id, { resolve, reject });
      const request: CounterRequest = { tollgate: 'window-counter', id, op, key, windowMs };
      process.send(request, undefined, undefined, (error: Error | null) => {
        if (error === null) return;
        this.#pending.delete(id);
        reject(error);
      });
    });
  }

  readonly #onMessage = (message: unknown): void => {
    if (!isCounterMessage(message)) return;
    const reply = message as CounterReply;
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (reply.error === undefined) pending.resolve(reply.count);
    else pending.reject(new Error(`the gateway primary could not count: ${reply.error}`));
  };
}

/** The primary's side: answers one worker's requests from `counter`. */
export function serveWindowCounter(worker: Worker, counter: WindowCounter): void {
  worker.on('message', (message: unknown) => {
    if (!isCounterMessage(message)) return;
    const request = message as CounterRequest;
    answer(counter, request).then((reply) => {
      // A worker that went away meanwhile has nobody left to tell.
      if (worker.isConnected()) worker.send(reply);
    });
  });
}

async function answer(counter: WindowCounter, request: CounterRequest): Promise<CounterReply> {
  const reply: CounterReply = { tollgate: 'window-counter', id: request.id };
  try {
    if (request.op === 'hit') reply.count = await counter.hit(request.key, request.windowMs);
    else if (request.op === 'peek') reply.count = await counter.peek(request.key);
    else if (request.op === 'takeBack') await counter.takeBack(request.key);
    else if (request.op === 'reset') await counter.reset(request.key);
    else reply.error = 'unknown operation';
  } catch (error) {
    reply.error = error instanceof Error ? error.message : 'unknown error';
  }
  return reply;
}
