/**
 * Forwarding to upstreams over undici, one keep-alive `Pool` per upstream origin. Request and response
 * bodies stream through (nothing is buffered whole), and failures map to 502 (unreachable) or 504 (too
 * slow). Error detail goes to the log only; the client sees a generic body.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { Pool } from 'undici';
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

export async function forwardRequest(
  pool: Pool,
  req: IncomingMessage,
  res: ServerResponse,
  options: ForwardOptions,
): Promise<ForwardOutcome> {
  // undici takes an EventEmitter as the abort signal; an AbortController costs microseconds per request.
  const cancel = new EventEmitter();
  let cancelled = false;
  const onResponseClose = () => {
    if (res.writableFinished) return;
    cancelled = true;
    cancel.emit('abort');
  };
  res.once('close', onResponseClose);
  try {
    await pool.stream(
      {
        path: options.path,
        method: req.method as 'GET',
        headers: options.headers,
        body: options.hasBody ? requestBody(req) : null,
        signal: cancel,
        responseHeaders: 'raw',
      },
      ({ statusCode, headers }) => {
        // With responseHeaders: 'raw', undici hands over a flat [name, value, ...] list of strings.
        const forwarded = responseHeadersFrom(headers as unknown as string[]);
        if (options.responseHeaders !== undefined) forwarded.push(...Object.entries(options.responseHeaders).flat());
        res.writeHead(statusCode, forwarded);
        return res;
      },
    );
    return { kind: 'ok' };
  } catch (error) {
    if (cancelled || res.destroyed) return { kind: 'client_gone' };
    return classifyFailure(error);
  } finally {
    res.off('close', onResponseClose);
  }
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
