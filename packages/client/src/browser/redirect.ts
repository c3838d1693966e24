/**
 * The code flow in a browser: `startRedirectLogin` keeps the PKCE verifier and `state` in sessionStorage (this tab
 * only, never sent anywhere) and goes to the authorization server; on the page it comes back to,
 * `completeRedirectLogin` takes them out again (one use, even if the exchange fails), checks the response, gets the
 * tokens, and removes `code` and `state` from the address bar so they stay out of history and bookmarks.
 */
import type { TollgateClient } from '../client.js';
import { ClientError } from '../errors.js';
import type { AuthorizationRequestOptions, PendingAuthorization } from '../oauth/authorization.js';
import type { TokenSet } from '../oauth/token-set.js';
import type { WebStorageLike } from '../session/storage.js';

const DEFAULT_KEY = 'tollgate.pendingAuthorization';

export interface RedirectStorageOptions {
  /** Default sessionStorage. */
  storage?: WebStorageLike;
  /** The storage key; default `tollgate.pendingAuthorization`. */
  key?: string;
}

export interface StartRedirectOptions extends AuthorizationRequestOptions, RedirectStorageOptions {
  /** Default `location.assign`. */
  navigate?: (url: string) => void;
}

export interface CompleteRedirectOptions extends RedirectStorageOptions {
  /** The URL the server redirected to; default `location.href`, which is then cleaned with history.replaceState. */
  url?: string;
}

function sessionStorageOf(options: RedirectStorageOptions): WebStorageLike {
  const storage = options.storage ?? (globalThis as { sessionStorage?: WebStorageLike }).sessionStorage;
  if (storage === undefined) throw new TypeError('no sessionStorage here: pass options.storage');
  return storage;
}

export async function startRedirectLogin(client: TollgateClient, options: StartRedirectOptions): Promise<void> {
  const storage = sessionStorageOf(options);
  const { url, ...pending } = await client.authorizationRequest(options);
  storage.setItem(options.key ?? DEFAULT_KEY, JSON.stringify(pending satisfies PendingAuthorization));
  (options.navigate ?? ((target: string) => globalThis.location.assign(target)))(url);
}

/** True when `url` (default the current one) looks like an authorization response: `state` and `code` or `error`. */
export function isRedirectCallback(url: string = globalThis.location.href): boolean {
  const params = new URL(url).searchParams;
  return params.has('state') && (params.has('code') || params.has('error'));
}

function takePending(storage: WebStorageLike, key: string): PendingAuthorization {
  const text = storage.getItem(key);
  storage.removeItem(key);
  const pending = text === null ? undefined : (JSON.parse(text) as Partial<PendingAuthorization> | null);
  if (typeof pending?.state !== 'string' || typeof pending.codeVerifier !== 'string') {
    throw new ClientError('ERR_NO_PENDING_AUTHORIZATION', 'No authorization request is pending in this tab');
  }
  return pending as PendingAuthorization;
}

export async function completeRedirectLogin(
  client: TollgateClient,
  options: CompleteRedirectOptions = {},
): Promise<TokenSet> {
  const url = options.url ?? globalThis.location.href;
  const pending = takePending(sessionStorageOf(options), options.key ?? DEFAULT_KEY);
  if (options.url === undefined) {
    const cleaned = new URL(url);
    for (const name of ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state']) {
      cleaned.searchParams.delete(name);
    }
    globalThis.history.replaceState(globalThis.history.state, '', cleaned.href);
  }
  return client.completeAuthorization(url, pending);
}
