import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { DefaultQueryCompiler, Kysely, SqliteDialect } from 'kysely';
import { accessToken, family, refreshToken, T0 } from '@tollgate/core/testing';
import { CompiledOnce } from '../src/compiled-once.js';
import { openSqliteStore } from '../src/index.js';

interface Rows {
  t: { a: number | null; b: number | null; c: string | null };
}

function database(): Kysely<Rows> {
  const db = new Kysely<Rows>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  return db;
}

async function withTable(run: (db: Kysely<Rows>) => Promise<void>): Promise<void> {
  const db = database();
  try {
    await db.schema
      .createTable('t')
      .addColumn('a', 'integer')
      .addColumn('b', 'integer')
      .addColumn('c', 'text')
      .execute();
    await run(db);
  } finally {
    await db.destroy();
  }
}

async function rowsOf(db: Kysely<Rows>): Promise<Rows['t'][]> {
  return db.selectFrom('t').selectAll().orderBy('a').execute();
}

describe('statements compiled once', () => {
  it('builds and compiles an insert once, and runs it with each row’s own values in their own columns', async () => {
    await withTable(async (db) => {
      const statements = new CompiledOnce();
      let built = 0;
      // Equal values in two columns (1 and 1, null and null) must not let the order of the values go unchecked.
      for (const row of [
        { a: 1, b: 1, c: null },
        { a: 2, b: 20, c: 'two' },
        { a: 3, b: null, c: 'three' },
      ]) {
        await statements.insert(db, 't', row, () => {
          built += 1;
          return db.insertInto('t').values(row);
        });
      }
      assert.equal(built, 1);
      assert.deepEqual(await rowsOf(db), [
        { a: 1, b: 1, c: null },
        { a: 2, b: 20, c: 'two' },
        { a: 3, b: null, c: 'three' },
      ]);
    });
  });

  it('keeps a row with a column left undefined apart: another column list, compiled for itself', async () => {
    await withTable(async (db) => {
      const statements = new CompiledOnce();
      let built = 0;
      for (const row of [
        { a: 1, b: 10, c: 'x' },
        { a: 2, c: 'y' },
        { a: 3, b: 30, c: 'z' },
        { a: 4, c: 'w' },
      ]) {
        await statements.insert(db, 't', row, () => {
          built += 1;
          return db.insertInto('t').values(row);
        });
      }
      assert.equal(built, 2);
      assert.deepEqual(await rowsOf(db), [
        { a: 1, b: 10, c: 'x' },
        { a: 2, b: null, c: 'y' },
        { a: 3, b: 30, c: 'z' },
        { a: 4, b: null, c: 'w' },
      ]);
    });
  });

  it('compiles every run of a statement whose values given are not the ones Kysely binds', async () => {
    await withTable(async (db) => {
      await db.insertInto('t').values({ a: 1, b: 2, c: 'x' }).execute();
      const statements = new CompiledOnce();
      let built = 0;
      for (const a of [1, 1]) {
        const { rows } = await statements.run(db, 'by a', [a, 'wrong'], () => {
          built += 1;
          return db.selectFrom('t').select('c').where('a', '=', a);
        });
        assert.deepEqual(rows, [{ c: 'x' }]);
      }
      assert.equal(built, 2);
    });
  });
});

describe('the SQL store on a login’s path', () => {
  const compileQuery = DefaultQueryCompiler.prototype.compileQuery;
  afterEach(() => {
    DefaultQueryCompiler.prototype.compileQuery = compileQuery;
  });

  it('compiles the user read and the family’s three inserts once, then only sends new values', async () => {
    const compiled: string[] = [];
    DefaultQueryCompiler.prototype.compileQuery = function (this: DefaultQueryCompiler, ...args) {
      const query = compileQuery.apply(this, args);
      compiled.push(query.sql);
      return query;
    };
    const store = await openSqliteStore({ file: ':memory:' });
    try {
      compiled.length = 0;
      for (const id of ['f1', 'f2', 'f3']) {
        assert.equal(await store.users.getByUsername(`nobody-${id}`), undefined);
        await store.grants.startFamily(family(id), refreshToken(`r-${id}`, id), accessToken(`a-${id}`, T0 + 60));
      }
      assert.equal(compiled.length, 4, compiled.join('\n'));
      const found = await store.grants.findRefreshToken('sha256-of-r-f3');
      assert.equal(found?.family.id, 'f3');
      assert.deepEqual(found?.token, refreshToken('r-f3', 'f3'));
    } finally {
      await store.close();
    }
  });
});
