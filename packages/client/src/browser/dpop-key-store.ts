/**
 * Keeps the DPoP key pair in IndexedDB, so a DPoP-bound refresh token still works after a reload and in every tab
 * of the origin (RFC 9449 5: a refresh token bound to a key needs that key). IndexedDB stores the CryptoKey
 * itself, still non-extractable: script can use it, never read it.
 */
import { generateDpopKeyPair } from '../dpop/key.js';
import { committed, KEYS_STORE, openClientDatabase, promised } from './indexeddb.js';

const RECORD = 'dpop';

/**
 * The key pair stored in the database `databaseName`, made and stored on first use. Two tabs starting together
 * both generate one, but only the first to write keeps it: the read and the write share one transaction.
 */
export function indexedDbDpopKeyPair(databaseName = 'tollgate-client'): () => Promise<CryptoKeyPair> {
  return async () => {
    const candidate = await generateDpopKeyPair();
    const database = await openClientDatabase(databaseName);
    try {
      const transaction = database.transaction(KEYS_STORE, 'readwrite');
      const store = transaction.objectStore(KEYS_STORE);
      const existing = (await promised(store.get(RECORD))) as CryptoKeyPair | undefined;
      if (existing === undefined) store.add(candidate, RECORD);
      await committed(transaction);
      return existing ?? candidate;
    } finally {
      database.close();
    }
  };
}
