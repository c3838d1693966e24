/**
 * `tollgate backup <file>`: a consistent copy of the database, safe while servers run. On SQLite it uses
 * SQLite's online backup (never a plain copy: recent commits may live in the -wal file). On PostgreSQL it
 * prints the pg_dump command instead of running it, so the password stays out of the process list and the
 * operator picks the dump's destination and retention. The key that decrypts the backup's signing keys is
 * named by id and left out, unless --include-key asks for it in a separate 0600 file.
 */
import { chmod, open, rename, rm } from 'node:fs/promises';
import type { ServerConfig } from '@tollgate/server/bootstrap';
import {
  backupSqliteDatabase,
  inspectSqliteBackup,
  redactDatabaseLocation,
  temporaryNameFor,
} from '@tollgate/store-sql';
import { type Cli, type GlobalOptions, configFor } from '../context.js';
import { configuredSecret, describeKeyIds } from '../encryption-key-note.js';
import { UsageError } from '../usage.js';
import { printJson, printLines, shellQuote, warn } from '../output.js';

export interface BackupOptions extends GlobalOptions {
  includeKey?: boolean;
}

export async function backup(cli: Cli, file: string, options: BackupOptions): Promise<void> {
  const config = await configFor(cli, options);
  if (config.databaseFile === undefined) return printPgDump(cli, config, file, options);
  await backupSqlite(cli, config, config.databaseFile, file, options);
}

async function backupSqlite(
  cli: Cli,
  config: ServerConfig,
  database: string,
  file: string,
  options: BackupOptions,
): Promise<void> {
  await backupSqliteDatabase(database, file);
  const { encryptionKeyIds } = inspectSqliteBackup(file);
  const keyFile = options.includeKey ? await writeKeyFile(cli, config, file) : undefined;
  if (options.json) return printJson(cli, { database, backup: file, encryptionKeyIds, keyFile: keyFile ?? null });
  printLines(
    cli,
    `Backed up ${database} to ${file}.`,
    `Its signing keys are encrypted under the encryption key with id ${describeKeyIds(encryptionKeyIds)}.`,
    keyFile === undefined
      ? 'The backup does not contain that key: restoring needs it (TOLLGATE_ENCRYPTION_KEY or encryptionKeyFile).'
      : `The key is in ${keyFile}: keep it apart from the backup.`,
  );
}

/** The secret in its own file, written privately and atomically; the warning goes to stderr. */
async function writeKeyFile(cli: Cli, config: ServerConfig, backup: string): Promise<string> {
  const configured = await configuredSecret(config);
  if (configured === undefined) throw new UsageError('--include-key: no encryption key is configured');
  const keyFile = `${backup}.key`;
  const temporary = temporaryNameFor(keyFile);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${configured.secret}\n`, 'utf8');
    await handle.sync();
    await handle.close();
    await chmod(temporary, 0o600);
    await rename(temporary, keyFile);
  } finally {
    await rm(temporary, { force: true });
  }
  warn(
    cli,
    `wrote the encryption key (id ${configured.key.id}) to ${keyFile}. Whoever holds it and the backup can ` +
      'mint tokens: move it to your secret manager and keep it away from the database backups.',
  );
  return keyFile;
}

function printPgDump(cli: Cli, config: ServerConfig, file: string, options: BackupOptions): void {
  if (options.includeKey)
    throw new UsageError('--include-key is for SQLite backups; keep the key in your secret manager');
  const database = redactDatabaseLocation(config.database);
  const commandLine = `pg_dump --format=custom --file=${shellQuote(file)} ${shellQuote(database)}`;
  if (options.json) {
    printJson(cli, { database, command: commandLine });
    return;
  }
  printLines(
    cli,
    'On PostgreSQL, take the backup with pg_dump (one consistent snapshot, safe while the nodes run):',
    `  ${commandLine}`,
    'with the real password in place of *** (or in PGPASSWORD / ~/.pgpass). See docs/operations.md.',
  );
}
