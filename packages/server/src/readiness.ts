/**
 * Whether this node should get traffic: the load balancer's view (/readyz). Ready means the database
 * answered a trivial query within PING_TIMEOUT_MS, takes writes, and the node is not shutting down. Redis
 * is not part of it: without Redis the node still serves correctly, only less shared (docs/operations.md).
 *
 * A full disk lets `select 1` pass while every write fails, so a write refused for want of space (reported
 * by `noteFailure`) turns the node unready until a harmless write (`probeWrite`, retried every
 * WRITE_PROBE_INTERVAL_MS) succeeds again. The cause is logged once when writes start failing and once
 * when they work again, not per request.
 */
import { isStorageFull } from '@tollgate/store-sql';
import type { Logger } from 'pino';

/** A database slower than this to answer `select 1` is as good as down for a request. */
export const PING_TIMEOUT_MS = 1000;
/** While writes fail, how often a write is tried to see whether space is back. */
export const WRITE_PROBE_INTERVAL_MS = 1000;

export type ReadinessVerdict = { ready: true } | { ready: false; reason: string };

export interface ReadinessOptions {
  /** Rejects while the database does not answer. */
  ping(): Promise<void>;
  /** A write that changes nothing: rejects while the database refuses writes. Without it, the ping. */
  probeWrite?(): Promise<void>;
  /** Where a write outage is reported, at its start and at its end. */
  logger?: Pick<Logger, 'error' | 'info'>;
  timeoutMs?: number;
  writeProbeIntervalMs?: number;
}

export class Readiness {
  readonly #ping: () => Promise<void>;
  readonly #probeWrite: () => Promise<void>;
  readonly #logger: Pick<Logger, 'error' | 'info'> | undefined;
  readonly #timeoutMs: number;
  readonly #writeProbeIntervalMs: number;
  #draining = false;
  /** Set while the database refuses writes: the timer probing for their return. */
  #writeProbe: NodeJS.Timeout | undefined;
  /** Probes arriving together share one query, so a burst of health checks is one round trip. */
  #inFlight: Promise<ReadinessVerdict> | undefined;

  constructor(options: ReadinessOptions) {
    this.#ping = options.ping;
    this.#probeWrite = options.probeWrite ?? options.ping;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
    this.#writeProbeIntervalMs = options.writeProbeIntervalMs ?? WRITE_PROBE_INTERVAL_MS;
  }

  /** A request failed with `error`: if the database refused a write for want of space, the node turns unready. */
  noteFailure(error: unknown): void {
    if (this.#writeProbe !== undefined || !isStorageFull(error)) return;
    this.#logger?.error(
      { err: error },
      'the database refuses writes (disk full?); /readyz answers 503 until one works',
    );
    let probing = false;
    this.#writeProbe = setInterval(() => {
      if (probing) return;
      probing = true;
      this.#probeWrite()
        .then(
          () => this.#writesWorkAgain(),
          () => undefined,
        )
        .finally(() => {
          probing = false;
        });
    }, this.#writeProbeIntervalMs);
    this.#writeProbe.unref();
  }

  /** Stops probing (the node is closing). */
  stop(): void {
    clearInterval(this.#writeProbe);
  }

  #writesWorkAgain(): void {
    if (this.#writeProbe === undefined) return;
    clearInterval(this.#writeProbe);
    this.#writeProbe = undefined;
    this.#logger?.info('the database takes writes again; /readyz answers 200');
  }

  /** From now on the node reports itself unready, whatever the database says. Irreversible. */
  drain(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  check(): Promise<ReadinessVerdict> {
    if (this.#draining) return Promise.resolve({ ready: false, reason: 'shutting down' });
    if (this.#writeProbe !== undefined) {
      return Promise.resolve({ ready: false, reason: 'the database refuses writes' });
    }
    this.#inFlight ??= this.#probe().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #probe(): Promise<ReadinessVerdict> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReadinessVerdict>((resolve) => {
      timer = setTimeout(
        () => resolve({ ready: false, reason: `the database did not answer within ${this.#timeoutMs} ms` }),
        this.#timeoutMs,
      );
    });
    const answer = this.#ping().then(
      (): ReadinessVerdict => ({ ready: true }),
      (): ReadinessVerdict => ({ ready: false, reason: 'the database is unavailable' }),
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
