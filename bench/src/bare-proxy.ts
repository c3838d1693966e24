/**
 * Child program: the baseline of the gateway benchmark, a bare reverse proxy with no auth at all. It does the
 * least a correct proxy must: one keep-alive connection pool to the upstream, hop-by-hop headers dropped
 * (RFC 9110 7.6.1), bodies streamed both ways with backpressure, upstream failures answered with 502.
 *
 * Two clients to the upstream, one per process:
 *   - `undici` (the default, issue 12's "bare node:http + undici proxy"): an undici Pool with the gateway's
 *     connection settings (upstream.ts: connect 5 s, headers 30 s, body idle 60 s, undici's keep-alive default),
 *     driven through undici's dispatch-handler interface, its cheapest public path (Pool.request and Pool.stream
 *     wrap the same calls in more listeners and closures), so the baseline is not made easier to beat;
 *   - `node-http`: node:http's own client (http.request with a keep-alive Agent), kept as a second row.
 *
 * Usage: node bare-proxy.js <upstream origin> [undici|node-http]
 */
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  request,
  type ServerResponse,
} from 'node:http';
import { type Dispatcher, Pool } from 'undici';
import { serveOnLoopback } from './children.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const upstream = new URL(process.argv[2] ?? '');
const client = process.argv[3] ?? 'undici';

/** A flat `[name, value, ...]` list without hop-by-hop headers; `host`, when given, replaces the client's. */
function withoutHopByHop(raw: readonly string[], host?: string): string[] {
  const kept: string[] = [];
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = (raw[index] as string).toLowerCase();
    if (HOP_BY_HOP.has(name) || (host !== undefined && name === 'host')) continue;
    kept.push(name, raw[index + 1] as string);
  }
  if (host !== undefined) kept.push('host', host);
  return kept;
}

/** Undici's controller-based handler: headers out, chunks written with backpressure, failure → 502 or a cut. */
class Forward implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  constructor(readonly res: ServerResponse) {
    res.on('drain', () => this.#controller?.resume());
    res.on('close', () => {
      if (!res.writableFinished) this.#controller?.abort(new Error('the client went away'));
    });
  }
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
  }
  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    _headers: IncomingHttpHeaders,
    _statusMessage?: string,
  ): void {
    if (statusCode < 200) return;
    const raw = (controller.rawHeaders ?? []) as (Buffer | string)[];
    this.res.writeHead(statusCode, withoutHopByHop(raw.map((item) => item.toString('latin1'))));
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) controller.pause();
  }
  onResponseEnd(): void {
    this.res.end();
  }
  onResponseError(_controller: Dispatcher.DispatchController, _error: Error): void {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502).end();
  }
}

/** RFC 9112 6.3: a request has a body only when Content-Length (not 0) or Transfer-Encoding says so. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function undiciProxy(): { listener: RequestListener; close: () => void } {
  const pool = new Pool(upstream.origin, {
    connect: { timeout: 5_000 },
    headersTimeout: 30_000,
    bodyTimeout: 60_000,
  });
  const listener: RequestListener = (req, res) => {
    const headers = withoutHopByHop(req.rawHeaders, upstream.host);
    const body = hasBody(req) ? req : null;
    pool.dispatch({ path: req.url ?? '/', method: req.method as 'GET', headers, body }, new Forward(res));
  };
  return { listener, close: () => void pool.destroy() };
}

/** node:http's client as the baseline had it before undici: header objects, pipe() both ways. */
function nodeHttpProxy(): { listener: RequestListener; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const withoutHopByHopObject = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
    const copy = { ...headers };
    for (const name of HOP_BY_HOP) delete copy[name];
    return copy;
  };
  const listener: RequestListener = (req, res) => {
    const headers = withoutHopByHopObject(req.headers);
    headers.host = upstream.host;
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHopObject(answer.headers));
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  };
  return { listener, close: () => agent.destroy() };
}

if (client !== 'undici' && client !== 'node-http') throw new Error(`unknown client ${client}: undici or node-http`);
const proxy = client === 'undici' ? undiciProxy() : nodeHttpProxy();
serveOnLoopback(createServer(proxy.listener), proxy.close);
