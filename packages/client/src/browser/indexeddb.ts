/**
 * The client's IndexedDB database: one object store for the DPoP key, one for tokens. IndexedDB, unlike
 * localStorage, has no per-tab cache: a transaction committed in one tab is what the next transaction in any tab
 * reads, which is what sharing tokens across tabs under a Web Lock needs.
 */
export const KEYS_STORE = 'keys';
export const TOKENS_STORE = 'tokens';
const VERSION = 1;

export function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves once the transaction has committed, so a tab reading next sees its writes. */
export function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export function openClientDatabase(name: string): Promise<IDBDatabase> {
  const request = globalThis.indexedDB.open(name, VERSION);
  request.onupgradeneeded = () => {
    for (const store of [KEYS_STORE, TOKENS_STORE]) {
      if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
    }
  };
  return promised(request);
}
