/**
 * Whether this node should get traffic: the load balancer's view (/readyz). Ready means the database
 * answered a trivial query within PING_TIMEOUT_MS and the node is not shutting down. Redis is not part
 * of it: without Redis the node still serves correctly, only less shared (docs/operations.md).
 */

/** A database slower than this to answer `select 1` is as good as down for a request. */
export const PING_TIMEOUT_MS = 1000;

export type ReadinessVerdict = { ready: true } | { ready: false; reason: string };

export interface ReadinessOptions {
  /** Rejects while the database does not answer. */
  ping(): Promise<void>;
  timeoutMs?: number;
}

export class Readiness {
  readonly #ping: () => Promise<void>;
  readonly #timeoutMs: number;
  #draining = false;
  /** Probes arriving together share one query, so a burst of health checks is one round trip. */
  #inFlight: Promise<ReadinessVerdict> | undefined;

  constructor(options: ReadinessOptions) {
    this.#ping = options.ping;
    this.#timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
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
