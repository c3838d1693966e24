/**
 * Opens everything a Tollgate process needs from its configuration: the data directory, the store
 * (PostgreSQL or SQLite), the encryption key and the core. Shared by the server and the CLI, so both
 * resolve the database and the key the same way.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Tollgate, type TollgateConfig, type TollgateDependencies, openTollgate } from '@tollgate/core';
import {
  type KyselyStore,
  MIGRATION_NAMES,
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
    management: { ...config.management, dashboardSignIn: config.dashboard.signIn },
    webhooks: { allowPrivateNetworks: config.webhooks.allowPrivateNetworks },
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

/** A command that works on existing data found none; it created nothing. */
export class NoTollgateDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoTollgateDataError';
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
  /**
   * Open only an existing Tollgate database (every CLI command but start, migrate and demo): no data directory, no
   * database file and no schema are created; finding none is a NoTollgateDataError.
   */
  existingOnly?: boolean;
  /** What the server shares with other nodes through Redis: the revocation nudge, attempt counter, DPoP proofs. */
  dependencies?: Pick<TollgateDependencies, 'attempts' | 'revocationSignal' | 'dpopReplay' | 'onWebhookQueueError'>;
  /** PostgreSQL stopped answering (queries are refused at once meanwhile), or answers again. */
  onDatabaseOutage?: (down: boolean, cause?: unknown) => void;
}

/**
 * Opens the store. With `autoMigrate` (the default) pending migrations are applied; without, a schema
 * that is behind is refused with SchemaBehindError rather than served half-working. With `existingOnly`, a
 * database without Tollgate's schema is refused before anything is created in it.
 */
export async function openStoreFromConfig(
  config: ServerConfig,
  options: { existingOnly?: boolean; onOutage?: OpenOptions['onDatabaseOutage'] } = {},
): Promise<KyselyStore> {
  if (options.existingOnly && !databaseFileExists(config)) throw new NoTollgateDataError(noDataMessage(config));
  const migrateWhileOpening = config.autoMigrate && !options.existingOnly;
  const store = await openStoreAsIs(config, migrateWhileOpening, options.onOutage);
  if (migrateWhileOpening) return store;
  try {
    const pending = await store.pendingMigrations();
    if (options.existingOnly && pending.length === MIGRATION_NAMES.length) {
      throw new NoTollgateDataError(noDataMessage(config));
    }
    if (pending.length > 0 && config.autoMigrate) await store.migrate();
    else if (pending.length > 0) throw new SchemaBehindError(redactDatabaseLocation(config.database), pending);
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

/** SQLite's file (PostgreSQL has none: its schema is checked once connected). */
function databaseFileExists(config: ServerConfig): boolean {
  const file = config.databaseFile;
  return file === undefined || file === ':memory:' || existsSync(file);
}

function noDataMessage(config: ServerConfig): string {
  if (config.databaseFile === undefined) {
    const database = redactDatabaseLocation(config.database);
    return `no Tollgate schema in ${database}: run \`tollgate migrate\` or \`tollgate start\` first, or pass --database`;
  }
  if (config.databaseFile === join(config.dataDir, 'tollgate.db')) {
    return `no Tollgate data in ${config.dataDir}: run \`tollgate start\` first, or pass --data`;
  }
  return `no Tollgate database at ${config.databaseFile}: run \`tollgate start\` first, or pass --database`;
}

export async function openTollgateFromConfig(config: ServerConfig, options: OpenOptions): Promise<OpenedTollgate> {
  const store = await openStoreFromConfig(config, {
    existingOnly: options.existingOnly === true,
    ...(options.onDatabaseOutage ? { onOutage: options.onDatabaseOutage } : {}),
  });
  try {
    // A key is generated only for a store that holds no signing key yet, so it can never stand beside keys
    // encrypted under another one.
    const mayGenerate = (await store.keys.list()).length === 0;
    const encryptionKey = await resolveEncryptionKey(config, { mayGenerate });
    if (encryptionKey.source === 'generated') {
      options.warn(`Generated a new encryption key in ${encryptionKey.file}. ${ENCRYPTION_KEY_WARNING}`);
    } else if (encryptionKey.source === 'data-dir' && !options.warnOnlyWhenGenerated) {
      options.warn(ENCRYPTION_KEY_WARNING);
    }
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
