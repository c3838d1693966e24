/**
 * Opens everything a Tollgate process needs from its configuration: the data directory, the SQLite
 * store, the encryption key and the core. Shared by the server and the CLI, so both resolve the
 * database and the key the same way.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Tollgate, type TollgateConfig, openTollgate } from '@tollgate/core';
import { openSqliteStore } from '@tollgate/store-sql';
import type { ServerConfig } from './config.js';
import { ENCRYPTION_KEY_WARNING, type ResolvedEncryptionKey, resolveEncryptionKey } from './encryption-key.js';

/** The part of the server configuration the core takes. */
export function tollgateConfigOf(config: ServerConfig): TollgateConfig {
  return {
    issuer: config.issuer,
    signingAlgorithm: config.signingAlgorithm,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    defaultAccessTokenTtlSeconds: config.accessTokenTtlSeconds,
    clockToleranceSeconds: config.clockToleranceSeconds,
    passwordLogin: config.passwordLogin,
    bruteForce: config.bruteForce,
    management: config.management,
  };
}

export interface OpenedTollgate {
  tollgate: Tollgate;
  encryptionKey: ResolvedEncryptionKey;
  /** Closes the store; call once, after the last use. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Called with warnings worth a human's attention (the encryption key beside the database). */
  warn(message: string): void;
  /** Warn about a data-dir key on every open, or only when it was just generated (the CLI's choice). */
  warnOnlyWhenGenerated?: boolean;
}

export async function openTollgateFromConfig(config: ServerConfig, options: OpenOptions): Promise<OpenedTollgate> {
  const encryptionKey = await resolveEncryptionKey(config);
  if (encryptionKey.source === 'generated') {
    options.warn(`Generated a new encryption key in ${encryptionKey.file}. ${ENCRYPTION_KEY_WARNING}`);
  } else if (encryptionKey.source === 'data-dir' && !options.warnOnlyWhenGenerated) {
    options.warn(ENCRYPTION_KEY_WARNING);
  }
  await mkdir(dirname(config.databaseFile), { recursive: true, mode: 0o700 });
  const store = await openSqliteStore({ file: config.databaseFile });
  try {
    const tollgate = await openTollgate(tollgateConfigOf(config), { store, encryptionKey: encryptionKey.key });
    return { tollgate, encryptionKey, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
