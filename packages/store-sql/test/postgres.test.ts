import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { MIGRATION_NAMES, openPostgresStore, openStore, PostgresStore, SqliteStore } from '../src/index.js';
import { describeStoreContract } from '@tollgate/core/testing';
import { POSTGRES_CONTRACT_FIRST_HALF } from './fixtures/contract-halves.js';
import {
  DATABASE_URL,
  dropSchema,
  freshSchemaName,
  openInFreshSchema,
  postgresSkipReason,
  withClient,
} from './fixtures/postgres.js';

const skip = await postgresSkipReason();

/** Polls (bounded) until `check` holds; for server-side effects that land just after a client call. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('PostgreSQL', { skip }, () => {
  // Half the contract here, half in postgres-contract.test.ts: each test migrates a fresh schema, and one file
  // running all of it came near the runner's per-file limit on a loaded machine.
  describeStoreContract('PostgreSQL', () => openInFreshSchema(), POSTGRES_CONTRACT_FIRST_HALF);

  describe('PostgreSQL store', () => {
    it('creates the schema it is given and records every migration there once', async () => {
      const store = await openInFreshSchema();
      try {
        const { rows } = await sql<{
          name: string;
        }>`select name from ${sql.id(store.schema, 'kysely_migration')} order by name`.execute(store.db);
        assert.deepEqual(
          rows.map((row) => row.name),
          MIGRATION_NAMES,
        );
      } finally {
        await store.close();
      }
    });

    it('keeps data across reopening, and migrating again is a no-op', async () => {
      const schema = freshSchemaName();
      try {
        const first = await openPostgresStore({ connectionString: DATABASE_URL, schema });
        await first.revocations.add('j1', 1_700_000_000, 4_000_000_000);
        await first.close();
        const second = await openPostgresStore({ connectionString: DATABASE_URL, schema });
        try {
          assert.equal(await second.revocations.isRevoked('j1'), true);
        } finally {
          await second.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('reads bigint columns as numbers without changing node-postgres for the rest of the process', async () => {
      const store = await openInFreshSchema();
      try {
        await store.revocations.add('j1', 1_700_000_000, 4_000_000_000);
        const [record] = await store.revocations.listSince(0, 0, 10);
        assert.equal(typeof record?.sequence, 'number');
        assert.equal(record?.expiresAt, 4_000_000_000);
        assert.equal(pg.types.getTypeParser(20)('42'), '42', 'the global int8 parser still returns strings');
      } finally {
        await store.close();
      }
    });

    it('ends its connections on close', async () => {
      const store = await openInFreshSchema({ poolSize: 3 });
      const pids = await Promise.all(
        [0, 1, 2].map(async () => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(store.db);
          return rows[0]?.pid ?? 0;
        }),
      );
      assert.equal(new Set(pids).size, 3, 'three connections were open');
      await store.close();
      await eventually(
        () =>
          withClient(async (client) => {
            const { rows } = await client.query('select count(*)::int as n from pg_stat_activity where pid = any($1)', [
              pids,
            ]);
            return rows[0]?.n === 0;
          }),
        'the store’s backends have gone',
      );
    });

    it('fails to open with a message naming the server but not the password', async () => {
      await assert.rejects(
        openPostgresStore({ connectionString: 'postgres://tollgate:hunter2@127.0.0.1:1/tollgate' }),
        (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, /^Could not connect to PostgreSQL at 127\.0\.0\.1:1\/tollgate: /);
          assert.doesNotMatch(error.message, /hunter2/);
          return true;
        },
      );
    });

    it('opens PostgreSQL for a postgres:// location, in the schema its search_path names', async () => {
      const schema = freshSchemaName();
      await withClient((client) => client.query(`create schema ${schema}`));
      const url = new URL(DATABASE_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      try {
        const store = await openStore(url.toString());
        try {
          assert.ok(store instanceof PostgresStore);
          assert.equal(store.schema, schema);
          await store.revocations.add('j1', 1_700_000_000, 4_000_000_000);
          const { rows } = await withClient((client) => client.query(`select jti from ${schema}.revocations`));
          assert.deepEqual(rows, [{ jti: 'j1' }]);
        } finally {
          await store.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });
  });
});

describe('opening a store by location', () => {
  it('opens SQLite for a location that is not a postgres URL', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-open-store-'));
    try {
      const store = await openStore(join(directory, 'tollgate.sqlite'));
      assert.ok(store instanceof SqliteStore);
      await store.close();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses a schema name that would need quoting, before connecting', async () => {
    await assert.rejects(
      openPostgresStore({ connectionString: 'postgres://127.0.0.1:1/x', schema: 'Tollgate; drop' }),
      TypeError,
    );
  });
});
