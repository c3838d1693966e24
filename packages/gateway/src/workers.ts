/**
 * `tollgate gateway --workers N`: a primary and N worker processes (node:cluster) sharing the listening socket, so
 * one gateway uses every core. Each worker is a whole gateway: its own verifier (JWKS and its refresh, the
 * verified-token cache, and, with `client` set, its own revocation stream), upstream pools and access log. The
 * primary serves no request: it starts the workers, holds the rate-limit counters when there is no Redis (with Redis
 * the workers share counters there, as separate gateways do), replaces a worker that dies, and on close stops every
 * worker the way SIGTERM stops one gateway, waiting for all of them.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import type { Logger } from 'pino';
import { createGatewayLogger } from './access-log.js';
import type { GatewayConfig } from './config.js';
import { DPOP_NONCE_SECRET_VARIABLE } from './config-load.js';
import { IpcWindowCounter, serveWindowCounter } from './ipc-window-counter.js';
import { type GatewayOptions, type RunningGateway, startGateway } from './start.js';
import { answerMetricsRequests, startClusterMetricsListener } from './metrics/metrics-listener.js';

/** A worker that died is replaced after this pause, so one that dies at once cannot spin the primary. */
const RESTART_DELAY_MS = 1_000;

export interface RunningGatewayWorkers {
  url: string;
  /** Stops every worker (each drains as one gateway does on SIGTERM); resolves with 0 when all stopped cleanly. */
  close(): Promise<number>;
}

interface ListeningMessage {
  tollgate: 'listening';
  url: string;
}

function isListening(message: unknown): message is ListeningMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'tollgate' in message &&
    message.tollgate === 'listening' &&
    'url' in message &&
    typeof message.url === 'string'
  );
}

/**
 * In the primary: forks `workers` copies of this program (each runs startGatewayWorker) and resolves once all of
 * them listen. Rejects, having stopped the others, if one exits before it listens (its stderr says why).
 */
export async function startGatewayWorkers(config: GatewayConfig, workers: number): Promise<RunningGatewayWorkers> {
  if (!cluster.isPrimary) throw new Error('startGatewayWorkers runs in the primary process');
  if (!Number.isInteger(workers) || workers < 1) throw new TypeError('workers must be a whole number >= 1');
  const primary = new Primary(config, createGatewayLogger({ level: config.logLevel }));
  try {
    const urls = await Promise.all(Array.from({ length: workers }, () => primary.fork()));
    const metrics = await startClusterMetricsListener(config);
    const close = async () => {
      await metrics?.close();
      return primary.close();
    };
    return { url: urls[0] as string, close };
  } catch (error) {
    await primary.close();
    throw error;
  }
}

class Primary {
  /** Workers' rate-limit hits when there is no Redis: one count for all of them. */
  readonly #counter: MemoryWindowCounter | undefined;
  readonly #logger: Logger;
  readonly #live = new Set<Worker>();
  #failed = false;
  #closing: Promise<number> | undefined;

  /** Handed to every worker when the config names none, so a DPoP nonce from one worker passes at the others. */
  readonly #env: Record<string, string>;

  constructor(config: GatewayConfig, logger: Logger) {
    this.#counter = config.redis === undefined ? new MemoryWindowCounter() : undefined;
    this.#logger = logger;
    this.#env =
      config.dpopNonceSecret === undefined
        ? { [DPOP_NONCE_SECRET_VARIABLE]: randomBytes(32).toString('base64url') }
        : {};
  }

  /** Starts one worker; resolves with its URL once it listens. */
  fork(): Promise<string> {
    const worker = cluster.fork(this.#env);
    this.#live.add(worker);
    if (this.#counter !== undefined) serveWindowCounter(worker, this.#counter);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (message: unknown) => {
        if (!isListening(message) || listening) return;
        listening = true;
        resolve(message.url);
      });
      worker.once('exit', (code, signal) => {
        this.#live.delete(worker);
        if (!listening) reject(new Error(`a gateway worker exited (${signal ?? `status ${code}`}) before it listened`));
        else this.#exited(worker, code, signal);
      });
    });
  }

  #exited(worker: Worker, code: number, signal: string | null): void {
    if (this.#closing !== undefined) {
      // Stopped by close(): SIGTERM ends a worker with status 0 once it drained.
      if (code !== 0 && signal !== 'SIGTERM') this.#failed = true;
      return;
    }
    this.#logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker died; starting another');
    const timer = setTimeout(() => {
      if (this.#closing !== undefined) return;
      this.fork().catch((error: unknown) => {
        this.#logger.error({ err: error }, 'a replacement gateway worker did not start');
      });
    }, RESTART_DELAY_MS);
    timer.unref();
  }

  close(): Promise<number> {
    this.#closing ??= this.#stopAll();
    return this.#closing;
  }

  async #stopAll(): Promise<number> {
    const exits = [...this.#live].map(
      (worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))),
    );
    // SIGTERM, not worker.kill(): that would cut the IPC channel first, and a draining worker still asks the
    // primary for rate-limit counts.
    for (const worker of this.#live) worker.process.kill('SIGTERM');
    await Promise.all(exits);
    this.#logger.flush();
    return this.#failed ? 1 : 0;
  }
}

/** Whether this process is a worker forked by startGatewayWorkers (it then runs startGatewayWorker). */
export function isGatewayWorker(): boolean {
  return cluster.isWorker;
}

/** The number of workers when none is asked for: one per core. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

/**
 * In a worker: the gateway, counting rate limits in the primary when there is no Redis, and telling the primary
 * where it listens (every worker listens on the primary's one socket, so all report the same URL).
 */
export async function startGatewayWorker(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  if (!cluster.isWorker) throw new Error('startGatewayWorker runs in a worker process');
  const counter = config.redis === undefined ? new IpcWindowCounter() : undefined;
  answerMetricsRequests();
  const gateway = await startGateway(config, counter === undefined ? options : { ...options, counter });
  const listening: ListeningMessage = { tollgate: 'listening', url: gateway.url };
  process.send?.(listening);
  return {
    url: gateway.url,
    close: async () => {
      await gateway.close();
      await counter?.close();
    },
  };
}
