/**
 * The client of Tollgate's revocation stream (`GET <issuer>/revocations`, Server-Sent Events). The server first sends
 * every still-live revocation after the `Last-Event-ID` we send (all of them on a first connect), then `ready`, then
 * live `revoked` events and a ping comment every 5 s. We keep a jti deny list, reconnect with exponential backoff and
 * jitter, and resume where we stopped, so a revocation reaches this process within about a second while verification
 * stays local.
 */
import type { DenyList } from './deny-list.js';
import { describeNetworkError } from './http.js';
import { type SseEvent, SseParser } from './sse.js';

const DEFAULT_IDLE_TIMEOUT_MS = 15_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_MIN_BACKOFF_MS = 250;
const DEFAULT_MAX_BACKOFF_MS = 10_000;
const MAX_JTI_LENGTH = 256;

export interface RevocationStreamOptions {
  /** The stream's URL, or how to find it (from the issuer's metadata) before each connection. */
  url: string | (() => Promise<string>);
  clientId: string;
  clientSecret: string;
  denyList: DenyList;
  fetch: typeof fetch;
  now: () => number;
  /** Silence longer than this means a dead connection (the server pings every 5 s). Default 15 000. */
  idleTimeoutMs?: number;
  /** Time allowed for the response headers. Default 10 000. */
  connectTimeoutMs?: number;
  /** First reconnect delay (the server's `retry` raises it); doubles per failure up to maxBackoffMs. Default 250. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** For tests: the jitter source, [0, 1). */
  random?: () => number;
  /** For tests: the timer that waits out a reconnect delay. */
  reconnectTimer?: ReconnectTimer;
  /** Called after each revocation entered the deny list (a withdrawn signing key arrives this way too). */
  onRevoked?: (jti: string) => void;
}

export interface RevocationStatus {
  /** A stream response is open. */
  connected: boolean;
  /** Milliseconds since the last byte from the server (or since start, if nothing came yet). */
  staleMs: number;
  /** Revoked tokens remembered (those not yet expired). */
  revokedCount: number;
}

export interface ReconnectTimer {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimer: ReconnectTimer = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How the first connection attempt ended: the snapshot arrived, the server was unreachable, or it refused us. */
export type FirstSyncOutcome = 'synced' | 'unreachable' | 'refused';

/** RFC 6749 2.3.1: client id and secret are form-urlencoded (Appendix B) before joining them with `:`. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

class StreamRefused extends Error {}

/** The server answered, but not now: it named when to come back (RFC 9110 10.2.3). */
class StreamDeferred extends Error {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

export class RevocationStream {
  readonly #options: Required<RevocationStreamOptions>;
  readonly #authorization: string;
  #running: Promise<void> | undefined;
  #closed = false;
  #connection: AbortController | undefined;
  #connected = false;
  #lastHeardAtMs: number;
  #lastEventId = '';
  /** A complete snapshot (the `ready` event) arrived at least once. */
  #synced = false;
  #serverRetryMs: number | undefined;
  #failures = 0;
  #lastError: string | undefined;
  #wake: (() => void) | undefined;
  #settleFirstSync!: (outcome: FirstSyncOutcome) => void;
  readonly #firstSync = new Promise<FirstSyncOutcome>((resolve) => {
    this.#settleFirstSync = resolve;
  });

  constructor(options: RevocationStreamOptions) {
    this.#options = {
      idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      minBackoffMs: DEFAULT_MIN_BACKOFF_MS,
      maxBackoffMs: DEFAULT_MAX_BACKOFF_MS,
      random: Math.random,
      reconnectTimer: systemTimer,
      onRevoked: () => undefined,
      ...options,
    };
    this.#authorization = basicCredentials(options.clientId, options.clientSecret);
    this.#lastHeardAtMs = options.now();
  }

  /** Connects in the background and keeps reconnecting until close(). Idempotent. */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Settles once: the snapshot of revocations arrived, or the first attempt failed (the stream keeps retrying). */
  firstSync(): Promise<FirstSyncOutcome> {
    return this.#firstSync;
  }

  status(): RevocationStatus {
    return {
      connected: this.#connected,
      staleMs: Math.max(0, this.#options.now() - this.#lastHeardAtMs),
      revokedCount: this.#options.denyList.size,
    };
  }

  /**
   * Whether the deny list can be trusted right now: the snapshot arrived at least once and the server was heard from
   * within `maxStaleMs`. What fail-closed verifiers check.
   */
  isCurrent(maxStaleMs: number): boolean {
    return this.#synced && this.#options.now() - this.#lastHeardAtMs <= maxStaleMs;
  }

  /** The id the next reconnect resumes after ('' before any event). */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Why the last attempt failed; never holds the credentials. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connection?.abort(new Error('closed'));
    this.#wake?.();
    this.#settleFirstSync('unreachable');
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      let delayMs: number | undefined;
      try {
        await this.#connectOnce();
        this.#lastError = 'the server ended the stream';
        this.#settleFirstSync('unreachable');
      } catch (error) {
        if (this.#closed) break;
        const known = error instanceof StreamRefused || error instanceof StreamDeferred;
        this.#lastError = known ? error.message : describeNetworkError(error);
        this.#settleFirstSync(error instanceof StreamRefused ? 'refused' : 'unreachable');
        if (error instanceof StreamDeferred) delayMs = this.#deferredDelayMs(error.retryAfterMs);
      }
      if (this.#closed) break;
      await this.#sleep(delayMs ?? this.#nextDelayMs());
    }
  }

  /**
   * A server that answered 503 or 429 with Retry-After is up and says when it can serve (its database is back, say):
   * we come back then, with up to a quarter more as jitter, rather than after a backoff that doubled through an
   * outage and could hold revocations back for seconds after it ended. The failure count does not grow.
   */
  #deferredDelayMs(retryAfterMs: number): number {
    const { minBackoffMs, maxBackoffMs, random } = this.#options;
    const delay = Math.min(Math.max(retryAfterMs, minBackoffMs), maxBackoffMs);
    return Math.min(maxBackoffMs, delay + random() * (delay / 4));
  }

  /** Exponential backoff with "equal jitter": between half and all of the doubled delay, so reconnects spread out. */
  #nextDelayMs(): number {
    const { minBackoffMs, maxBackoffMs, random } = this.#options;
    const base = Math.min(Math.max(this.#serverRetryMs ?? minBackoffMs, minBackoffMs), maxBackoffMs);
    const delay = Math.min(maxBackoffMs, base * 2 ** Math.min(this.#failures, 16));
    this.#failures++;
    return delay / 2 + random() * (delay / 2);
  }

  #sleep(ms: number): Promise<void> {
    const { reconnectTimer } = this.#options;
    return new Promise((resolve) => {
      const timer = reconnectTimer.setTimeout(resolve, ms);
      this.#wake = () => {
        reconnectTimer.clearTimeout(timer);
        resolve();
      };
    });
  }

  async #connectOnce(): Promise<void> {
    const connection = new AbortController();
    this.#connection = connection;
    try {
      const response = await this.#open(connection);
      this.#connected = true;
      this.#lastHeardAtMs = this.#options.now();
      await this.#consume(response, connection);
    } finally {
      this.#connected = false;
      connection.abort();
    }
  }

  async #open(connection: AbortController): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      authorization: this.#authorization,
      'cache-control': 'no-cache',
    };
    if (this.#lastEventId !== '') headers['last-event-id'] = this.#lastEventId;
    const url = typeof this.#options.url === 'string' ? this.#options.url : await this.#options.url();
    const timer = setTimeout(
      () => connection.abort(new Error('no response headers in time')),
      this.#options.connectTimeoutMs,
    );
    let response: Response;
    try {
      response = await this.#options.fetch(url, {
        headers,
        signal: connection.signal,
        redirect: 'manual',
      });
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      // Wrong credentials will not fix themselves quickly: retry at the slowest pace.
      this.#failures = Number.POSITIVE_INFINITY;
      throw new StreamRefused(`the revocation stream refused the client credentials (status ${response.status})`);
    }
    const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (response.status !== 200 || type !== 'text/event-stream' || response.body === null) {
      await response.body?.cancel();
      const message = `the revocation stream answered status ${response.status} (${type ?? 'no content type'})`;
      const retryAfterMs =
        response.status === 503 || response.status === 429
          ? retryAfterMsOf(response.headers.get('retry-after'), this.#options.now())
          : undefined;
      throw retryAfterMs === undefined ? new Error(message) : new StreamDeferred(message, retryAfterMs);
    }
    return response;
  }

  async #consume(response: Response, connection: AbortController): Promise<void> {
    const parser = new SseParser(
      {
        onEvent: (event) => this.#onEvent(event),
        onRetry: (delayMs) => {
          this.#serverRetryMs = delayMs;
        },
      },
      { lastEventId: this.#lastEventId },
    );
    // A half-open TCP connection looks exactly like a quiet server; the pings make silence meaningful.
    const idle = setTimeout(
      () => connection.abort(new Error('the revocation stream went silent')),
      this.#options.idleTimeoutMs,
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    // fetch errors the body on abort, but a custom transport may not: cancelling the reader ends a pending read too.
    const cancel = () => reader.cancel().catch(() => undefined);
    connection.signal.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        idle.refresh();
        this.#lastHeardAtMs = this.#options.now();
        parser.push(value);
      }
    } catch (error) {
      if (!connection.signal.aborted) throw error;
    } finally {
      clearTimeout(idle);
      connection.signal.removeEventListener('abort', cancel);
      parser.end();
    }
    // Ended by us (idle timeout, close): report why, rather than as the server ending the stream.
    if (connection.signal.aborted) throw connection.signal.reason;
  }

  #onEvent(event: SseEvent): void {
    if (event.type === 'revoked') this.#applyRevocation(event.data);
    else if (event.type === 'ready') {
      this.#synced = true;
      this.#failures = 0;
      this.#lastError = undefined;
      this.#settleFirstSync('synced');
    }
    // Recorded after the event took effect, so a reconnect never skips an event that was not applied.
    this.#lastEventId = event.lastEventId;
  }

  #applyRevocation(data: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const { jti, exp } = parsed as Record<string, unknown>;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) return;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
    this.#options.denyList.add(jti, exp);
    this.#options.onRevoked(jti);
  }
}

/** RFC 9110 5.6.7: the IMF-fixdate form of an HTTP-date, the one senders must generate. */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * RFC 9110 10.2.3: delay-seconds or an HTTP-date; undefined when absent or neither. Date.parse alone would take far
 * more than HTTP-dates ("-1", "1.5" and other loose forms V8 reads as dates): only an IMF-fixdate is read as one.
 */
function retryAfterMsOf(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  if (!IMF_FIXDATE.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
