/**
 * `@tollgate/client/browser`: the redirect helpers of the code flow, token storage shared by tabs, and a DPoP key
 * that survives reloads.
 */
export {
  type CompleteRedirectOptions,
  completeRedirectLogin,
  isRedirectCallback,
  type RedirectStorageOptions,
  type StartRedirectOptions,
  startRedirectLogin,
} from './redirect.js';
export { indexedDbDpopKeyPair } from './dpop-key-store.js';
export { indexedDbStorage } from './token-storage.js';
