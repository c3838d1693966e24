/**
 * SQLite backups and restores, at the file level: an online copy that is consistent while servers write,
 * a check that nothing has a database open, and what a restore must verify about a file before using it.
 * The CLI's `tollgate backup` and `tollgate restore` are built on these.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const BUSY_TIMEOUT_MS = 5000;
/** The table Kysely's migrator keeps: a Tollgate database always has it, with at least the first migration. */
const MIGRATIONS_TABLE = 'kysely_migration';
/** `v1.<encryption key id>.<iv>.<ciphertext>`: see core's crypto/key-encryption.ts. */
const ENCRYPTED_KEY_ID = /^v1\.([0-9a-f]{16})\./;

/** What a restore learns about a candidate file without changing it. */
export interface SqliteBackupInspection {
  /** Why the file is not a usable Tollgate database, or undefined when it is. */
  problem?: string;
  /** Ids of the encryption keys its signing keys are encrypted under (see EncryptionKey.id). */
  encryptionKeyIds: string[];
}

/** A temporary name beside `file`, so a rename onto `file` stays on one filesystem and is atomic. */
export function temporaryNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Copies a live database with SQLite's online backup API: a consistent snapshot even while other processes
 * write (WAL readers do not block writers). The copy is written to a private (0600) temporary file, fsynced
 * and renamed into place, so `destination` is always either the old file or a complete new one.
 */
export async function backupSqliteDatabase(source: string, destination: string): Promise<void> {
  const temporary = temporaryNameFor(destination);
  // Created empty with mode 0600 first: SQLite keeps the mode of a file it opens.
  await (await open(temporary, 'wx', 0o600)).close();
  const database = new BetterSqlite3(source, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    await database.backup(temporary);
    await fsync(temporary);
    await rename(temporary, destination);
    await fsync(dirname(destination));
  } finally {
    database.close();
    await rm(temporary, { force: true });
  }
}

/**
 * True while any process has the database open. Every connection to a WAL database holds a shared lock on
 * the file for as long as it is open, idle or not; an exclusive lock (locking_mode EXCLUSIVE, then a write
 * transaction) is granted only when there is none. A process that died holds no lock, so a crash never
 * leaves the database looking busy.
 */
export function isSqliteDatabaseInUse(file: string): boolean {
  const database = new BetterSqlite3(file, { fileMustExist: true, timeout: 0 });
  try {
    database.pragma('locking_mode = EXCLUSIVE');
    database.exec('BEGIN EXCLUSIVE');
    database.exec('COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    database.close();
  }
}

/** Reads, never writes: the file is opened read-only and must pass SQLite's integrity check. */
export function inspectSqliteBackup(file: string): SqliteBackupInspection {
  let database: BetterSqlite3.Database;
  try {
    database = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { problem: `cannot open it (${describe(error)})`, encryptionKeyIds: [] };
  }
  try {
    return inspectOpen(database);
  } catch (error) {
    // Not a database at all: SQLite says so on the first read ("file is not a database").
    return { problem: describe(error), encryptionKeyIds: [] };
  } finally {
    database.close();
  }
}

function inspectOpen(database: BetterSqlite3.Database): SqliteBackupInspection {
  const integrity = database.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok')
    return { problem: `SQLite integrity check failed (${String(integrity)})`, encryptionKeyIds: [] };
  const tables = new Set(
    database
      .prepare("select name from sqlite_master where type = 'table'")
      .pluck()
      .all()
      .map((name) => String(name)),
  );
  const applied = tables.has(MIGRATIONS_TABLE)
    ? Number(database.prepare(`select count(*) from ${MIGRATIONS_TABLE}`).pluck().get())
    : 0;
  if (applied === 0 || !tables.has('signing_keys')) {
    return { problem: 'it is not a Tollgate database (no migrations applied)', encryptionKeyIds: [] };
  }
  const blobs = database.prepare('select encrypted_private_key from signing_keys').pluck().all();
  const ids = blobs.map((blob) => ENCRYPTED_KEY_ID.exec(String(blob))?.[1]).filter((id) => id !== undefined);
  return { encryptionKeyIds: [...new Set(ids)] };
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
