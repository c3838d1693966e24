import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteStore } from '../src/index.js';
import { StatementCache } from '../src/sqlite/statement-cache.js';

/** better-sqlite3 on :memory:, counting how often each SQL text is prepared. */
function countingDatabase(): { database: BetterSqlite3.Database; prepared: Map<string, number> } {
  const database = new BetterSqlite3(':memory:');
  const prepared = new Map<string, number>();
  const prepare = database.prepare.bind(database);
  database.prepare = ((sql: string) => {
    prepared.set(sql, (prepared.get(sql) ?? 0) + 1);
    return prepare(sql);
  }) as typeof database.prepare;
  database.exec('create table t (n integer)');
  return { database, prepared };
}

describe('SQLite statement cache', () => {
  const originalPrepare = BetterSqlite3.prototype.prepare;
  afterEach(() => {
    BetterSqlite3.prototype.prepare = originalPrepare;
  });

  it("prepares each of the store's statements once, however often it runs", async () => {
    const prepared: string[] = [];
    BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, sql: string) {
      prepared.push(sql);
      return originalPrepare.call(this, sql);
    } as typeof originalPrepare;
    const store = await openSqliteStore({ file: ':memory:' });
    try {
      prepared.length = 0;
      for (const name of ['ada', 'grace', 'ada']) assert.equal(await store.users.getByUsername(name), undefined);
      assert.equal(prepared.length, 1, `prepared: ${prepared.join(' | ')}`);
      assert.match(prepared[0] ?? '', /from "users"/);
    } finally {
      await store.close();
    }
  });

  it('hands out the statement kept for a SQL text, with its own parameters each run', () => {
    const { database, prepared } = countingDatabase();
    const cache = new StatementCache(database);
    cache.prepare('insert into t (n) values (?)').run([1]);
    cache.prepare('insert into t (n) values (?)').run([2]);
    assert.deepEqual(cache.prepare('select n from t order by n').all([]), [{ n: 1 }, { n: 2 }]);
    assert.equal(prepared.get('insert into t (n) values (?)'), 1);
    cache.close();
  });

  it('gives a query run while the same statement is still being iterated a statement of its own', () => {
    const { database, prepared } = countingDatabase();
    database.exec('insert into t (n) values (1), (2)');
    const cache = new StatementCache(database);
    const select = 'select n from t order by n';
    const streamed = cache.prepare(select).iterate([]);
    assert.deepEqual(streamed.next().value, { n: 1 });
    assert.deepEqual(cache.prepare(select).all([]), [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(streamed.next().value, { n: 2 });
    assert.equal(streamed.next().done, true);
    assert.equal(prepared.get(select), 2);
    cache.close();
  });

  it('keeps at most `capacity` statements, forgetting the least recently used', () => {
    const { database, prepared } = countingDatabase();
    const cache = new StatementCache(database, 2);
    for (const sql of ['select 1', 'select 2', 'select 1', 'select 3', 'select 1', 'select 2']) cache.prepare(sql);
    assert.deepEqual(Object.fromEntries(prepared), { 'select 1': 1, 'select 2': 2, 'select 3': 1 });
    cache.close();
  });
});
