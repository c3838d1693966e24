/**
 * The origin the client's browser tests load pages from, as a single-page app is usually served: the built ESM
 * of @tollgate/client under /client/, a page that imports it (/app.html), and a reverse proxy to Tollgate
 * (/tollgate/) and to an API (/api/) so the page reaches both same-origin (Tollgate sends no CORS headers). The
 * proxy counts the refreshes it passes to Tollgate and can hold their answers, so a test can look at what the
 * other tabs do while one refresh is under way.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { REPO_ROOT } from './paths.js';

const CLIENT_DIST = join(REPO_ROOT, 'packages', 'client', 'dist', 'src');
const PROXY_TIMEOUT_MS = 15_000;
/** Loads both entry points and says so in the title, which the test waits for. */
const APP_PAGE = `<!doctype html><meta charset="utf-8"><title>loading</title>
<script type="module">
import * as client from '/client/index.js';
import * as browser from '/client/browser/index.js';
Object.assign(globalThis, { tollgateClient: client, tollgateBrowser: browser });
document.title = 'ready';
</script>`;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

export interface PageServer {
  origin: string;
  /** Refresh requests (grant_type=refresh_token) passed to Tollgate. */
  refreshes(): number;
  /** Holds the answers to refresh requests until releaseRefreshes(). */
  holdRefreshes(): void;
  releaseRefreshes(): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function serveClientFile(path: string, res: ServerResponse): Promise<void> {
  const file = normalize(join(CLIENT_DIST, path));
  if (!file.startsWith(CLIENT_DIST) || !file.endsWith('.js')) {
    res.writeHead(404).end();
    return;
  }
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) res.writeHead(404).end();
  else res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(text);
}

export async function startPageServer(targets: { tollgate: string; api: string }): Promise<PageServer> {
  let refreshes = 0;
  let release: (() => void) | undefined;
  let held: Promise<void> = Promise.resolve();

  async function proxy(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
    const body = await readBody(req);
    const isRefresh = new URLSearchParams(body.toString('utf8')).get('grant_type') === 'refresh_token';
    if (isRefresh) refreshes += 1;
    const headers = Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name));
    const answer = await fetch(target, {
      method: req.method,
      headers: headers.map(([name, value]) => [name, String(value)]),
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
    });
    const answerBody = Buffer.from(await answer.arrayBuffer());
    if (isRefresh) await held;
    const answerHeaders = [...answer.headers].filter(([name]) => !HOP_BY_HOP.has(name) && name !== 'content-encoding');
    res.writeHead(answer.status, Object.fromEntries(answerHeaders)).end(answerBody);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://page.invalid').pathname;
    if (path === '/app.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(APP_PAGE);
    else if (path.startsWith('/client/')) await serveClientFile(path.slice('/client/'.length), res);
    else if (path.startsWith('/tollgate/')) await proxy(req, res, targets.tollgate + path.slice('/tollgate'.length));
    else if (path.startsWith('/api/')) await proxy(req, res, targets.api + path.slice('/api'.length));
    else res.writeHead(404).end();
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refreshes: () => refreshes,
    holdRefreshes: () => {
      held = new Promise((resolve) => {
        release = resolve;
      });
    },
    releaseRefreshes: () => release?.(),
    close: () =>
      new Promise<void>((resolve) => {
        release?.();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
