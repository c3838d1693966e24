/**
 * `@tollgate/verify/fetch`: for any runtime built on the fetch API (Node's own fetch servers, Bun, Deno, workers,
 * Next.js route handlers). Returns the verified token, or the Response to send back.
 *
 * ```js
 * import { authenticateRequest } from '@tollgate/verify/fetch';
 *
 * export async function GET(request) {
 *   const auth = await authenticateRequest(verifier, request, { scopes: 'read:data' });
 *   if (auth instanceof Response) return auth;
 *   return Response.json({ subject: auth.subject });
 * }
 * ```
 */
import { BearerError } from '../errors.js';
import type { Verifier, VerifiedToken } from '../types.js';
import { type Guard, type ProtectOptions, createGuard, refusalResponse } from './guard.js';

export type { ProtectOptions } from './guard.js';

/**
 * Authenticates `request` (and checks the scopes, if given). With nonces required, send
 * `verifier.dpopNonce(options)` as the `DPoP-Nonce` of your answer (RFC 9449 8.2): this adapter cannot set it. A refusal comes back as a Response with the status,
 * WWW-Authenticate (RFC 6750 3), `Cache-Control: no-store` and a JSON body (none for the bare 401). Errors that are
 * not a verdict on the token are thrown.
 */
export async function authenticateRequest(
  verifier: Verifier,
  request: Request,
  options: ProtectOptions = {},
): Promise<VerifiedToken | Response> {
  return createAuthenticator(verifier, options)(request);
}

/** The same, with the options checked once: for a hot path, create it at start-up and call it per request. */
export function createAuthenticator(
  verifier: Verifier,
  options: ProtectOptions = {},
): (request: Request) => Promise<VerifiedToken | Response> {
  const guard: Guard = createGuard(verifier, options);
  return async (request) => {
    try {
      // A fetch Headers object joins repeated Authorization headers with ", ", which the Bearer grammar refuses.
      // A fetch Request carries no peer address: API-token usage is reported without one.
      // The runtime built request.url; its origin is what the runtime was told (usually the Host header).
      const url = new URL(request.url);
      return await guard.check({
        headers: request.headers,
        method: request.method,
        url: url.pathname + url.search,
        origin: () => url.origin,
      });
    } catch (error) {
      if (error instanceof BearerError) return refusalResponse(error, guard.realm);
      throw error;
    }
  };
}
