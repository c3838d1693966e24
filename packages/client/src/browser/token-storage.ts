/**
 * Tokens in IndexedDB, shared by every tab of the origin: the storage to pair with the cross-tab Web Lock. With
 * localStorage a tab can read its own stale copy just after another tab refreshed (Chromium hands localStorage
 * writes to other tabs asynchronously; the lock is granted meanwhile), then refresh the old token again, which
 * Tollgate takes for a stolen one and revokes the session. IndexedDB reads what was last committed.
 */
import type { TokenSet } from '../oauth/token-set.js';
import type { TokenStorage } from '../session/storage.js';
import { committed, openClientDatabase, promised, TOKENS_STORE } from './indexeddb.js';

export function indexedDbStorage(databaseName = 'tollgate-client', key = 'tokens'): TokenStorage {
  let database: Promise<IDBDatabase> | undefined;
  const open = () => {
    database ??= openClientDatabase(databaseName).then((opened) => {
      // Another tab upgrading the database needs this connection closed; the next call reopens.
      opened.onversionchange = () => {
        opened.close();
        database = undefined;
      };
      return opened;
    });
    database.catch(() => {
      database = undefined;
    });
    return database;
  };
  const write = async (change: (store: IDBObjectStore) => void) => {
    const transaction = (await open()).transaction(TOKENS_STORE, 'readwrite');
    change(transaction.objectStore(TOKENS_STORE));
    await committed(transaction);
  };
  return {
    get: async () => {
      const store = (await open()).transaction(TOKENS_STORE, 'readonly').objectStore(TOKENS_STORE);
      return ((await promised(store.get(key))) as TokenSet | undefined) ?? undefined;
    },
    set: (tokens) => write((store) => store.put(tokens, key)),
    delete: () => write((store) => store.delete(key)),
  };
}
