/**
 * One ioredis connection as every part of this package wants it: a Redis that is down must cost a fast error, never a
 * queue that grows or a request that hangs, because each caller has an in-process fallback (or, for the revocation
 * signal, the store poll) to go on with. Outages are logged once: a warning when Redis goes, info when it is back.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  url: string;
  logger: Logger;
  /** Put before every key and channel, so several deployments can share one Redis. Default `tollgate:`. */
  keyPrefix?: string;
}

export const DEFAULT_KEY_PREFIX = 'tollgate:';

/** Long enough for a distant Redis, short enough that a dead one is noticed before callers' own timeouts. */
const CONNECT_TIMEOUT_MS = 2_000;
/** A connected Redis that stops answering: the caller falls back rather than waiting on. */
const COMMAND_TIMEOUT_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
const DISCONNECT_TIMEOUT_MS = 200;

export function keyPrefix(options: RedisOptions): string {
  return options.keyPrefix ?? DEFAULT_KEY_PREFIX;
}

/** The URL as it may be logged: the password (and a user name, which can be one too) replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL we can take apart: say nothing of it rather than risk printing a secret.
    return '(unparsable Redis URL)';
  }
}

/**
 * Opens a connection (asynchronously: commands fail until it is ready). `enableOfflineQueue: false` and
 * `maxRetriesPerRequest: 1` make a command fail at once while Redis is unreachable; reconnection goes on in
 * the background with a backoff capped at 2 s.
 */
export function connect(options: RedisOptions, role: string): Redis {
  return new Redis(options.url, {
    connectionName: `tollgate-${role}`,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Subscriptions are renewed by the signal itself on each `ready`, where it also knows a reconnect happened.
    autoResubscribe: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // Disconnecting a connection whose socket already died leaves ioredis's timer for this long (default 2 s),
    // holding a process that is shutting down while Redis is away.
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  });
}

/** Between a probe that timed out and the next one. */
const PROBE_PAUSE_MS = 100;

/** ioredis rejects a command that got no answer within `commandTimeout` with exactly this message. */
function isCommandTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Command timed out';
}

/**
 * Up/down state of the connections behind one feature, for logging once per outage. Connection errors, failed
 * commands and `ready` events all report here; only transitions are logged.
 *
 * A Redis that is gone fails commands at once (no offline queue). One that hangs (process stopped, connection
 * open) costs each command the 1 s command timeout, so after the first timeout the feature is told to skip
 * Redis (`hung`) and use its fallback at once, while a PING on the first connection is repeated until Redis
 * answers: it answers the moment Redis runs again, ending the skip.
 */
export class OutageLog {
  readonly #logger: Logger;
  readonly #feature: string;
  readonly #consequence: string;
  readonly #url: string;
  readonly #connections: readonly Redis[];
  #down = false;
  /** Before the first `ready` or connection error: commands fail only because the connection is still opening. */
  #starting = true;
  /** Closed on purpose: what fails from now on is no outage. */
  #closed = false;
  #hung = false;
  #probeTimer: NodeJS.Timeout | undefined;

  constructor(options: RedisOptions, feature: string, consequence: string, connections: readonly Redis[]) {
    this.#logger = options.logger;
    this.#feature = feature;
    this.#consequence = consequence;
    this.#url = redactUrl(options.url);
    this.#connections = connections;
    for (const connection of connections) {
      // Without an 'error' listener ioredis prints every failed reconnect to the console.
      connection.on('error', (error: unknown) => {
        this.#starting = false;
        this.failed(error);
      });
      connection.on('ready', () => {
        this.#starting = false;
        this.succeeded();
      });
    }
  }

  /** A command timed out and Redis has not answered since: skip it and use the fallback without waiting. */
  get hung(): boolean {
    return this.#hung;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
  }

  /** A connection or command failed. A command refused while the first connection is still opening is no outage. */
  failed(error: unknown): void {
    if (isCommandTimeout(error) && !this.#hung && !this.#closed) {
      this.#hung = true;
      this.#probe();
    }
    if (this.#down || this.#starting || this.#closed) return;
    this.#down = true;
    this.#logger.warn(
      { redis: this.#url, error: describe(error) },
      `${this.#feature}: Redis unreachable; ${this.#consequence}`,
    );
  }

  #probe(): void {
    const connection = this.#connections[0];
    if (connection === undefined || this.#closed) return;
    connection.ping().then(
      () => {
        this.#hung = false;
        this.succeeded();
      },
      () => {
        if (this.#closed) return;
        this.#probeTimer = setTimeout(() => this.#probe(), PROBE_PAUSE_MS);
      },
    );
  }

  /** Back up once every connection is ready again (one of two coming back is not yet the end of the outage). */
  succeeded(): void {
    if (!this.#down || this.#closed || !this.#connections.every((connection) => connection.status === 'ready')) return;
    this.#down = false;
    this.#logger.info({ redis: this.#url }, `${this.#feature}: Redis reachable again`);
  }
}

/** The error's message only: ioredis errors name host and port but never the password. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Closes connections for good; a connection that never came up is simply disconnected. */
export async function closeAll(connections: readonly Redis[]): Promise<void> {
  await Promise.all(
    connections.map(async (connection) => {
      if (connection.status === 'end') return;
      try {
        await connection.quit();
      } catch {
        connection.disconnect();
      }
    }),
  );
}
