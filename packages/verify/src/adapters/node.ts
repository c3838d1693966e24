/**
 * `@tollgate/verify/node`: protect a plain node:http handler.
 *
 * ```js
 * import { createServer } from 'node:http';
 * import { createVerifier } from '@tollgate/verify';
 * import { protect } from '@tollgate/verify/node';
 *
 * const verifier = createVerifier({ issuer, audience });
 * createServer(protect(verifier, (req, res, token) => res.end(token.subject), { scopes: 'read:data' })).listen(3000);
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { BearerError } from '../errors.js';
import type { VerifiedToken } from '../types.js';
import { type ProtectOptions, createGuard, refusalOf } from './guard.js';

export type { ProtectOptions } from './guard.js';

export type ProtectedHandler<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
> = (req: Req, res: Res, token: VerifiedToken) => unknown;

export interface NodeProtectOptions extends ProtectOptions {
  /**
   * Called when the verifier fails for a reason that is not a verdict on the token (a bug, not a refusal); the
   * client then gets a generic 500. Default: the error is printed to stderr.
   */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

function originOf(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined || host === '') return undefined;
  return `${(req.socket as TLSSocket).encrypted === true ? 'https' : 'http'}://${host}`;
}

const SERVER_ERROR_BODY = JSON.stringify({
  error: 'server_error',
  error_description: 'The access token could not be checked',
});

/**
 * Wraps `handler` so it only runs for requests with a valid token (and the scopes, if given). Refusals are written
 * here: the status, `WWW-Authenticate` (RFC 6750 3), `Cache-Control: no-store` and a JSON body (none for the bare 401
 * of a request without a token). Errors thrown by `handler` itself are left to it, as with any node:http handler.
 */
export function protect<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
  verifier: Parameters<typeof createGuard>[0],
  handler: ProtectedHandler<Req, Res>,
  options: NodeProtectOptions = {},
): (req: Req, res: Res) => void {
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  const guard = createGuard(verifier, options);
  const onError =
    options.onError ?? ((error: unknown) => console.error('@tollgate/verify: verification failed', error));
  return (req, res) => {
    // headersDistinct keeps every Authorization header, so a second one is refused rather than ignored.
    const check = guard.admit({
      headers: req.headersDistinct,
      method: req.method,
      url: req.url,
      remoteAddress: req.socket.remoteAddress,
      // The Host header as received; X-Forwarded-* never (whoever sends them, node:http cannot tell a proxy).
      origin: () => originOf(req),
    });
    check.then(
      ({ token, headers }) => {
        // DPoP-Nonce (RFC 9449 8.2) and RateLimit-*: see Guard.admit.
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        return handler(req, res, token);
      },
      (error: unknown) => {
        if (error instanceof BearerError) {
          const refusal = refusalOf(error, guard.realm);
          res.writeHead(refusal.status, refusal.headers).end(refusal.body);
          return;
        }
        onError(error, req);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        }
        res.end(SERVER_ERROR_BODY);
      },
    );
  };
}
