/**
 * PostgreSQL under concurrent writers from separate connections (as from several Tollgate processes):
 * the compare-and-set writes, the revocation stream's ordering and concurrent migrations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_NAMES, openPostgresStore, type PostgresStore } from '../src/index.js';
import { REVOCATION_LOCK_CLASS } from '../src/postgres/advisory-locks.js';
import { accessToken, apiToken, family, refreshToken, T0 } from '@tollgate/core/testing';
import {
  DATABASE_URL,
  dropSchema,
  freshSchemaName,
  openInFreshSchema,
  postgresSkipReason,
  withClient,
} from './fixtures/postgres.js';

const skip = await postgresSkipReason();
const CONTENDERS = 20;

/** Makes the pool open `count` connections at once, so the next `count` operations each get their own. */
async function warmUp(store: PostgresStore, count: number): Promise<void> {
  const pids = await Promise.all(
    Array.from({ length: count }, async () => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(store.db);
      return rows[0]?.pid;
    }),
  );
  assert.equal(new Set(pids).size, count, `${count} separate connections`);
}

describe('PostgreSQL store under concurrent writers', { skip }, () => {
  let store: PostgresStore;
  before(async () => {
    store = await openInFreshSchema({ poolSize: CONTENDERS });
  });
  after(async () => {
    await store?.close();
  });

  it('lets exactly one of 20 rotations of one refresh token on 20 connections win', async () => {
    await store.grants.startFamily(family('f-cas'), refreshToken('r-cas', 'f-cas'), accessToken('a-cas'));
    await warmUp(store, CONTENDERS);
    const outcomes = await Promise.all(
      Array.from({ length: CONTENDERS }, (_, i) =>
        store.grants.rotate('r-cas', T0 + 60, refreshToken(`r-cas-${i}`, 'f-cas'), accessToken(`a-cas-${i}`)),
      ),
    );
    assert.equal(outcomes.filter(Boolean).length, 1);
    const stored = await Promise.all(outcomes.map((_, i) => store.grants.findRefreshToken(`sha256-of-r-cas-${i}`)));
    assert.deepEqual(
      stored.map((found) => found !== undefined),
      outcomes,
      'only the winner stored its next token',
    );
  });

  it('lets exactly one of 20 regenerations of one API token on 20 connections win, revoking the old jti once', async () => {
    await store.apiTokens.add(apiToken('tok-cas'));
    await warmUp(store, CONTENDERS);
    const results = await Promise.all(
      Array.from({ length: CONTENDERS }, (_, i) =>
        store.apiTokens.regenerate(
          'tok-cas',
          'sha256-of-tok-cas',
          { tokenHash: `sha256-of-tok-cas-${i}`, jti: `jti-tok-cas-${i}`, graceEndsAt: null },
          T0 + 60,
          T0 + 3600,
        ),
      ),
    );
    const winners = results.flatMap((result, i) => (result === undefined ? [] : [i]));
    assert.equal(winners.length, 1);
    assert.equal((await store.apiTokens.get('tok-cas'))?.tokenHash, `sha256-of-tok-cas-${winners[0]}`);
    const stream = await store.revocations.listSince(0, T0, 1000);
    assert.deepEqual(
      stream.filter((r) => r.jti.startsWith('jti-tok-cas')).map((r) => r.jti),
      ['jti-tok-cas'],
    );
  });
});

describe('PostgreSQL revocation stream under concurrent writers', { skip }, () => {
  const WRITERS = 4;
  const REVOCATIONS_PER_WRITER = 64; // a multiple of 8, so the loop below passes its half-way mark

  it('shows a reader following listSince every sequence exactly once', { timeout: 60_000 }, async () => {
    const reader = await openInFreshSchema();
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, () =>
        openPostgresStore({ connectionString: DATABASE_URL, schema: reader.schema, poolSize: 4 }),
      ),
    );
    try {
      let writing = true;
      const written = Promise.all(
        writers.map((writer, w) => writeRevocations(writer, `w${w}`, REVOCATIONS_PER_WRITER)),
      );
      written.finally(() => {
        writing = false;
      });
      const seen: number[] = [];
      let cursor = 0;
      while (writing) cursor = await follow(reader, cursor, seen);
      await written;
      await follow(reader, cursor, seen);
      const { rows } = await sql<{ sequence: number }>`select sequence from revocations order by sequence`.execute(
        reader.db,
      );
      assert.equal(rows.length, WRITERS * (REVOCATIONS_PER_WRITER + 2));
      assert.deepEqual(
        seen,
        rows.map((row) => row.sequence),
        'every committed sequence was seen, in order, once',
      );
    } finally {
      await Promise.all(writers.map((writer) => writer.close()));
      await reader.close();
    }
  });

  /** Four at a time per writer, through each insert path: plain adds, a family revocation, a token revocation. */
  async function writeRevocations(writer: PostgresStore, prefix: string, count: number): Promise<void> {
    await writer.grants.startFamily(
      family(`${prefix}-f`),
      refreshToken(`${prefix}-r`, `${prefix}-f`),
      accessToken(`${prefix}-a`),
    );
    await writer.apiTokens.add(apiToken(`${prefix}-tok`));
    for (let i = 0; i < count; i += 4) {
      await Promise.all([0, 1, 2, 3].map((k) => writer.revocations.add(`${prefix}-j${i + k}`, T0, T0 + 3600)));
      if (i === count / 2) {
        await Promise.all([
          writer.grants.revokeFamily(`${prefix}-f`, T0),
          writer.apiTokens.revoke(`${prefix}-tok`, T0, T0 + 3600),
        ]);
      }
    }
  }

  /** One listSince page from `cursor`; appends what it saw and returns the new cursor. */
  async function follow(reader: PostgresStore, cursor: number, seen: number[]): Promise<number> {
    const page = await reader.revocations.listSince(cursor, T0, 50);
    for (const record of page) seen.push(record.sequence);
    return page.at(-1)?.sequence ?? cursor;
  }
});

describe('PostgreSQL revocation writers', { skip }, () => {
  let store: PostgresStore;
  before(async () => {
    store = await openInFreshSchema();
  });
  after(async () => {
    await store?.close();
  });

  const paths: Record<string, (s: PostgresStore) => Promise<unknown>> = {
    'revocations.add': (s) => s.revocations.add('lock-j1', T0, T0 + 3600),
    'grants.revokeFamily': (s) => s.grants.revokeFamily('lock-f', T0),
    'apiTokens.regenerate': (s) =>
      s.apiTokens.regenerate(
        'lock-tok-1',
        'sha256-of-lock-tok-1',
        { tokenHash: 'h-next', jti: 'j-next', graceEndsAt: null },
        T0,
        T0 + 3600,
      ),
    'apiTokens.revoke': (s) => s.apiTokens.revoke('lock-tok-2', T0, T0 + 3600),
    'apiTokens.revokeAllOf': (s) => s.apiTokens.revokeAllOf('client', 'lock-client', T0, T0 + 3600),
  };

  before(async () => {
    await store.grants.startFamily(family('lock-f'), refreshToken('lock-r', 'lock-f'), accessToken('lock-a'));
    await store.apiTokens.add(apiToken('lock-tok-1'));
    await store.apiTokens.add(apiToken('lock-tok-2'));
    await store.apiTokens.add(apiToken('lock-tok-3', { ownerKind: 'client', ownerId: 'lock-client' }));
  });

  for (const [name, write] of Object.entries(paths)) {
    it(`makes ${name} wait for the revocation lock before assigning a sequence`, async () => {
      await withClient(async (holder) => {
        const key = [REVOCATION_LOCK_CLASS, store.schema];
        await holder.query('select pg_advisory_lock($1, hashtext($2))', key);
        let settled = false;
        const writing = write(store).finally(() => {
          settled = true;
        });
        try {
          await waitForLockWaiter(holder, store.schema);
          assert.equal(settled, false, `${name} finished while the lock was held`);
        } finally {
          await holder.query('select pg_advisory_unlock($1, hashtext($2))', key);
        }
        await writing;
      });
    });
  }

  /** Polls pg_locks (bounded) until a session waits for this schema's revocation lock. */
  async function waitForLockWaiter(client: import('pg').Client, schema: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { rows } = await client.query(
        `select count(*)::int as n from pg_locks
          where locktype = 'advisory' and not granted and objsubid = 2
            and classid = $1 and objid = (hashtext($2)::bigint & 4294967295)::oid`,
        [REVOCATION_LOCK_CLASS, schema],
      );
      if (rows[0]?.n === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail('no session ever waited for the revocation lock');
  }
});

describe('PostgreSQL migrations from several processes', { skip }, () => {
  it('lets six stores migrate one fresh schema at the same time, running each migration once', async () => {
    const schema = freshSchemaName();
    try {
      const opened = await Promise.allSettled(
        [1, 2, 3, 4, 5, 6].map(() => openPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 2 })),
      );
      await Promise.all(opened.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
      for (const result of opened) if (result.status === 'rejected') throw result.reason;
      const { rows } = await withClient((client) =>
        client.query(`select name from ${schema}.kysely_migration order by name`),
      );
      assert.deepEqual(
        rows.map((row: { name: string }) => row.name),
        MIGRATION_NAMES,
      );
    } finally {
      await dropSchema(schema);
    }
  });

  it('migrates a fresh schema while another session creates and drops unrelated schemas', async () => {
    // Kysely's stock introspector resolved every schema in the database by name, so one dropped mid-query
    // failed the migration with `schema "<someone else's>" does not exist`.
    let churning = true;
    const churn = withClient(async (client) => {
      for (let i = 0; churning && i < 10_000; i++) {
        const other = `${freshSchemaName()}_churn`;
        await client.query(`create schema ${other}; create table ${other}.t (id bigint generated always as identity)`);
        await client.query(`drop schema ${other} cascade`);
      }
    });
    const schemas = [1, 2].map(() => freshSchemaName());
    try {
      for (const schema of schemas) {
        const stores = await Promise.all(
          [1, 2, 3].map(() => openPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 1 })),
        );
        await Promise.all(stores.map((opened) => opened.close()));
      }
    } finally {
      churning = false;
      await churn;
      await Promise.all(schemas.map(dropSchema));
    }
  });
});
