/**
 * Opens everything a Tollgate process needs from its configuration: the data directory, the store
 * (PostgreSQL or SQLite), the encryption key and the core. Shared by the server and the CLI, so both
 * resolve the database and the key the same way.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Tollgate, type TollgateConfig, type TollgateDependencies, openTollgate } from '@tollgate/core';
import {
  type KyselyStore,
  databaseSecrets,
  isPostgresLocation,
  openStore,
  redactDatabaseLocation,
} from '@tollgate/store-sql';
import type { ServerConfig } from './config.js';
import { ENCRYPTION_KEY_WARNING, type ResolvedEncryptionKey, resolveEncryptionKey } from './encryption-key.js';
import { processClock } from './test-clock.js';

/** The part of the server configuration the core takes. */
export function tollgateConfigOf(config: ServerConfig): TollgateConfig {
  return {
    issuer: config.issuer,
    signingAlgorithm: config.signingAlgorithm,
    keyPropagationDelaySeconds: config.keyPropagationDelaySeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    refreshTokenMaxLifetimeSeconds: config.refreshTokenMaxLifetimeSeconds,
    defaultAccessTokenTtlSeconds: config.accessTokenTtlSeconds,
    clockToleranceSeconds: config.clockToleranceSeconds,
    passwordLogin: config.passwordLogin,
    bruteForce: config.bruteForce,
    management: config.management,
  };
}

/** Auto-migration is off and the database lacks migrations this version needs. */
export class SchemaBehindError extends Error {
  readonly pending: readonly string[];
  constructor(database: string, pending: readonly string[]) {
    super(
      `The database schema at ${database} is behind this version of Tollgate (pending migrations: ${pending.join(', ')}); ` +
        'run `tollgate migrate` first, or allow automatic migration (drop --no-migrate / TOLLGATE_AUTO_MIGRATE=false)',
    );
    this.name = 'SchemaBehindError';
    this.pending = pending;
  }
}

export interface OpenedTollgate {
  tollgate: Tollgate;
  encryptionKey: ResolvedEncryptionKey;
  /** The database location fit for logs (a URL's password replaced). */
  database: string;
  /** A trivial query: rejects while the database does not answer. */
  ping(): Promise<void>;
  /** A write that changes nothing: rejects while the database refuses writes (a full disk). */
  probeWrite(): Promise<void>;
  /** Closes the store; call once, after the last use. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Called with warnings worth a human's attention (the encryption key beside the database). */
  warn(message: string): void;
  /** Warn about a data-dir key on every open, or only when it was just generated (the CLI's choice). */
  warnOnlyWhenGenerated?: boolean;
  /** What the server shares with other nodes through Redis: the revocation nudge and the attempt counter. */
  dependencies?: Pick<TollgateDependencies, 'attempts' | 'revocationSignal'>;
  /** PostgreSQL stopped answering (queries are refused at once meanwhile), or answers again. */
  onDatabaseOutage?: (down: boolean, cause?: unknown) => void;
}

/**
 * Opens the store. With `autoMigrate` (the default) pending migrations are applied; without, a schema
 * that is behind is refused with SchemaBehindError rather than served half-working.
 */
export async function openStoreFromConfig(
  config: ServerConfig,
  onOutage?: OpenOptions['onDatabaseOutage'],
): Promise<KyselyStore> {
  const store = await openStoreAsIs(config, config.autoMigrate, onOutage);
  if (config.autoMigrate) return store;
  try {
    const pending = await store.pendingMigrations();
    if (pending.length > 0) throw new SchemaBehindError(redactDatabaseLocation(config.database), pending);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Opens the store, migrating only when told to (`tollgate migrate` opens it unmigrated and reports what it applies). */
export async function openStoreAsIs(
  config: ServerConfig,
  migrate = false,
  onOutage?: OpenOptions['onDatabaseOutage'],
): Promise<KyselyStore> {
  if (config.databaseFile !== undefined && config.databaseFile !== ':memory:') {
    await mkdir(dirname(config.databaseFile), { recursive: true, mode: 0o700 });
  }
  return openStore(config.database, { migrate, ...(onOutage ? { onOutage } : {}) }).catch((error: unknown) => {
    throw withoutSecrets(error, config.database);
  });
}

export async function openTollgateFromConfig(config: ServerConfig, options: OpenOptions): Promise<OpenedTollgate> {
  const encryptionKey = await resolveEncryptionKey(config);
  if (encryptionKey.source === 'generated') {
    options.warn(`Generated a new encryption key in ${encryptionKey.file}. ${ENCRYPTION_KEY_WARNING}`);
  } else if (encryptionKey.source === 'data-dir' && !options.warnOnlyWhenGenerated) {
    options.warn(ENCRYPTION_KEY_WARNING);
  }
  const store = await openStoreFromConfig(config, options.onDatabaseOutage);
  try {
    const tollgate = await openTollgate(tollgateConfigOf(config), {
      ...options.dependencies,
      clock: processClock(),
      store,
      encryptionKey: encryptionKey.key,
    });
    return {
      tollgate,
      encryptionKey,
      database: redactDatabaseLocation(config.database),
      ping: () => store.ping(),
      probeWrite: () => store.probeWrite(),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * A driver's message could, in some failure, quote the connection string; the password must not reach a
 * terminal or log line that way. Other errors pass through untouched.
 */
function withoutSecrets(error: unknown, database: string): unknown {
  if (!isPostgresLocation(database) || !(error instanceof Error)) return error;
  const secrets = databaseSecrets(database);
  if (!secrets.some((secret) => error.message.includes(secret) || String(error.stack).includes(secret))) return error;
  let message = error.message;
  for (const secret of secrets) message = message.split(secret).join('***');
  return new Error(message);
}
