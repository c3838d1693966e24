/**
 * A connection that breaks while checked out (PostgreSQL stopped mid-transaction) must not end the process: the
 * pool's own 'error' listener covers idle connections only, and an unheard 'error' event throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from '../src/postgres/pool.js';
import { DATABASE_URL, postgresSkipReason, withClient } from './fixtures/postgres.js';

const skip = await postgresSkipReason();

describe('a PostgreSQL connection that breaks while checked out', { skip }, () => {
  it('fails its next query instead of ending the process', async () => {
    const pool = createPool({ connectionString: DATABASE_URL });
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      const pid = rows[0]?.pid;
      await withClient((admin) => admin.query('select pg_terminate_backend($1)', [pid]));
      // Without a listener the connection's 'error' event is an uncaught exception, which fails this test.
      let failed: unknown;
      for (let attempt = 0; attempt < 100 && failed === undefined; attempt += 1) {
        await client.query('select 1').catch((error: unknown) => {
          failed = error;
        });
        if (failed === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(failed instanceof Error, 'a query on the broken connection fails');
      client.release(failed);
      const again = await pool.query<{ one: number }>('select 1 as one');
      assert.equal(again.rows[0]?.one, 1, 'the pool serves again with a new connection');
    } finally {
      await pool.end();
    }
  });
});
