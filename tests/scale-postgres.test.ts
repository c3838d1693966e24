/**
 * Tollgate on PostgreSQL over real HTTP: `tollgate migrate`, the refusal to start on a schema that is
 * behind, tokens and introspection served from a database other processes share, and the URL's password
 * never printed. Each test gets a database of its own on the shared server; the suite skips without one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from './support/http.js';
import { TOLLGATE_BIN } from './support/paths.js';
import {
  createThrowawayDatabase,
  sharedPostgresSkipReason,
  type ThrowawayDatabase,
} from './support/postgres-database.js';
import { type ProcessResult, runProcess } from './support/process.js';
import { MIGRATION_NAMES } from '@tollgate/store-sql';
import { seedStandard } from './support/seed.js';
import { assertActive, clientCredentialsToken } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const skip = await sharedPostgresSkipReason();
/** Every migration this version knows, in order: what `migrate` applies to an empty database. */
const MIGRATIONS = MIGRATION_NAMES;
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

/** The CLI with nothing from the outer environment that could point it at another database. */
function tollgate(args: readonly string[], workDir: string): Promise<ProcessResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TOLLGATE_') && key !== 'DATABASE_URL' && key !== 'REDIS_URL' && key !== 'NODE_TEST_CONTEXT') {
      env[key] = value;
    }
  }
  env.TOLLGATE_ENCRYPTION_KEY = randomBytes(32).toString('base64url');
  return runProcess(process.execPath, [TOLLGATE_BIN, ...args], { cwd: workDir, env, timeoutMs: 30_000 });
}

describe('PostgreSQL behind the server', { skip }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'tollgate-scale-'));
  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('tollgate migrate applies every migration to a fresh database once, then has nothing left to do', async (t) => {
    const database = await createThrowawayDatabase();
    t.after(() => database.drop());
    const first = await tollgate(['migrate', '--database', database.url(PASSWORD), '--json'], workDir);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), { database: database.url('***'), applied: MIGRATIONS });
    const second = await tollgate(['migrate', '--database', database.url(PASSWORD)], workDir);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /is up to date/);
    const rows = await database.query<{ name: string }>('select name from kysely_migration order by name');
    assert.deepEqual(
      rows.map((row) => row.name),
      MIGRATIONS,
    );
    assert.ok(!`${first.stdout}${second.stdout}`.includes(PASSWORD), 'the password was printed');
  });

  it('start --no-migrate refuses a database whose schema is behind and says to run tollgate migrate', async (t) => {
    const database = await createThrowawayDatabase();
    t.after(() => database.drop());
    const args = ['start', '--port', '0', '--no-migrate', '--database', database.url(PASSWORD)];
    const result = await tollgate([...args, '--data', join(workDir, 'refused')], workDir);
    assert.equal(result.status, 1, `expected exit status 1\n${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stderr,
      /behind.*001_initial, 002_api_tokens_and_dashboard, 003_revocation_epoch, 004_signing_key_activation.*tollgate migrate/,
    );
    assert.ok(!result.stderr.includes(PASSWORD), 'the password was printed');
    assert.deepEqual(await database.query('select 1 from pg_tables where tablename = $$apis$$'), []);
  });

  describe('a server on DATABASE_URL', () => {
    let database: ThrowawayDatabase;
    let server: TollgateProcess;
    before(async () => {
      database = await createThrowawayDatabase();
      server = await startTollgate({ env: { DATABASE_URL: database.url(PASSWORD) } });
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
    });

    it('issues and introspects tokens whose data lives in PostgreSQL', async () => {
      const seed = await seedStandard(server);
      const token = await clientCredentialsToken(server.url, seed.backend, { scope: 'read:data' });
      const body = await assertActive(server.url, seed.backend, token.access_token, 'a fresh token');
      assert.equal(body.client_id, seed.backend.clientId);
      const clients = await database.query<{ id: string }>('select id from clients');
      assert.ok(
        clients.some((client) => client.id === seed.backend.clientId),
        'the client is not in PostgreSQL',
      );
    });

    it('answers /healthz and /readyz with 200 while PostgreSQL answers', async () => {
      const health = await request(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(health.json, { status: 'ok' });
      const ready = await request(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.json, { status: 'ok' });
      assert.equal(ready.headers.get('cache-control'), 'no-store');
    });

    it('never prints the database password, and logs the redacted URL', () => {
      assert.ok(!server.output().includes(PASSWORD), 'the password appears in the server output');
      assert.ok(server.output().includes(database.url('***')), 'the redacted URL is not logged');
    });
  });
});
