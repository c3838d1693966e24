/**
 * A circuit breaker in front of the PostgreSQL pool. A server that is down refuses connections at once, but
 * one that hangs (processes stopped, network black hole, connections open) costs every query the full read
 * timeout before it fails. After two such failures in a row the circuit opens: every query fails at once
 * with an "unavailable" error (the server answers 503 with Retry-After), and a background probe on a
 * connection of its own asks the server `select 1` until it answers. The probe runs back to back, each
 * bounded by the connect timeout, so an answer that arrives while one is pending closes the circuit in
 * the time it takes to arrive.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { isDatabaseUnavailable, isStorageFull } from '../unavailable.js';

/** The code isDatabaseUnavailable() recognises (unavailable.ts) for queries refused while the circuit is open. */
const CIRCUIT_OPEN_CODE = 'TOLLGATE_DATABASE_DOWN';

/** Two in a row: one broken connection (a restarted server's stale socket) is not an outage. */
const FAILURES_TO_OPEN = 2;
/** Between the end of one failed probe and the next: a refused connection fails at once, so keep it gentle. */
const PROBE_PAUSE_MS = 100;

export class DatabaseCircuitOpen extends Error {
  readonly code = CIRCUIT_OPEN_CODE;
  constructor(since: number) {
    super(`PostgreSQL is not answering (since ${new Date(since).toISOString()}); queries are refused until it does`);
    this.name = 'DatabaseCircuitOpen';
  }
}

export interface CircuitOptions {
  /** Asks the server something trivial on a connection of its own; rejects while it does not answer. */
  probe(): Promise<void>;
  /** Told when the circuit opens and when it closes again, for a log line per outage. */
  onChange?(open: boolean, cause?: unknown): void;
}

export class DatabaseCircuit {
  readonly #options: CircuitOptions;
  #consecutiveFailures = 0;
  #openSince: number | undefined;
  #probing = false;
  #stopped = false;
  #pauseTimer: NodeJS.Timeout | undefined;

  constructor(options: CircuitOptions) {
    this.#options = options;
  }

  get open(): boolean {
    return this.#openSince !== undefined;
  }

  /** Throws DatabaseCircuitOpen while the database counts as down. */
  ensureClosed(): void {
    if (this.#openSince !== undefined) throw new DatabaseCircuitOpen(this.#openSince);
  }

  succeeded(): void {
    this.#consecutiveFailures = 0;
  }

  /** Any failure may be reported; only those meaning the database is away count toward opening. */
  failed(error: unknown): void {
    if (!isDatabaseUnavailable(error) || answeredByServer(error)) return;
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures < FAILURES_TO_OPEN || this.#openSince !== undefined || this.#stopped) return;
    this.#openSince = Date.now();
    this.#options.onChange?.(true, error);
    void this.#probeUntilAnswered();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#pauseTimer);
  }

  async #probeUntilAnswered(): Promise<void> {
    if (this.#probing) return;
    this.#probing = true;
    try {
      while (!this.#stopped && this.#openSince !== undefined) {
        try {
          await this.#options.probe();
          this.#openSince = undefined;
          this.#consecutiveFailures = 0;
          if (!this.#stopped) this.#options.onChange?.(false);
        } catch {
          await new Promise<void>((resolve) => {
            this.#pauseTimer = setTimeout(resolve, PROBE_PAUSE_MS);
          });
        }
      }
    } finally {
      this.#probing = false;
    }
  }
}

/**
 * A statement the server itself cancelled (SQLSTATE 57014, our statement_timeout) or refused for a full disk
 * means the server is alive and answering: a slow query, a lock wait or no space, not an outage, so it never
 * opens the circuit.
 */
function answeredByServer(error: unknown): boolean {
  if (isStorageFull(error)) return true;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '57014';
}

/** A probe that opens a fresh connection each time, bounded by `timeoutMs` for connecting and for the query. */
export function connectionProbe(config: pg.ClientConfig, timeoutMs: number): () => Promise<void> {
  return async () => {
    const client = new pg.Client({ ...config, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}

/**
 * The pool as Kysely sees it, guarded: `connect()` fails at once while the circuit is open, and every query's
 * outcome is reported to the circuit. A client whose query failed for want of the database is destroyed on
 * release rather than reused: its socket may still hold a request the server never answered.
 */
export function guardPool(pool: PostgresPool, circuit: DatabaseCircuit): PostgresPool {
  return {
    async connect() {
      circuit.ensureClosed();
      let client: PostgresPoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        circuit.failed(error);
        throw error;
      }
      return guardClient(client, circuit);
    },
    async end() {
      circuit.stop();
      await pool.end();
    },
  };
}

function guardClient(client: PostgresPoolClient, circuit: DatabaseCircuit): PostgresPoolClient {
  let broken = false;
  const query = (...args: unknown[]): unknown => {
    const result: unknown = Reflect.apply(client.query, client, args);
    // Cursors (not promises) are passed through untracked; Tollgate's queries are all plain ones.
    if (!(result instanceof Promise)) return result;
    return result.then(
      (value) => {
        circuit.succeeded();
        return value;
      },
      (error: unknown) => {
        if (isDatabaseUnavailable(error) && !answeredByServer(error)) broken = true;
        circuit.failed(error);
        throw error;
      },
    );
  };
  return {
    query: query as PostgresPoolClient['query'],
    release(destroy?: boolean) {
      client.release(broken ? true : destroy);
    },
  };
}
