/**
 * `@tollgate/client/loopback`: the code flow for a command-line tool, as RFC 8252 (OAuth for native apps) says:
 * a one-shot HTTP server on 127.0.0.1 and a port the system picks (7.3; the IP literal, not `localhost`, 8.3), the
 * authorization URL printed (or opened in the user's browser), one redirect received, the server closed, and the
 * code exchanged with PKCE. Nothing else on the machine can use the code: the verifier never left this process.
 * Node only (node:http).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TollgateClient } from '../client.js';
import { ClientError } from '../errors.js';
import type { AuthorizationRequestOptions } from '../oauth/authorization.js';
import type { TokenSet } from '../oauth/token-set.js';

export interface LoopbackLoginOptions extends Omit<AuthorizationRequestOptions, 'redirectUri'> {
  /** The redirect's path on the loopback server; default `/callback`. Register `http://127.0.0.1/callback`. */
  path?: string;
  /** How long to wait for the redirect; default 300 000 (five minutes). */
  timeoutMs?: number;
  /**
   * Shows the authorization URL to the user: default, print it on stderr. `openBrowser` (from this module) opens
   * it in the system's browser instead.
   */
  onAuthorizationUrl?: (url: string) => void | Promise<void>;
  /** What the browser shows once the redirect arrived; default a short "you can close this tab". */
  successPage?: string;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const DONE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Signed in</title><p>Signed in. You can close this tab.</p>';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the system picks a free one (RFC 8252 7.3); 127.0.0.1 only, never reachable from the network.
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

interface PendingRedirect {
  /** The first request to `path`, as a full URL. */
  url: Promise<string>;
  /** Stops the timeout (the flow ended another way). */
  cancel(): void;
}

/** Waits for the first request to `path`; anything else is answered 404 and the wait goes on. */
function waitForRedirect(server: Server, port: number, path: string, page: string, timeoutMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const url = new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => {
      reject(new ClientError('ERR_LOOPBACK_TIMEOUT', `No redirect reached the loopback server in ${timeoutMs} ms`));
    }, timeoutMs);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const requested = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (req.method !== 'GET' || requested.pathname !== path) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      clearTimeout(timer);
      // The page must not pass the code on (Referrer-Policy) nor be kept (no-store).
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        connection: 'close',
      });
      res.end(page, () => resolve(requested.href));
    });
  });
  // Whoever awaits it later gets the rejection; this only keeps an early one from being reported as unhandled.
  url.catch(() => {});
  return { url, cancel: () => clearTimeout(timer) } satisfies PendingRedirect;
}

export async function loginWithLoopback(client: TollgateClient, options: LoopbackLoginOptions = {}): Promise<TokenSet> {
  const path = options.path ?? '/callback';
  const timeoutMs = timeoutOf(options);
  const server = createServer();
  let redirect: PendingRedirect | undefined;
  try {
    const port = await listen(server);
    const redirectUri = `http://127.0.0.1:${port}${path}`;
    const { url, ...pending } = await client.authorizationRequest({ ...options, redirectUri });
    // Listening before the URL is shown, so a redirect arriving at once is not missed.
    redirect = waitForRedirect(server, port, path, options.successPage ?? DONE_PAGE, timeoutMs);
    await (options.onAuthorizationUrl ?? printUrl)(url);
    const callbackUrl = await redirect.url;
    await close(server);
    return await client.completeAuthorization(callbackUrl, pending);
  } finally {
    redirect?.cancel();
    await close(server);
  }
}

function timeoutOf(options: LoopbackLoginOptions): number {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('options.timeoutMs must be a number > 0');
  return timeoutMs;
}

function printUrl(url: string): void {
  process.stderr.write(`Open this address in your browser to sign in:\n\n  ${url}\n\n`);
}

export { openBrowser } from './open-browser.js';
