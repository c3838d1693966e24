/**
 * A real upstream for the gateway: node:http on 127.0.0.1:0 that reports what reached it (method, path,
 * headers, body size and digest), plus a WebSocket echo (`ws`). Behaviour is chosen by request headers
 * so that the paths under test stay free: `x-test-delay-ms` holds the response back, `x-test-hold`
 * sends a first chunk and waits for release() before finishing.
 */
import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  bodyBytes: number;
  bodySha256: string;
}

export interface TestUpstream {
  url: string;
  port: number;
  /** Every request that reached this upstream, in order. */
  received: Received[];
  /** Paths of the WebSocket handshakes that reached this upstream. */
  upgrades: string[];
  /** Lets held responses (`x-test-hold`) finish. */
  release(): void;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<TestUpstream> {
  const received: Received[] = [];
  const upgrades: string[] = [];
  let releaseHeld: () => void = () => {};
  let held = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });
  const server: Server = createServer(async (req, res) => {
    const hash = createHash('sha256');
    let bodyBytes = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      bodyBytes += chunk.length;
      hash.update(chunk);
    }
    const record: Received = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bodyBytes,
      bodySha256: hash.digest('hex'),
    };
    received.push(record);
    const delayMs = Number(req.headers['x-test-delay-ms'] ?? 0);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    if (req.headers['x-test-hold'] !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk\n');
      await held;
      res.end('last chunk\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      // Hop-by-hop and Connection-named headers the gateway must not pass back.
      connection: 'keep-alive, x-upstream-private',
      'x-upstream-private': 'hop',
      'keep-alive': 'timeout=5',
      'x-upstream-public': 'end-to-end',
    });
    res.end(JSON.stringify(record));
  });
  const sockets = new WebSocketServer({ server });
  server.prependListener('upgrade', (request) => upgrades.push(request.url ?? ''));
  sockets.on('connection', (socket, request) => {
    // Tests send invalid frames on purpose: ws fails the connection itself, then reports it here.
    socket.on('error', () => {});
    socket.send(JSON.stringify({ path: request.url, headers: request.headers }));
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    upgrades,
    release: () => {
      releaseHeld();
      held = new Promise<void>((resolve) => {
        releaseHeld = resolve;
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        releaseHeld();
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
