/**
 * `@tollgate/verify/express`: Express middleware (Express 5; 4 works too).
 *
 * ```js
 * import { tollgate, requireScopes } from '@tollgate/verify/express';
 *
 * app.use(tollgate(verifier));
 * app.get('/data', requireScopes('read:data'), (req, res) => res.json({ subject: req.auth.subject }));
 * ```
 *
 * Refusals are answered right here (status, WWW-Authenticate, JSON body), not passed to `next(err)`: they are the
 * answer, not a failure. Anything else (a verifier bug) goes to `next(err)` and Express's error handling.
 * Express is only imported as types: the SDK does not depend on it.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BearerError } from '../errors.js';
import type { ScopeMode, Verifier, VerifiedToken } from '../types.js';
import { type ProtectOptions, createGuard, realmOf, realmOption, refusalOf, scopeCheck } from './guard.js';

export type { ProtectOptions } from './guard.js';

declare global {
  // Declaration merging into Express's own open interface (the way @types/express invites extensions).
  namespace Express {
    interface Request {
      /** The verified access token, set by the tollgate() middleware. */
      auth?: VerifiedToken;
    }
  }
}

/** The realm each request was checked under, for requireScopes() further down the chain. */
const realms = new WeakMap<object, string>();

/** Authenticates every request it sees; on success sets `req.auth` and calls `next()`. */
export function tollgate(verifier: Verifier, options: ProtectOptions = {}): RequestHandler {
  const guard = createGuard(verifier, options);
  return async (req: Request, res: Response, next: NextFunction) => {
    realms.set(req, guard.realm);
    let admitted: { token: VerifiedToken; headers: Record<string, string> };
    try {
      // headersDistinct keeps every Authorization header, so a second one is refused rather than ignored.
      // req.ip follows the app's `trust proxy` setting: the caller as the app itself sees it.
      // req.protocol and req.host follow `trust proxy` too: X-Forwarded-* count only when the app says so.
      admitted = await guard.admit({
        headers: req.headersDistinct,
        method: req.method,
        url: req.originalUrl,
        remoteAddress: req.ip ?? req.socket.remoteAddress,
        origin: () => (req.host === undefined ? undefined : `${req.protocol}://${req.host}`),
      });
    } catch (error) {
      if (error instanceof BearerError) refuse(res, error, guard.realm);
      else next(error);
      return;
    }
    req.auth = admitted.token;
    // DPoP-Nonce (RFC 9449 8.2) and RateLimit-*: see Guard.admit.
    res.set(admitted.headers);
    next();
  };
}

/**
 * Checks the scopes of the token `tollgate()` verified earlier in the chain: 403 insufficient_scope (RFC 6750 3.1)
 * with the `scope` attribute when they are missing.
 */
export function requireScopes(
  scopes: string | readonly string[],
  options: { mode?: ScopeMode; realm?: string } = {},
): RequestHandler {
  const checkScopes = scopeCheck(scopes, options.mode);
  const realm = realmOption(options.realm);
  return (req: Request, res: Response, next: NextFunction) => {
    const token = req.auth;
    if (token === undefined) {
      next(new Error('requireScopes() needs the tollgate() middleware earlier in the chain'));
      return;
    }
    try {
      checkScopes(token);
    } catch (error) {
      if (error instanceof BearerError) refuse(res, error, realm ?? realms.get(req) ?? realmOf(undefined));
      else next(error);
      return;
    }
    next();
  };
}

function refuse(res: Response, error: BearerError, realm: string): void {
  const refusal = refusalOf(error, realm);
  res.status(refusal.status).set(refusal.headers);
  if (refusal.body === '') res.end();
  else res.send(refusal.body);
}
