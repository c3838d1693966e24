/**
 * Forwarding to upstreams over undici, one keep-alive `Pool` per upstream origin. Request and response
 * bodies stream through (nothing is buffered whole), and failures map to 502 (unreachable) or 504 (too
 * slow). Error detail goes to the log only; the client sees a generic body.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';
import { responseHeadersFrom } from './headers.js';

export interface UpstreamTimeouts {
  connectMs: number;
  /** Until the response headers arrive. */
  upstreamMs: number;
  /** Longest pause between two chunks of the response body. */
  idleMs: number;
}

export type ForwardOutcome =
  | { kind: 'ok' }
  | { kind: 'bad_gateway'; code: string }
  | { kind: 'timeout'; code: string }
  /** The client went away; nothing more to send. */
  | { kind: 'client_gone' };

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();

  constructor(origins: Iterable<string>, timeouts: UpstreamTimeouts) {
    for (const origin of new Set(origins)) {
      this.#pools.set(
        origin,
        new Pool(origin, {
          connect: { timeout: timeouts.connectMs },
          headersTimeout: timeouts.upstreamMs,
          bodyTimeout: timeouts.idleMs,
          // undici's keep-alive default (4 s, or the upstream's Keep-Alive hint) stays: a longer idle time
          // than the upstream's own would race its close and fail requests that were never sent.
        }),
      );
    }
  }

  get(origin: string): Pool {
    const pool = this.#pools.get(origin);
    if (pool === undefined) throw new Error('no pool for this upstream');
    return pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
  }
}

export interface ForwardOptions {
  path: string;
  headers: string[];
  hasBody: boolean;
  /** Added to the response (rate-limit headers). */
  responseHeaders: Record<string, string> | undefined;
}

/**
 * Streams the request to the upstream and its answer back; `settled` hears once how it ended. A callback rather than
 * a promise: the caller's only use of the outcome is its access line, which needs no further turn of the microtask
 * queue.
 */
export function forwardRequest(
  pool: Pool,
  req: IncomingMessage,
  res: ServerResponse,
  options: ForwardOptions,
  settled: (outcome: ForwardOutcome) => void,
): void {
  const body = options.hasBody ? requestBody(req) : null;
  const handler = new ForwardHandler(res, options.responseHeaders, settled);
  if (body !== null) body.on('error', (error: Error) => handler.fail(error));
  pool.dispatch({ path: options.path, method: req.method as 'GET', headers: options.headers, body }, handler);
}

const OK: ForwardOutcome = { kind: 'ok' };
const CLIENT_GONE: ForwardOutcome = { kind: 'client_gone' };

/**
 * undici's dispatch-handler interface (the controller-based one that undici 8 keeps), driven straight from its
 * HTTP/1.1 parser. Pool.stream wraps the same calls in an AsyncResource, an abort-signal listener and
 * stream.finished() (half a dozen listeners and closures per request: about 10 µs of CPU per request,
 * measured); this does only what a proxy needs: response headers out, body chunks written with backpressure
 * (pause until the client's socket drains), the client's going away aborting upstream.
 */
class ForwardHandler implements Dispatcher.DispatchHandler {
  readonly #res: ServerResponse;
  readonly #extraHeaders: Record<string, string> | undefined;
  #settle: ((outcome: ForwardOutcome) => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #responding = false;
  #cancelled = false;
  #waitingForDrain = false;

  constructor(
    res: ServerResponse,
    extraHeaders: Record<string, string> | undefined,
    settle: (outcome: ForwardOutcome) => void,
  ) {
    this.#res = res;
    this.#extraHeaders = extraHeaders;
    this.#settle = settle;
    // One listener, never removed: the response is this request's alone and goes with it, and #done settles only
    // once. 'close' follows 'finish' on every response (Node emits it on the next tick), so whether the response was
    // finished by then tells a complete exchange from a client gone first. A 'finish' and a 'drain' listener as well,
    // each with its closure, were measurable in the profile: drain is listened for only when a write must wait.
    res.on('close', this.#onResponseClose);
  }

  readonly #onResponseClose = (): void => {
    if (this.#settle === undefined) return;
    if (this.#res.writableFinished) {
      this.#done(OK);
      return;
    }
    // The client went away first: stop the upstream request (and its body) too.
    this.#cancelled = true;
    this.#controller?.abort(new Error('the client went away'));
    this.#done(CLIENT_GONE);
  };

  /** Backpressure: no more body from the upstream until the client's socket has drained. */
  #waitForDrain(controller: Dispatcher.DispatchController): void {
    controller.pause();
    if (this.#waitingForDrain) return;
    this.#waitingForDrain = true;
    this.#res.once('drain', () => {
      this.#waitingForDrain = false;
      controller.resume();
    });
  }

  #done(outcome: ForwardOutcome): void {
    const settle = this.#settle;
    if (settle === undefined) return;
    this.#settle = undefined;
    settle(outcome);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#cancelled) controller.abort(new Error('the client went away'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx from the upstream: the gateway answered any Expect itself, so there is nothing to relay.
    if (statusCode < 200) return;
    const res = this.#res;
    const forwarded = responseHeadersFrom(rawHeaderList(controller, headers));
    const extra = this.#extraHeaders;
    if (extra !== undefined) for (const name in extra) forwarded.push(name, extra[name] as string);
    this.#responding = true;
    res.writeHead(statusCode, forwarded);
    if (res.writableNeedDrain) this.#waitForDrain(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#res.write(chunk)) this.#waitForDrain(controller);
  }

  onResponseEnd(): void {
    this.#res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** The upstream exchange failed (or the request body did): tell the client as well as is still possible. */
  fail(error: Error): void {
    if (this.#settle === undefined) return;
    const res = this.#res;
    if (this.#responding) {
      // Headers are out: the only way left to tell the client is to cut the response short.
      res.destroy(error);
      this.#done(CLIENT_GONE);
    } else {
      this.#done(this.#cancelled || res.destroyed ? CLIENT_GONE : classifyFailure(error));
    }
  }
}

/** The response headers as a flat raw list: undici hands it on the controller; where it does not, the parsed object. */
function rawHeaderList(
  controller: Dispatcher.DispatchController,
  parsed: IncomingHttpHeaders,
): readonly (Buffer | string)[] {
  const raw = controller.rawHeaders;
  if (Array.isArray(raw)) return raw as (Buffer | string)[];
  const list: string[] = [];
  for (const name in parsed) {
    const value = parsed[name];
    if (Array.isArray(value)) for (const item of value) list.push(name, item);
    else if (value !== undefined) list.push(name, value);
  }
  return list;
}

/**
 * undici destroys a failed request's body stream; destroying the IncomingMessage itself would reset the
 * client's connection before it could get its 502. A PassThrough takes that hit instead, and carries a
 * client's abort on to undici (pipe() alone would not).
 */
function requestBody(req: IncomingMessage): PassThrough {
  const body = new PassThrough();
  req.pipe(body);
  req.once('close', () => {
    if (!req.complete) body.destroy(new Error('the client aborted the request'));
  });
  return body;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function classifyFailure(error: unknown): ForwardOutcome {
  const code = errorCode(error);
  return TIMEOUT_CODES.has(code) ? { kind: 'timeout', code } : { kind: 'bad_gateway', code };
}

export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return error instanceof Error ? error.name : 'unknown';
}
