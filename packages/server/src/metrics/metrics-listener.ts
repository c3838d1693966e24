/**
 * The private metrics listener (`metrics.listen`): GET /metrics without a token, for a Prometheus on the same
 * machine or network segment, apart from the public port as Hydra keeps its admin surface apart. Off by default.
 * Plain HTTP only on loopback; elsewhere it serves HTTPS with the server's certificate (config.ts refuses otherwise).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostForUrl } from '@tollgate/transport';
import type { ServerMetrics } from './server-metrics.js';

export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

export interface ListenAddress {
  host: string;
  port: number;
}

type Scrape = () => Promise<{ contentType: string; body: string }>;

export async function startMetricsListener(
  address: ListenAddress,
  metrics: Pick<ServerMetrics, 'scrape'>,
  tls?: { cert: Buffer; key: Buffer },
): Promise<MetricsListener> {
  const handler = answerScrapes(() => metrics.scrape());
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
export function answerScrapes(scrape: Scrape) {
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
