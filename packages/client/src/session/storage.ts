/**
 * Where the client keeps its tokens. The default keeps them in memory, for one process or one page. In a browser,
 * `webStorage(sessionStorage)` keeps them per tab, across reloads; to share them between tabs, use
 * `indexedDbStorage()` from `@tollgate/client/browser`, not localStorage: Chromium hands a localStorage write to
 * the other tabs asynchronously, so a tab that gets the refresh lock just after another may still read the old
 * refresh token, and using it again revokes the session. Web Storage and IndexedDB are readable by any script on
 * the origin: the refresh token is only as safe as the page is from XSS (docs/client.md says more).
 */
import type { TokenSet } from '../oauth/token-set.js';

export interface TokenStorage {
  get(): TokenSet | undefined | Promise<TokenSet | undefined>;
  set(tokens: TokenSet): void | Promise<void>;
  delete(): void | Promise<void>;
}

export function memoryStorage(): TokenStorage {
  let tokens: TokenSet | undefined;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
    delete: () => {
      tokens = undefined;
    },
  };
}

/** The subset of the Web Storage API the adapter uses (localStorage, sessionStorage, or a test double). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function parsed(text: string | null): TokenSet | undefined {
  if (text === null) return undefined;
  try {
    const value = JSON.parse(text) as Partial<TokenSet> | null;
    // Written by another version, or by hand: unusable, so treated as absent rather than trusted.
    if (value === null || typeof value.accessToken !== 'string') return undefined;
    if (value.tokenType !== 'Bearer' && value.tokenType !== 'DPoP') return undefined;
    return value as TokenSet;
  } catch {
    return undefined;
  }
}

export function webStorage(storage: WebStorageLike, key = 'tollgate.tokens'): TokenStorage {
  return {
    get: () => parsed(storage.getItem(key)),
    set: (tokens) => storage.setItem(key, JSON.stringify(tokens)),
    delete: () => storage.removeItem(key),
  };
}
