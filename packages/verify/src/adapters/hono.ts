/**
 * `@tollgate/verify/hono`: Hono middleware that sets `c.get('auth')`.
 *
 * ```js
 * import { tollgate } from '@tollgate/verify/hono';
 *
 * app.get('/data', tollgate(verifier, { scopes: 'read:data' }), (c) => c.json({ subject: c.get('auth').subject }));
 * ```
 *
 * Runs wherever Hono runs (Node, Bun, Deno, workers): it only reads the fetch Request. Refusals are returned as the
 * response (status, WWW-Authenticate, JSON body); other errors are thrown to Hono's onError. Hono is only imported as
 * types: the SDK does not depend on it.
 */
import type { MiddlewareHandler } from 'hono';
import { BearerError } from '../errors.js';
import type { Verifier, VerifiedToken } from '../types.js';
import { type ProtectOptions, createGuard, refusalResponse } from './guard.js';

export type { ProtectOptions } from './guard.js';

/** The variables the middleware sets, for `new Hono<TollgateEnv>()` or inferred through the route's handler chain. */
export interface TollgateEnv {
  Variables: { auth: VerifiedToken };
}

/**
 * The caller's address where the runtime exposes it: @hono/node-server puts the IncomingMessage in `c.env.incoming`.
 * Elsewhere (Bun, Deno, workers) it is left undefined; it only feeds API-token usage reports.
 */
function nodeRemoteAddress(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming;
  const address = incoming?.socket?.remoteAddress;
  return typeof address === 'string' ? address : undefined;
}

export function tollgate(verifier: Verifier, options: ProtectOptions = {}): MiddlewareHandler<TollgateEnv> {
  const guard = createGuard(verifier, options);
  return async (c, next) => {
    let admitted: { token: VerifiedToken; headers: Record<string, string> };
    try {
      // A fetch Headers object joins repeated Authorization headers with ", ", which the Bearer grammar refuses.
      // The runtime built the URL; its origin is what the runtime was told (usually the Host header).
      const url = new URL(c.req.url);
      admitted = await guard.admit({
        headers: c.req.raw.headers,
        method: c.req.method,
        url: url.pathname + url.search,
        remoteAddress: nodeRemoteAddress(c.env),
        origin: () => url.origin,
      });
    } catch (error) {
      if (error instanceof BearerError) return refusalResponse(error, guard.realm);
      throw error;
    }
    c.set('auth', admitted.token);
    // DPoP-Nonce (RFC 9449 8.2) and RateLimit-*: see Guard.admit.
    for (const [name, value] of Object.entries(admitted.headers)) c.header(name, value);
    await next();
    return undefined;
  };
}
