/**
 * The server's Prometheus series (docs/metrics.md). Domain counts come from `tollgate.events`, the core's one hook for
 * observers; HTTP counts from the app's onResponse hook (http-metrics.ts). Labels take values from small fixed sets
 * only: never a token, a secret, a username or a raw path, so a scan of random URLs cannot grow the series.
 */
import { AUDIT_ACTIONS, type TollgateEvent, type TollgateEvents } from '@tollgate/core';
import { Counter, Gauge, Registry } from 'prom-client';
import { droppedLogLines } from '../log-destination.js';
import { TalliedCounter } from './tallied-counter.js';
import { TalliedHistogram } from './tallied-histogram.js';

/** Grant types the token endpoint implements; anything else (never expected) is counted as `other`. */
const KNOWN_GRANT_TYPES = new Set(['client_credentials', 'password', 'refresh_token', 'authorization_code']);

/** Buckets in seconds: the token endpoint answers in milliseconds, password hashing takes a few hundred. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the revocation stream gauges read when scraped. */
export interface RevocationStreamStats {
  readonly size: number;
  /** The largest backlog, in bytes, of any open stream: what its client has not yet taken from the socket. */
  largestBacklogBytes(): number;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #httpRequests = new TalliedCounter({
    name: 'tollgate_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #httpDuration = new TalliedHistogram<'method' | 'route'>({
    name: 'tollgate_http_request_duration_seconds',
    help: 'Time from receiving a request to answering it, by method and route pattern',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly #tokensIssued = new TalliedCounter({
    name: 'tollgate_tokens_issued_total',
    help: 'Access tokens issued by the token endpoint, by grant type',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });
  readonly #introspections = new TalliedCounter({
    name: 'tollgate_introspections_total',
    help: 'Introspection answers (RFC 7662), by verdict',
    labelNames: ['active'] as const,
    registers: [this.registry],
  });
  readonly #revocationsPublished = new Counter({
    name: 'tollgate_revocations_published_total',
    help: 'Times new revocations were written and the revocation stream told',
    registers: [this.registry],
  });
  readonly #reuseDetected = new Counter({
    name: 'tollgate_reuse_detected_total',
    help: 'Single-use credentials presented again (the whole grant is revoked), by credential',
    labelNames: ['credential'] as const,
    registers: [this.registry],
  });
  readonly #bruteForceRefusals = new Counter({
    name: 'tollgate_brute_force_refusals_total',
    help: 'Sign-in and client authentication attempts refused by the brute-force guard before any secret was checked',
    registers: [this.registry],
  });
  readonly #bruteForceLockouts = new Counter({
    name: 'tollgate_brute_force_lockouts_total',
    help: 'Accounts or addresses the brute-force guard started blocking',
    registers: [this.registry],
  });

  constructor() {
    // Zero from the start, so rate() and increase() see the first event rather than a series appearing at 1.
    for (const grantType of KNOWN_GRANT_TYPES) this.#tokensIssued.zero({ grant_type: grantType });
    for (const active of ['true', 'false']) this.#introspections.zero({ active });
    for (const credential of ['refresh_token', 'authorization_code']) this.#reuseDetected.inc({ credential }, 0);
    this.#revocationsPublished.inc(0);
    this.#bruteForceRefusals.inc(0);
    this.#bruteForceLockouts.inc(0);
    // Read when scraped: the count lives in the process's one stdout stream (log-destination.ts).
    new Counter({
      name: 'tollgate_log_lines_dropped_total',
      help: 'Log lines dropped because stdout did not keep up (log-destination.ts)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(droppedLogLines());
      },
    });
  }

  /**
   * Counts one HTTP answer. `method` and `route` come from small fixed sets (http-metrics.ts), so the tallies
   * are bounded as the series are.
   */
  countHttpAnswer(method: string, route: string, statusCode: number, seconds: number): void {
    const key = `${method} ${route}`;
    this.#httpRequests.inc(`${key} ${statusCode}`, () => ({ method, route, status: String(statusCode) }));
    this.#httpDuration.observe(key, () => ({ method, route }), seconds);
  }

  /** Counts what the core reports; returns the function that stops counting. */
  observe(events: TollgateEvents): () => void {
    return events.subscribe((event) => this.#count(event));
  }

  /** The revocation stream's gauges, read at scrape time. */
  watchRevocationStreams(streams: RevocationStreamStats): void {
    new Gauge({
      name: 'tollgate_revocation_stream_clients',
      help: 'Revocation streams (GET /revocations) open on this node',
      registers: [this.registry],
      collect() {
        this.set(streams.size);
      },
    });
    new Gauge({
      name: 'tollgate_revocation_stream_lag_bytes',
      help: 'The largest backlog of any open revocation stream: bytes written but not yet taken by its client',
      registers: [this.registry],
      collect() {
        this.set(streams.largestBacklogBytes());
      },
    });
  }

  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #count(event: TollgateEvent): void {
    switch (event.type) {
      case 'token_issued': {
        const grantType = KNOWN_GRANT_TYPES.has(event.grantType) ? event.grantType : 'other';
        this.#tokensIssued.inc(grantType, () => ({ grant_type: grantType }));
        return;
      }
      case 'introspection': {
        const active = String(event.active);
        this.#introspections.inc(active, () => ({ active }));
        return;
      }
      case 'revocations_published':
        this.#revocationsPublished.inc();
        return;
      case 'brute_force_refused':
        this.#bruteForceRefusals.inc();
        return;
      case 'audit':
        this.#countAudit(event.event.action);
        return;
    }
  }

  #countAudit(action: string): void {
    if (action === AUDIT_ACTIONS.refreshTokenReuse) this.#reuseDetected.inc({ credential: 'refresh_token' });
    else if (action === AUDIT_ACTIONS.authorizationCodeReuse) {
      this.#reuseDetected.inc({ credential: 'authorization_code' });
    } else if (action === AUDIT_ACTIONS.bruteForceLockout) this.#bruteForceLockouts.inc();
  }
}
