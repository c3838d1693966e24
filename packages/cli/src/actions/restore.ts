/**
 * `tollgate restore <file>`: puts a `tollgate backup` in place of the SQLite database, and
 * `tollgate restore --epoch-only` finishes a PostgreSQL restore done with pg_restore.
 *
 * Nothing is changed unless every check passes: no process has the database open (a running server would
 * keep serving, and writing into, the file being replaced), the file is an intact Tollgate database, and
 * the configured encryption key decrypts its signing keys. The restored copy is prepared beside the
 * database (migrated, given a new revocation epoch) and renamed over it. The new epoch makes every verifier
 * following the revocation stream resync its whole deny list: the backup hands out revocation sequence
 * numbers again, and a verifier resuming from its last one would miss the first revocations after the restore.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ServerConfig, openStoreAsIs, openTollgateFromConfig } from '@tollgate/server/bootstrap';
import {
  backupSqliteDatabase,
  inspectSqliteBackup,
  isSqliteDatabaseInUse,
  redactDatabaseLocation,
  temporaryNameFor,
} from '@tollgate/store-sql';
import { type Cli, type GlobalOptions, configFor } from '../context.js';
import { configuredSecret, describeKeyIds } from '../encryption-key-note.js';
import { UsageError } from '../usage.js';
import { printJson, printLines, shellQuote, warn } from '../output.js';

export interface RestoreOptions extends GlobalOptions {
  epochOnly?: boolean;
}

export async function restore(cli: Cli, file: string | undefined, options: RestoreOptions): Promise<void> {
  const config = await configFor(cli, options);
  if (options.epochOnly) return startNewEpoch(cli, config, options);
  if (file === undefined) throw new UsageError('missing argument: tollgate restore <file> (or --epoch-only)');
  if (config.databaseFile === undefined) return printPgRestore(cli, config, file, options);
  await restoreSqlite(cli, config, config.databaseFile, file, options);
}

async function restoreSqlite(
  cli: Cli,
  config: ServerConfig,
  database: string,
  file: string,
  options: RestoreOptions,
): Promise<void> {
  refuseWhileInUse(database);
  const encryptionKeyIds = await checkBackup(config, file);
  await mkdir(dirname(database), { recursive: true, mode: 0o700 });
  const prepared = temporaryNameFor(database);
  try {
    const epoch = await prepare(cli, config, file, prepared);
    // Checked again: a server started while the copy was being prepared must not lose its file.
    refuseWhileInUse(database);
    await replace(database, prepared);
    if (options.json) return printJson(cli, { database, restoredFrom: file, revocationEpoch: epoch });
    printLines(
      cli,
      `Restored ${database} from ${file} (encryption key id ${describeKeyIds(encryptionKeyIds)}).`,
      'Started a new revocation epoch: verifiers resync their deny lists when they reconnect.',
      'Changes made after the backup are gone: tokens revoked since then are live again at the server.',
    );
  } finally {
    await removeDatabaseFiles(prepared);
  }
}

/** Exit 2 while any process (a server, another tollgate command) has the database open. */
function refuseWhileInUse(database: string): void {
  // No database yet (a fresh data directory) is fine: the restore creates it.
  if (existsSync(database) && isSqliteDatabaseInUse(database)) {
    throw new UsageError(
      `${database} is in use (a running server or tollgate command has it open); stop every process using it, then restore`,
    );
  }
}

/** The file must be an intact Tollgate database whose signing keys the configured key decrypts. */
async function checkBackup(config: ServerConfig, file: string): Promise<string[]> {
  const inspection = inspectSqliteBackup(file);
  if (inspection.problem !== undefined) {
    throw new UsageError(`${file} is not a usable Tollgate backup: ${inspection.problem}`);
  }
  const ids = inspection.encryptionKeyIds;
  const configured = await configuredSecret(config);
  const foreign = ids.filter((id) => id !== configured?.key.id);
  if (foreign.length > 0) {
    const have =
      configured === undefined
        ? 'no key is configured'
        : `the configured key (${configured.origin}) has id ${configured.key.id}`;
    throw new UsageError(
      `${file} needs the encryption key with id ${foreign.join(', ')}, but ${have}; ` +
        'set TOLLGATE_ENCRYPTION_KEY (or encryptionKeyFile) to the key that was in use when the backup was taken',
    );
  }
  return ids;
}

/** Copies the backup to `prepared`, migrates it, proves its signing key decrypts, and gives it a new epoch. */
async function prepare(cli: Cli, config: ServerConfig, file: string, prepared: string): Promise<string> {
  await backupSqliteDatabase(file, prepared);
  const preparedConfig: ServerConfig = { ...config, database: prepared, databaseFile: prepared, autoMigrate: true };
  // Opening the core decrypts the signing key exactly as `tollgate start` will.
  const opened = await openTollgateFromConfig(preparedConfig, {
    warn: (message) => warn(cli, message),
    warnOnlyWhenGenerated: true,
  });
  await opened.close();
  const store = await openStoreAsIs(preparedConfig);
  try {
    return await store.startNewRevocationEpoch();
  } finally {
    await store.close();
  }
}

/** A stale -wal would be replayed onto the restored file, so it goes before the rename; the rename is atomic. */
async function replace(database: string, prepared: string): Promise<void> {
  await rm(`${database}-wal`, { force: true });
  await rm(`${database}-shm`, { force: true });
  await rename(prepared, database);
  const directory = await open(dirname(database), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

async function removeDatabaseFiles(file: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
}

async function startNewEpoch(cli: Cli, config: ServerConfig, options: RestoreOptions): Promise<void> {
  if (config.databaseFile !== undefined) refuseWhileInUse(config.databaseFile);
  const store = await openStoreAsIs(config);
  let epoch: string;
  try {
    epoch = await store.startNewRevocationEpoch();
  } finally {
    await store.close();
  }
  const database = redactDatabaseLocation(config.database);
  if (options.json) return printJson(cli, { database, revocationEpoch: epoch });
  printLines(
    cli,
    `Started a new revocation epoch on ${database}: verifiers resync their deny lists when they reconnect.`,
  );
}

function printPgRestore(cli: Cli, config: ServerConfig, file: string, options: RestoreOptions): void {
  const database = redactDatabaseLocation(config.database);
  const url = shellQuote(database);
  const steps = [
    `pg_restore --clean --if-exists --no-owner --dbname=${url} ${shellQuote(file)}`,
    `tollgate migrate --database ${url}`,
    `tollgate restore --epoch-only --database ${url}`,
  ];
  if (options.json) {
    printJson(cli, { database, steps });
    return;
  }
  printLines(
    cli,
    'On PostgreSQL, stop the nodes (or take them out of service), then run, with the real password in place of ***:',
    ...steps.map((step) => `  ${step}`),
    'then start the nodes. See docs/operations.md.',
  );
}
