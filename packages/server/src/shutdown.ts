/**
 * Closing the HTTP server without resetting anyone's request. A keep-alive connection is idle between two
 * requests, but its client may be sending the next one at that very moment: closing it then resets that
 * request (ECONNRESET), which the client cannot tell from a request the server had begun to process.
 * So during the drain every answer says `Connection: close` (app.ts), and at close the idle connections
 * are closed only once the requests in flight have answered; a request that arrives on an idle connection
 * meanwhile is still served. Then, after the grace, whatever is left is cut so the process exits anyway.
 */
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Counts the requests being answered; tells when none is. */
export class RequestsInFlight {
  #count = 0;
  #onQuiet: Array<() => void> = [];

  constructor(server: Server) {
    server.on('request', (_request, response) => {
      this.#count += 1;
      response.once('close', () => {
        this.#count -= 1;
        if (this.#count === 0) for (const resolve of this.#onQuiet.splice(0)) resolve();
      });
    });
  }

  /** Resolves once no request is being answered (at once when none is). */
  quiet(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#onQuiet.push(resolve));
  }
}

/**
 * Node's `server.close()` closes the idle keep-alive connections at once (RFC 9112 9.6 allows it, but the
 * client may have a request already on the wire). This makes it wait until the requests in flight have
 * answered (each with `Connection: close`, so their connections go as they finish).
 */
function deferIdleClosing(server: Server, inFlight: RequestsInFlight): void {
  const closeIdleConnections = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    inFlight.quiet().then(closeIdleConnections, closeIdleConnections);
  };
}

/**
 * Stops accepting and waits for the requests in flight, but at most `graceMs`: then every connection
 * left (a request whose body trickles in, a stream whose client stopped reading) is destroyed, so the
 * process exits within drainDelay + shutdownGrace whatever clients do.
 */
export async function closeWithin(
  app: FastifyInstance,
  inFlight: RequestsInFlight,
  graceMs: number,
  logger: Logger,
): Promise<void> {
  deferIdleClosing(app.server, inFlight);
  const deadline = setTimeout(() => {
    logger.warn({ shutdownGraceMs: graceMs }, 'requests still in flight after the shutdown grace; cutting them off');
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
}
