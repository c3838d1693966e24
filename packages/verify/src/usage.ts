/**
 * API-token usage reporting: each accepted use is counted per (jti, API) with the last time and caller address, and
 * the counts go to the issuer's `api_token_usage_endpoint` in batches, so the dashboard can show request counts and
 * "last used" without a request to the server per API call. Best effort by design: a failed batch is retried once on
 * the next tick, then dropped; nothing here ever throws into a request.
 */
import { isIP } from 'node:net';
import { type ApiTokenUsageReport, USAGE_REPORT_LIMITS } from '@tollgate/jwt';
import { type HttpOptions, postForSuccess } from './http.js';

/** How often pending counts are sent, when there are any. */
export const USAGE_REPORT_INTERVAL_MS = 2_000;
/** The server takes at most this many reports per request. */
export const MAX_REPORTS_PER_BATCH = USAGE_REPORT_LIMITS.reportsPerRequest;
/** Distinct (jti, API) pairs held between ticks; uses of further pairs are not counted until the next tick. */
const MAX_PENDING_PAIRS = 10_000;
/** The server refuses a batch with a longer address. */
const MAX_ADDRESS_LENGTH = USAGE_REPORT_LIMITS.addressLength;
/** The server's bound on one report's count; beyond it (half a million uses a second) uses go uncounted. */
const MAX_COUNT_PER_REPORT = USAGE_REPORT_LIMITS.countPerReport;
/** Failed batches kept for their one retry; older ones are dropped first. */
const MAX_RETRY_BATCHES = 10;

/** One line of the report body: the wire shape @tollgate/jwt defines for both ends. */
export type UsageReport = ApiTokenUsageReport;

export interface UsageReporterOptions {
  /** Read at send time: it comes from discovery. Undefined (an older server): uses are not reported. */
  endpoint: () => string | undefined;
  /** `Basic ...` of the verifier's client (client_secret_basic). */
  authorization: string;
  http: HttpOptions;
  now: () => number;
  intervalMs?: number;
}

export class UsageReporter {
  readonly #options: UsageReporterOptions;
  readonly #intervalMs: number;
  #pending = new Map<string, UsageReport>();
  #retry: UsageReport[][] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(options: UsageReporterOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? USAGE_REPORT_INTERVAL_MS;
  }

  /** Reports waiting for the next tick (for tests and diagnostics). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Counts one accepted use. Cheap and synchronous: it only touches a map and maybe arms the timer. */
  record(jti: string, api: string, remoteAddress: string | undefined): void {
    if (this.#closed) return;
    // Only an IP literal goes out: one odd value must not get the whole batch refused.
    const address =
      remoteAddress !== undefined && remoteAddress.length <= MAX_ADDRESS_LENGTH && isIP(remoteAddress) !== 0
        ? remoteAddress
        : undefined;
    const key = `${jti}\u0000${api}`;
    const lastUsedAt = Math.floor(this.#options.now() / 1000);
    const report = this.#pending.get(key);
    if (report !== undefined) {
      if (report.count < MAX_COUNT_PER_REPORT) report.count++;
      report.lastUsedAt = Math.max(report.lastUsedAt, lastUsedAt);
      if (address !== undefined) report.address = address;
    } else if (this.#pending.size < MAX_PENDING_PAIRS) {
      this.#pending.set(key, { jti, api, count: 1, lastUsedAt, ...(address === undefined ? {} : { address }) });
    }
    this.#schedule();
  }

  /** Sends what is pending now (and the batches awaiting their retry). Never rejects. */
  flush(): Promise<void> {
    const run = this.#sendAll(true);
    this.#inFlight.add(run);
    return run.finally(() => this.#inFlight.delete(run));
  }

  /** Stops the timer and sends what is left, once: failures on the way out are dropped. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#inFlight);
    await this.#sendAll(false);
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().then(() => {
        if (this.#pending.size > 0 || this.#retry.length > 0) this.#schedule();
      });
    }, this.#intervalMs);
    // Reporting alone must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }

  async #sendAll(mayRetry: boolean): Promise<void> {
    const retrying = this.#retry;
    this.#retry = [];
    const fresh = this.#drain();
    await Promise.all([
      ...retrying.map((batch) => this.#send(batch).catch(() => undefined)),
      ...fresh.map((batch) =>
        this.#send(batch).catch(() => {
          if (mayRetry) this.#keepForRetry(batch);
        }),
      ),
    ]);
  }

  #drain(): UsageReport[][] {
    if (this.#pending.size === 0) return [];
    const reports = [...this.#pending.values()];
    this.#pending = new Map();
    const batches: UsageReport[][] = [];
    for (let start = 0; start < reports.length; start += MAX_REPORTS_PER_BATCH) {
      batches.push(reports.slice(start, start + MAX_REPORTS_PER_BATCH));
    }
    return batches;
  }

  #keepForRetry(batch: UsageReport[]): void {
    this.#retry.push(batch);
    if (this.#retry.length > MAX_RETRY_BATCHES) this.#retry.shift();
  }

  async #send(batch: UsageReport[]): Promise<void> {
    const endpoint = this.#options.endpoint();
    if (endpoint === undefined) return;
    await postForSuccess(endpoint, this.#options.http, {
      method: 'POST',
      headers: { authorization: this.#options.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ reports: batch }),
    });
  }
}
