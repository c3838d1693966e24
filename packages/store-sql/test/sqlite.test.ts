import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import {
  type Database,
  isDatabaseUnavailable,
  isStorageFull,
  MigrationError,
  MIGRATION_NAMES,
  migrateToLatest,
  openSqliteStore,
} from '../src/index.js';
import { describeStoreContract } from '@tollgate/core/testing';
import { finished, printed, spawnFixture } from './fixtures/child-process.js';

let workDir = '';
let fileCount = 0;
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-store-sql-'));
});
after(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** A path to a database file that does not exist yet, in a directory that does not exist yet. */
function freshFile(): string {
  fileCount += 1;
  return join(workDir, `db-${fileCount}`, 'tollgate.sqlite');
}

describeStoreContract('SQLite file', () => openSqliteStore({ file: freshFile() }));
describeStoreContract('SQLite in memory', () => openSqliteStore({ file: ':memory:' }));

describe('SQLite store', () => {
  it('creates a missing parent directory and the database file', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    await store.close();
    assert.ok(existsSync(file));
  });

  it('runs in WAL mode with synchronous=NORMAL (the store syncs the log itself), a busy timeout and foreign keys enforced', async () => {
    const store = await openSqliteStore({ file: freshFile() });
    try {
      const pragma = async (name: string) => {
        const { rows } = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
        return rows[0] === undefined ? undefined : Object.values(rows[0])[0];
      };
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('synchronous'), 1, '1 is NORMAL');
      assert.equal(await pragma('busy_timeout'), 5000);
      assert.equal(await pragma('foreign_keys'), 1);
    } finally {
      await store.close();
    }
  });

  it('begins transactions with the write lock already taken (BEGIN IMMEDIATE)', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    const other = new BetterSqlite3(file, { timeout: 0 });
    try {
      await store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('apis').selectAll().execute(); // a read only: a deferred BEGIN would hold no write lock
        assert.throws(() => other.exec('begin immediate'), { code: 'SQLITE_BUSY' });
      });
      other.exec('begin immediate; rollback');
    } finally {
      other.close();
      await store.close();
    }
  });

  it('keeps data across reopening, and migrating again is a no-op', async () => {
    const file = freshFile();
    const first = await openSqliteStore({ file });
    await first.revocations.add('j1', 1_700_000_000, 4_000_000_000);
    await first.close();
    const second = await openSqliteStore({ file });
    try {
      assert.equal(await second.revocations.isRevoked('j1'), true);
    } finally {
      await second.close();
    }
  });

  it('tells a current database has nothing to migrate with one statement, as every start asks', async () => {
    const statements: string[] = [];
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    try {
      assert.deepEqual(await migrateToLatest(db), MIGRATION_NAMES);
      statements.length = 0;
      assert.deepEqual(await migrateToLatest(db), []);
      assert.deepEqual(statements, ['select name from "kysely_migration"']);
    } finally {
      await db.destroy();
    }
  });

  it('reports a failed migration by name and rolls all of it back', async () => {
    const file = freshFile();
    await openSqliteStore({ file }).then((store) => store.close());
    // Forget the migration but keep its last table, so 001 fails after creating every other table.
    const raw = new BetterSqlite3(file);
    for (const table of ['kysely_migration', 'family_access_tokens', 'refresh_tokens', 'refresh_token_families']) {
      raw.exec(`drop table ${table}`);
    }
    raw.exec('drop table signing_keys; drop table clients; drop table users; drop table apis');
    raw.close();
    await assert.rejects(openSqliteStore({ file }), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.equal(error.migrationName, '001_initial');
      assert.match(error.message, /^Database migration 001_initial failed: .*revocations/);
      return true;
    });
    const check = new BetterSqlite3(file, { readonly: true });
    const tables = check
      .prepare("select name from sqlite_master where type = 'table' and name in ('apis', 'users')")
      .all();
    check.close();
    assert.deepEqual(tables, [], 'the tables created before the failure were rolled back');
  });

  it('refuses a database migrated by a newer version', async () => {
    const file = freshFile();
    await openSqliteStore({ file }).then((store) => store.close());
    const raw = new BetterSqlite3(file);
    raw
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run('999_future', new Date().toISOString());
    raw.close();
    await assert.rejects(openSqliteStore({ file }), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /999_future/);
      return true;
    });
  });

  it('keeps a write whose promise resolved when the writing process is killed with SIGKILL', {
    timeout: 30_000,
  }, async () => {
    const file = freshFile();
    const child = spawnFixture('revoke-then-hang.js', [file, 'jti-durable']);
    const exited = finished(child).catch(() => undefined);
    await printed(child, 'ok');
    child.kill('SIGKILL');
    await exited;
    assert.equal(child.signalCode, 'SIGKILL');
    const store = await openSqliteStore({ file });
    try {
      assert.equal(await store.revocations.isRevoked('jti-durable'), true);
    } finally {
      await store.close();
    }
  });

  it('reports a full database as SQLITE_FULL from a transaction, not as the rollback SQLite already did', async () => {
    const store = await openSqliteStore({ file: freshFile() });
    try {
      await sql`create table filler (x blob)`.execute(store.db);
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
      // The file may not grow past its size now: as full as a full disk, without needing one.
      await sql.raw(`pragma max_page_count = ${Number(rows[0]?.page_count)}`).execute(store.db);
      const failure = await store.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into filler values (randomblob(1000000))`.execute(trx);
        })
        .then(
          () => assert.fail('a write past max_page_count succeeded'),
          (error: unknown) => error as { code?: string; message?: string },
        );
      assert.equal(failure.code, 'SQLITE_FULL', failure.message);
      assert.equal(isStorageFull(failure), true);
      assert.equal(isDatabaseUnavailable(failure), true, 'a full disk is temporary: 503, not 500');
      await sql.raw('pragma max_page_count = 1073741823').execute(store.db);
      await store.probeWrite();
      const now = Math.floor(Date.now() / 1000);
      await store.revocations.add('after-full', now, now + 60);
      assert.equal(await store.revocations.isRevoked('after-full'), true);
    } finally {
      await store.close();
    }
  });
});
