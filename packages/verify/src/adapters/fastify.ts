/**
 * `@tollgate/verify/fastify`: a hook that authenticates requests and sets `request.auth`.
 *
 * ```js
 * import { tollgate, requireScopes } from '@tollgate/verify/fastify';
 *
 * app.decorateRequest('auth', null); // optional: keeps the request object's shape stable
 * app.addHook('onRequest', tollgate(verifier));                        // every route, or per route:
 * app.get('/data', { preHandler: tollgate(verifier, { scopes: 'read:data' }) }, (request) => request.auth);
 * app.get('/admin', { preHandler: requireScopes('admin') }, handler);  // after a global tollgate() hook
 * ```
 *
 * Refusals are sent by the hook itself (status, WWW-Authenticate, JSON body); other errors are thrown to Fastify's
 * error handler. Fastify is only imported as types: the SDK does not depend on it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerError } from '../errors.js';
import type { ScopeMode, Verifier, VerifiedToken } from '../types.js';
import { type ProtectOptions, createGuard, realmOf, realmOption, refusalOf, scopeCheck } from './guard.js';

export type { ProtectOptions } from './guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token, set by the tollgate() hook. */
    auth?: VerifiedToken | null;
  }
}

/** An async hook for `onRequest` or `preHandler`. */
export type TollgateHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/** The realm each request was checked under, for requireScopes() later in the lifecycle. */
const realms = new WeakMap<object, string>();

export function tollgate(verifier: Verifier, options: ProtectOptions = {}): TollgateHook {
  const guard = createGuard(verifier, options);
  return async (request, reply) => {
    realms.set(request, guard.realm);
    let headers: Record<string, string>;
    try {
      // headersDistinct keeps every Authorization header, so a second one is refused rather than ignored.
      // request.ip follows Fastify's `trustProxy` option.
      // request.protocol and request.host follow `trustProxy` too.
      const admitted = await guard.admit({
        headers: request.raw.headersDistinct,
        method: request.method,
        url: request.url,
        remoteAddress: request.ip,
        origin: () => (request.host === '' ? undefined : `${request.protocol}://${request.host}`),
      });
      request.auth = admitted.token;
      headers = admitted.headers;
    } catch (error) {
      if (error instanceof BearerError) return refuse(reply, error, guard.realm);
      throw error;
    }
    // DPoP-Nonce (RFC 9449 8.2) and RateLimit-*: see Guard.admit.
    reply.headers(headers);
    return undefined;
  };
}

/** Checks the scopes of the token a tollgate() hook verified earlier: 403 insufficient_scope when missing. */
export function requireScopes(
  scopes: string | readonly string[],
  options: { mode?: ScopeMode; realm?: string } = {},
): TollgateHook {
  const checkScopes = scopeCheck(scopes, options.mode);
  const realm = realmOption(options.realm);
  return async (request, reply) => {
    const token = request.auth;
    if (token === undefined || token === null) {
      throw new Error('requireScopes() needs a tollgate() hook earlier in the request lifecycle');
    }
    try {
      checkScopes(token);
    } catch (error) {
      if (error instanceof BearerError) return refuse(reply, error, realm ?? realms.get(request) ?? realmOf(undefined));
      throw error;
    }
    return undefined;
  };
}

/** In an async hook, sending and returning the reply ends the request there (Fastify "Respond to a request from a hook"). */
function refuse(reply: FastifyReply, error: BearerError, realm: string): FastifyReply {
  const refusal = refusalOf(error, realm);
  return reply
    .code(refusal.status)
    .headers(refusal.headers)
    .send(refusal.body === '' ? undefined : refusal.body);
}
