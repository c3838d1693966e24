import assert from 'node:assert/strict';
import fs, { mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { openSqliteStore } from '../src/index.js';
import { AsyncMutex } from '../src/sqlite/async-mutex.js';
import { WriteTrackingDatabase } from '../src/sqlite/durable-writes.js';
import { ImmediateSqliteDialect } from '../src/sqlite/immediate-dialect.js';
import { StatementCache } from '../src/sqlite/statement-cache.js';

const USER = {
  id: 'u1',
  username: 'ada',
  passwordHash: 'x',
  scopes: [],
  disabled: false,
  isAdmin: false,
  createdAt: 0,
};

let workDir = '';
let fileCount = 0;
before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-durable-writes-'));
});
after(() => rmSync(workDir, { recursive: true, force: true }));

function freshFile(): string {
  fileCount += 1;
  return join(workDir, `db-${fileCount}.sqlite`);
}

/** A log sync that waits until the test lets it finish, counting its calls. */
function gatedSync() {
  const gate = { calls: 0, open: () => {}, fail: (_error: Error) => {} };
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      gate.calls += 1;
      gate.open = resolve;
      gate.fail = reject;
    });
  return { gate, sync };
}

/** Kysely over a WAL file with the store's dialect and a log sync the test holds. */
function gatedKysely() {
  const database = new BetterSqlite3(freshFile());
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec('create table t (n integer primary key)');
  const tracked = new WriteTrackingDatabase(new StatementCache(database));
  const { gate, sync } = gatedSync();
  const db = new Kysely<{ t: { n: number } }>({
    dialect: new ImmediateSqliteDialect({ database: tracked }, new AsyncMutex(), { database: tracked, sync }),
  });
  return { db, gate };
}

/** A promise's state, seen after everything already queued has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 1) {
    if (waited > 10_000) throw new Error('condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('SQLite writes made durable off the event loop', () => {
  it('resolves a write only once the log is synced, and holds the file for the process meanwhile', async () => {
    const { db, gate } = gatedKysely();
    try {
      const write = db.insertInto('t').values({ n: 1 }).execute();
      await until(() => gate.calls === 1);
      const read = db.selectFrom('t').selectAll().execute();
      assert.equal(await settled(write), false, 'the write resolved before its sync');
      assert.equal(await settled(read), false, 'a read ran before the write it could see was durable');
      gate.open();
      await write;
      assert.deepEqual(await read, [{ n: 1 }]);
      assert.equal(gate.calls, 1, 'the read did not sync');
    } finally {
      await db.destroy();
    }
  });

  it('syncs a transaction once, at its end, and a transaction or query that only reads not at all', async () => {
    const { db, gate } = gatedKysely();
    try {
      await db.selectFrom('t').selectAll().execute();
      await db.transaction().execute((trx) => trx.selectFrom('t').selectAll().execute());
      assert.equal(gate.calls, 0);
      const written = db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ n: 1 }).execute();
        await trx.insertInto('t').values({ n: 2 }).execute();
        assert.equal(gate.calls, 0, 'synced inside the transaction');
      });
      await until(() => gate.calls === 1);
      gate.open();
      await written;
      assert.equal(gate.calls, 1);
    } finally {
      await db.destroy();
    }
  });

  it('counts INSERT ... RETURNING as a write, whatever rows it returns', async () => {
    const { db, gate } = gatedKysely();
    try {
      const returned = db.insertInto('t').values({ n: 7 }).returning('n').execute();
      await until(() => gate.calls === 1);
      gate.open();
      assert.deepEqual(await returned, [{ n: 7 }]);
    } finally {
      await db.destroy();
    }
  });

  it("fails the write whose sync failed, with the sync's error, and serves the next query", async () => {
    const { db, gate } = gatedKysely();
    try {
      const write = db.insertInto('t').values({ n: 1 }).execute();
      await until(() => gate.calls === 1);
      gate.fail(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' }));
      await assert.rejects(write, { code: 'SQLITE_IOERR_FSYNC' });
      const next = db.selectFrom('t').selectAll().execute();
      assert.equal((await next).length, 1);
    } finally {
      await db.destroy();
    }
  });
});

describe('the SQLite store syncs its write-ahead log itself', () => {
  afterEach(() => {
    mock.restoreAll();
    syncBuiltinESMExports();
  });

  it('runs synchronous=NORMAL and fdatasyncs the -wal file, on the thread pool, before a write resolves', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    try {
      const synced: string[] = [];
      let release = () => {};
      const realFdatasync = fs.fdatasync;
      mock.method(fs, 'fdatasync', (descriptor: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        synced.push(readlinkSync(`/proc/self/fd/${descriptor}`));
        release = () => realFdatasync(descriptor, callback);
      });
      syncBuiltinESMExports();
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      assert.deepEqual(rows, [{ synchronous: 1 }], '1 is NORMAL');
      assert.deepEqual(synced, [], 'a read synced');

      const write = store.users.add(USER);
      await until(() => synced.length === 1);
      assert.equal(synced[0], `${fs.realpathSync(file)}-wal`);
      assert.equal(await settled(write), false, 'the write resolved before the log was synced');
      release();
      await write;
    } finally {
      await store.close();
    }
  });

  it("syncs the log SQLite writes beside the real file when the store's path is a symbolic link", async () => {
    const real = freshFile();
    const link = freshFile();
    const first = await openSqliteStore({ file: real });
    await first.close();
    symlinkSync(real, link);
    const store = await openSqliteStore({ file: link });
    try {
      const synced: string[] = [];
      const realFdatasync = fs.fdatasync;
      mock.method(fs, 'fdatasync', (descriptor: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
        synced.push(readlinkSync(`/proc/self/fd/${descriptor}`));
        realFdatasync(descriptor, callback);
      });
      syncBuiltinESMExports();
      await store.users.add(USER);
      assert.deepEqual(synced, [`${fs.realpathSync(real)}-wal`]);
    } finally {
      await store.close();
    }
  });

  it('reports a disk that fills up at the sync as SQLITE_FULL, as SQLite would', async () => {
    const store = await openSqliteStore({ file: freshFile() });
    try {
      mock.method(fs, 'fdatasync', (_descriptor: number, callback: (error: NodeJS.ErrnoException | null) => void) =>
        callback(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })),
      );
      syncBuiltinESMExports();
      await assert.rejects(store.users.add(USER), { code: 'SQLITE_FULL' });
    } finally {
      await store.close();
    }
  });
});
