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
export type { BearerErrorCode, BearerErrorInit, BearerErrorName, BearerErrorStatus } from './errors.js';
export { type ExtractOptions, extractBearerToken, parseAuthorizationHeader } from './bearer.js';
export { TokenCache, tokenDigest } from './cache.js';
export { DenyList } from './deny-list.js';
export { FetchError } from './http.js';
export { importJwk, importJwks } from './jwks.js';
export { type KeyStoreOptions, METADATA_PATH, metadataUrl, RemoteKeyStore } from './keys.js';
export {
  basicCredentials,
  type FirstSyncOutcome,
  REVOCATIONS_PATH,
  type RevocationStatus,
  RevocationStream,
  type RevocationStreamOptions,
} from './revocations.js';
export { type SseEvent, type SseHandlers, SseParser, type SseParserOptions } from './sse.js';
