/**
 * argon2id runs on worker threads of its own, never on the event loop and never on libuv's thread pool.
 *
 * @node-rs/argon2's async functions run on libuv's pool (4 threads by default), which the process shares with
 * everything else that uses it (file system, DNS lookups, async crypto): a burst of logins would take every pool
 * thread for tens of milliseconds each and, on a small machine, every core, while token and introspection requests
 * wait. Here each worker runs the addon's synchronous functions, so argon2 occupies at most `size` threads, one
 * core fewer than the machine has: the event loop always keeps a core for the requests that need no argon2.
 * Jobs queue (first come, first served) while every worker is busy; a worker is created on first need, holds the
 * process open only while it has a job, and is replaced if it ever dies.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The addon's options, as password.ts builds them (a plain object survives postMessage). */
export type Argon2Options = Record<string, number>;

export type Argon2Job =
  | { op: 'hash'; plain: string; options: Argon2Options }
  | { op: 'verify'; phcHash: string; plain: string };

type Reply = { id: number; value: string | boolean } | { id: number; error: string };

/**
 * The worker's code, run as a CommonJS script (eval), so that no separate file has to be found next to a bundle.
 * It loads the addon from the path the main thread resolved, and answers each job with its result or the message of
 * what it threw (a malformed hash makes verifySync throw).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.addonPath);
parentPort.on('message', (job) => {
  try {
    const value = job.op === 'hash' ? argon2.hashSync(job.plain, job.options) : argon2.verifySync(job.phcHash, job.plain);
    parentPort.postMessage({ id: job.id, value });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message ? error.message : error) });
  }
});
`;

/** What the addon threw for one job (a hash it cannot parse): the job's own failure, not the pool's. */
export class Argon2JobError extends Error {
  override readonly name = 'Argon2JobError';
}

/** One core for the event loop; at most 4 threads, what libuv's pool gave argon2 before. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

interface Pending {
  job: Argon2Job;
  resolve(value: string | boolean): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** The job it runs now, if any. */
  current: (Pending & { id: number }) | undefined;
}

export class Argon2Pool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 0;
  #addonPath: string | undefined;

  /** `addonPath` is for tests: where the workers load the addon from (by default, resolved from here). */
  constructor(size = defaultPoolSize(), options: { addonPath?: string } = {}) {
    if (!Number.isInteger(size) || size < 1) throw new TypeError('size must be an integer >= 1');
    this.#size = size;
    this.#addonPath = options.addonPath;
  }

  run(job: Argon2Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#dispatch();
    });
  }

  /** Jobs waiting for a worker (for tests and diagnostics). */
  get queued(): number {
    return this.#queue.length;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((candidate) => candidate.current === undefined) ?? this.#spawn();
      if (slot === undefined) return;
      const pending = this.#queue.shift() as Pending;
      const id = this.#nextId++;
      slot.current = { ...pending, id };
      slot.worker.ref();
      slot.worker.postMessage({ ...pending.job, id });
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.#size) return undefined;
    this.#addonPath ??= createRequire(import.meta.url).resolve('@node-rs/argon2');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { addonPath: this.#addonPath } });
    const slot: Slot = { worker, current: undefined };
    worker.on('message', (reply: Reply) => this.#settle(slot, reply));
    worker.on('error', (error) => this.#lose(slot, error));
    worker.on('exit', (code) => this.#lose(slot, new Error(`the argon2 worker exited with code ${code}`)));
    this.#slots.push(slot);
    return slot;
  }

  #settle(slot: Slot, reply: Reply): void {
    const current = slot.current;
    if (current === undefined || current.id !== reply.id) return;
    slot.current = undefined;
    slot.worker.unref();
    if ('error' in reply) current.reject(new Argon2JobError(reply.error));
    else current.resolve(reply.value);
    this.#dispatch();
  }

  /**
   * A worker that died (or could not load the addon) fails its job with a plain Error, never passing it, and leaves
   * its place to a new one.
   */
  #lose(slot: Slot, error: Error): void {
    const index = this.#slots.indexOf(slot);
    if (index === -1) return;
    this.#slots.splice(index, 1);
    const current = slot.current;
    slot.current = undefined;
    current?.reject(error);
    this.#dispatch();
  }
}
