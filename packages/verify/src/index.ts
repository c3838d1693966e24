/**
 * @tollgate/verify: check Tollgate access tokens inside any Node API.
 *
 * ```ts
 * const verifier = createVerifier({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });
 * await verifier.ready();
 * const token = await verifier.authenticate({ headers: req.headersDistinct, url: req.url });
 * requireScopes(token, 'read:data');
 * ```
 *
 * Create one verifier per process and share the object (the gateway does the same in-process): it holds the keys,
 * the verified-token cache and the revocation stream. Call close() on shutdown; an open revocation stream keeps the
 * process alive.
 */
export * from './types.js';
/** createVerifier(options): Verifier. Options are checked eagerly (TypeError). */
export { createVerifier } from './verifier.js';
/** requireScopes(token, scopes, mode = 'all'): throws BearerError 403 insufficient_scope. */
export { requireScopes } from './scopes.js';
/**
 * An RFC 6750 3 refusal: `status` 400/401/403 (503 when fail-closed), `error` (undefined for a request with no
 * token: a bare challenge), `description` safe for clients, `scope`, and a stable `code` for logs.
 * `challenge(realm)` renders WWW-Authenticate, `body()` the JSON body.
 */
export { BearerError } from './errors.js';
export type {
  AcceptedSchemes,
  AuthScheme,
  BearerErrorCode,
  BearerErrorInit,
  BearerErrorName,
  BearerErrorStatus,
} from './errors.js';
export {
  type Credentials,
  type ExtractOptions,
  extractBearerToken,
  extractCredentials,
  parseAuthorizationHeader,
} from './bearer.js';
export { FetchError } from './http.js';
export { importJwk, importJwks } from '@tollgate/jwt';
export type { FirstSyncOutcome, RevocationStatus } from './revocations.js';
/**
 * DPoP (RFC 9449): authenticate() checks `Authorization: DPoP` requests and their proofs itself (VerifierOptions.dpop);
 * these are its parts for callers that need them: the replay cache a verifier (or gateway) keeps proofs in, and the
 * `WWW-Authenticate: DPoP` challenge of RFC 9449 7.1.
 */
export { type DpopReplayCache, type MemoryDpopReplayCacheOptions, MemoryDpopReplayCache } from '@tollgate/jwt';
export { type DpopChallengeError, type DpopChallengeInit, dpopChallenge } from './challenge.js';
