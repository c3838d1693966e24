/**
 * A restored backup must not hide later revocations from verifiers. The backup hands out the revocation
 * sequences it had already given away again, so a verifier that resumed from its last sequence would skip
 * the first revocations after the restore. Each test follows docs/operations.md's backup and restore
 * procedure step by step with a verify-SDK-protected API following the real revocation stream: backup,
 * revoke A, stop, restore, start, revoke B; B must be refused by the API (within a generous polled bound:
 * the SDK reconnects with backoff) and reported inactive by introspection.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { runProcess } from './support/process.js';
import { ADMIN_DATABASE_URL, TEST_STORE } from './support/store-under-test.js';
import { assertInactive, jsonLogin, revoke } from './support/tokens.js';
import { apiStatus, type Deployment, deploy, refusedWithinBound } from './support/verified-deployment.js';

const COMMAND_TIMEOUT_MS = 60_000;

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const result = await runProcess(command, args, { cwd, env: process.env, timeoutMs: COMMAND_TIMEOUT_MS });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * The scenario around the operator's two steps: `backup` runs while the server is up and the verifier
 * follows the stream; `restore` runs while the server is stopped.
 */
async function revokeAcrossRestore(
  { server, seed, api }: Deployment,
  backup: () => Promise<void>,
  restore: () => Promise<void>,
): Promise<void> {
  const login = () => jsonLogin(server.url, seed.user.username, seed.user.password);
  const { access_token: tokenA } = await login();
  const { access_token: tokenB } = await login();
  assert.equal(await apiStatus(api, tokenB), 200, 'B works before anything is revoked');

  await backup();
  await revoke(server.url, undefined, tokenA);
  await refusedWithinBound(api, tokenA, 'the verifier refuses A, revoked after the backup');

  await server.restart(restore);
  await revoke(server.url, undefined, tokenB);
  await refusedWithinBound(api, tokenB, 'the verifier refuses B, revoked after the restore');
  await assertInactive(server.url, seed.backend, tokenB, 'B, revoked after the restore');
  // The restore brought A back to life at the server (operations.md says so); a verifier that saw A's
  // revocation keeps refusing it: a resync only adds to its deny list.
  assert.equal(await apiStatus(api, tokenA), 401, 'the verifier still refuses A');
}

describe('revocation after restoring a backup', () => {
  // Each procedure is registered only on its own store: the other pass has nothing to run, which is not a skip
  // (under CI=true a skipped test fails the run).
  const onSqlite = TEST_STORE === 'sqlite' ? it : () => undefined;
  const onPostgres = TEST_STORE === 'postgres' ? it : () => undefined;

  onSqlite('reaches verifiers after a SQLite restore done as operations.md says', async () => {
    const deployment = await deploy();
    const { server } = deployment;
    const database = join(server.dataDir, 'tollgate.db');
    const backupFile = join(server.workDir, 'tollgate-backup.db');
    await revokeAcrossRestore(
      deployment,
      async () => {
        // sqlite3 tollgate-data/tollgate.db ".backup 'tollgate-backup.db'"
        await run('sqlite3', [database, `.backup '${backupFile}'`], server.workDir);
        assert.equal((await run('sqlite3', [backupFile, 'pragma integrity_check'], server.workDir)).trim(), 'ok');
      },
      async () => {
        // rm -f tollgate-data/tollgate.db-wal tollgate-data/tollgate.db-shm; cp tollgate-backup.db tollgate-data/tollgate.db
        await rm(`${database}-wal`, { force: true });
        await rm(`${database}-shm`, { force: true });
        await run('cp', [backupFile, database], server.workDir);
      },
    );
  });

  onPostgres('reaches verifiers after a pg_dump is restored into a fresh database', async () => {
    const deployment = await deploy();
    const { server } = deployment;
    const url = server.databaseUrl;
    assert.ok(url, 'the server runs on PostgreSQL');
    const dumpFile = join(server.workDir, 'tollgate.dump');
    await revokeAcrossRestore(
      deployment,
      async () => {
        // pg_dump --format=custom --file=tollgate.dump "$DATABASE_URL"
        await run('pg_dump', ['--format=custom', `--file=${dumpFile}`, url], server.workDir);
      },
      async () => {
        // createdb, then pg_restore (no --clean needed), then tollgate migrate and restore --epoch-only
        await recreateDatabase(url);
        await run('pg_restore', ['--no-owner', `--dbname=${url}`, dumpFile], server.workDir);
        const migrated = await server.cli(['migrate', '--database', url]);
        assert.equal(migrated.status, 0, migrated.stderr);
        const epoch = await server.cli(['restore', '--epoch-only', '--database', url]);
        assert.equal(epoch.status, 0, epoch.stderr);
      },
    );
  });
});

/** Drops the server's database and creates it again empty: the "new, empty database" of operations.md. */
async function recreateDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  assert.match(name, /^tollgate_t_[0-9a-f]+$/, 'only a test database is recreated');
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`drop database ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
}
