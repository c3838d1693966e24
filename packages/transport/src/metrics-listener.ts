/**
 * The private metrics listener of the server and the gateway (`metrics.listen`, docs/metrics.md): GET /metrics
 * without a token, for a Prometheus on the same machine or network, apart from the public port as Hydra keeps its
 * admin surface apart. Plain HTTP only on loopback, as every Tollgate listener; elsewhere HTTPS. Each config
 * refuses a plain off-loopback address with the line it came from; this check is the last line of defence.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostForUrl, isLoopbackHost } from './addresses.js';

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** The exposition text and its content type (prom-client's `registry.contentType`). */
export type Scrape = () => Promise<{ contentType: string; body: string }>;

export async function startMetricsListener(
  address: ListenAddress,
  scrape: Scrape,
  tls?: { cert: Buffer; key: Buffer },
): Promise<MetricsListener> {
  if (tls === undefined && !isLoopbackHost(address.host)) {
    throw new TypeError(`the metrics listener serves plain HTTP only on a loopback address, not ${address.host}`);
  }
  const handler = answerScrapes(scrape);
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;
  return {
    url: `${tls ? 'https' : 'http'}://${hostForUrl(address.host)}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** GET (or HEAD) /metrics answers the exposition; every other request a short plain-text refusal. */
function answerScrapes(scrape: Scrape) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      refuse(response, 404, 'not found: the metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      refuse(response, 405, 'method not allowed\n');
      return;
    }
    scrape().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      () => refuse(response, 500, 'the metrics could not be collected\n'),
    );
  };
}

function refuse(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}
