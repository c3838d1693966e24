/**
 * @tollgate/client: get tokens from Tollgate (or any OAuth 2 server) and send them to APIs, from Node 20+ and
 * browsers, with no runtime dependency.
 *
 * ```ts
 * const client = createClient({ issuer: 'https://auth.example.com' });
 * await client.login({ username, password });
 * const response = await client.fetch('https://api.example.com/data');
 * ```
 *
 * Entry points: this one; `@tollgate/client/axios` (the interceptor); `@tollgate/client/browser` (the code flow's
 * redirect helpers, a DPoP key kept in IndexedDB); `@tollgate/client/loopback` (the code flow for CLIs, Node only).
 */
export { createClient, type LoginCredentials, TollgateClient, type TokenParams } from './client.js';
export type { ClientOptions } from './options.js';
export {
  ClientError,
  type ClientErrorCode,
  InsufficientScopeError,
  InvalidTokenError,
  LoginRequiredError,
  OAuthError,
  type OAuthErrorInit,
} from './errors.js';
export type { TokenSet, TokenType } from './oauth/token-set.js';
export type { ClientAuthMethod } from './oauth/client-auth.js';
export type { AuthorizationServerMetadata } from './oauth/metadata.js';
export type {
  AuthorizationRequest,
  AuthorizationRequestOptions,
  PendingAuthorization,
} from './oauth/authorization.js';
export { memoryStorage, type TokenStorage, webStorage, type WebStorageLike } from './session/storage.js';
export { generateDpopKeyPair } from './dpop/key.js';
export { dpopProof } from './dpop/proof.js';
export type { DpopKeyPairSource } from './dpop/signer.js';
export type { ResourceAccess } from './resource/access.js';
export type { FetchLike } from './lib/fetch-like.js';
