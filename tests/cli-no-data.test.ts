/**
 * On PostgreSQL there is no directory to look for: a read command pointed at a database without Tollgate's schema
 * says so (exit 2) and creates no table, instead of answering "No users yet" from a schema it just made.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { TOLLGATE_BIN } from './support/paths.js';
import { runProcess } from './support/process.js';
import { childEnvironment, createTestDatabase, TEST_STORE } from './support/store-under-test.js';

/** Registered in the PostgreSQL pass only: the SQLite pass has nothing to run here, which is not a skip. */
const onPostgres = TEST_STORE === 'postgres' ? describe : () => undefined;

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
    );
    return Number(rows[0]?.count);
  } finally {
    await client.end();
  }
}

onPostgres('CLI commands against a PostgreSQL database without Tollgate', () => {
  for (const args of [
    ['users', 'list'],
    ['apis', 'list'],
    ['keys', 'list'],
  ]) {
    it(`tollgate ${args.join(' ')} exits 2 naming the database, and creates no table`, async () => {
      const database = await createTestDatabase();
      const cwd = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
      try {
        const url = database.url ?? assert.fail('no database URL');
        const result = await runProcess(process.execPath, [TOLLGATE_BIN, ...args, '--database', url], {
          cwd,
          env: childEnvironment(),
          timeoutMs: 30_000,
        });
        assert.equal(result.status, 2, result.stderr);
        assert.match(
          result.stderr,
          /^tollgate: no Tollgate schema in postgres:\/\/\S+: run `tollgate migrate` or `tollgate start` first, or pass --database\n$/,
        );
        assert.equal(await tableCount(url), 0);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
        await database.drop();
      }
    });
  }
});
