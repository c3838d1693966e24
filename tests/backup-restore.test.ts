/**
 * `tollgate backup` and `tollgate restore` on SQLite, through the real CLI, a real server and an API
 * protected by the verify SDK following the revocation stream: a backup taken while the server writes
 * restores to a working server whose later revocations reach the verifier; a restore refuses to run
 * against a live server, a file that is not a Tollgate database, or a backup the configured key cannot
 * decrypt, and changes nothing when it refuses.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { TOLLGATE_BIN } from './support/paths.js';
import { type ProcessResult, runProcess } from './support/process.js';
import { cliJson, cliOk } from './support/seed.js';
import { TEST_STORE } from './support/store-under-test.js';
import { assertActive, assertInactive, jsonLogin, revoke } from './support/tokens.js';
import type { TollgateProcess } from './support/tollgate.js';
import { apiStatus, type Deployment, deploy, refusedWithinBound } from './support/verified-deployment.js';

/**
 * Each describe's tests are registered only on their own store: the other pass has nothing to run, which is not a
 * skip (under CI=true a skipped test fails the run). backup and restore copy the SQLite file; PostgreSQL gets the
 * pg_dump and pg_restore steps.
 */
const onSqlite = TEST_STORE === 'sqlite' ? it : () => undefined;
const onPostgres = TEST_STORE === 'postgres' ? it : () => undefined;

function databaseOf(server: TollgateProcess): string {
  return join(server.dataDir, 'tollgate.db');
}

async function revocationEpoch(database: string): Promise<string> {
  const result = await runProcess('sqlite3', [database, 'select epoch from revocation_epoch'], {
    cwd: '/',
    env: process.env,
    timeoutMs: 30_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

/** Logins (each a refresh-token write) in a loop until `stop()`, counting the ones that succeeded. */
function writeLoad({ server, seed }: Deployment): { stop(): Promise<number> } {
  let running = true;
  let done = 0;
  const loop = (async () => {
    while (running) {
      await jsonLogin(server.url, seed.user.username, seed.user.password);
      done += 1;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return done;
    },
  };
}

/** What a refused restore must leave alone: the database's bytes and the data directory's listing. */
async function snapshot(server: TollgateProcess): Promise<{ digest: string; files: string[] }> {
  const digest = createHash('sha256')
    .update(await readFile(databaseOf(server)))
    .digest('hex');
  return { digest, files: (await readdir(server.dataDir)).sort() };
}

function assertRefused(result: ProcessResult, message: RegExp): void {
  assert.equal(result.status, 2, `exit status 2 expected\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, message);
  assert.equal(result.stderr.trim().split('\n').length, 1, 'one line on stderr');
}

describe('tollgate backup and restore', () => {
  onSqlite(
    'restores a backup taken under writes, and a revocation after the restore reaches the verifier',
    async () => {
      const deployment = await deploy();
      const { server, seed, api } = deployment;
      const login = () => jsonLogin(server.url, seed.user.username, seed.user.password);
      const { access_token: tokenA } = await login();
      const { access_token: tokenB } = await login();
      const backupFile = join(server.workDir, 'backup.db');
      const epochBefore = await revocationEpoch(databaseOf(server));

      const load = writeLoad(deployment);
      const backupOutput = await cliOk(server, ['backup', backupFile]);
      assert.ok((await load.stop()) > 0, 'logins ran during the backup');
      assert.equal((await stat(backupFile)).mode & 0o777, 0o600, 'the backup is private');
      assert.match(backupOutput, /encryption key with id [0-9a-f]{16}\./);
      assert.doesNotMatch(backupOutput, new RegExp(String(server.encryptionKey)), 'the key itself is not printed');

      await revoke(server.url, undefined, tokenA);
      await refusedWithinBound(api, tokenA, 'the verifier refuses A, revoked after the backup');

      let restored: Record<string, unknown> = {};
      await server.restart(async () => {
        restored = (await cliJson(server, ['restore', backupFile])) as Record<string, unknown>;
      });
      const epochAfter = await revocationEpoch(databaseOf(server));
      assert.equal(restored.revocationEpoch, epochAfter, 'restore reports the epoch it started');
      assert.notEqual(epochAfter, epochBefore, 'the restored database has a new revocation epoch');

      assert.equal(await apiStatus(api, tokenB), 200, 'B works after the restore');
      await revoke(server.url, undefined, tokenB);
      await refusedWithinBound(api, tokenB, 'the verifier refuses B, revoked after the restore');
      await assertInactive(server.url, seed.backend, tokenB, 'B, revoked after the restore');
      // As operations.md says: the restore brought A back at the server; the verifier keeps refusing it.
      await assertActive(server.url, seed.backend, tokenA, 'A, whose revocation came after the backup');
      assert.equal(await apiStatus(api, tokenA), 401, 'the verifier still refuses A');
    },
  );

  onSqlite('refuses to restore while the server runs, and changes nothing', async () => {
    const { server, seed, api } = await deploy();
    const backupFile = join(server.workDir, 'backup.db');
    await cliOk(server, ['backup', backupFile]);
    const { access_token: token } = await jsonLogin(server.url, seed.user.username, seed.user.password);
    const before = await snapshot(server);

    assertRefused(await server.cli(['restore', backupFile]), /is in use .*stop every process using it/);
    assert.deepEqual((await readdir(server.dataDir)).sort(), before.files, 'no file added or removed');
    assert.equal(await apiStatus(api, token), 200, 'the server still serves its tokens');
  });

  onSqlite(
    'refuses a file that is not a Tollgate database, and a backup the configured key cannot decrypt',
    async () => {
      const { server } = await deploy();
      const backupFile = join(server.workDir, 'backup.db');
      await cliOk(server, ['backup', backupFile]);
      const garbage = join(server.workDir, 'garbage.db');
      await writeFile(garbage, 'not a database at all, just some text long enough to look like a file\n');
      const emptySqlite = join(server.workDir, 'empty.db');
      await runProcess('sqlite3', [emptySqlite, 'create table t (x)'], {
        cwd: '/',
        env: process.env,
        timeoutMs: 30_000,
      });
      const otherKey = 'a-different-encryption-key-of-more-than-32-characters';

      await server.restart(async () => {
        const before = await snapshot(server);
        assertRefused(await server.cli(['restore', garbage]), /garbage\.db is not a usable Tollgate backup/);
        assertRefused(
          await server.cli(['restore', emptySqlite]),
          /is not a usable Tollgate backup: it is not a Tollgate/,
        );
        assertRefused(
          await cliWithKey(server, otherKey, ['restore', backupFile]),
          /needs the encryption key with id [0-9a-f]{16}, but the configured key \(TOLLGATE_ENCRYPTION_KEY\) has id [0-9a-f]{16}/,
        );
        assert.deepEqual(await snapshot(server), before, 'the database and data directory are untouched');
      });
    },
  );

  onSqlite('restores into a data directory that does not exist yet, as on a replacement machine', async () => {
    const { server } = await deploy();
    const backupFile = join(server.workDir, 'backup.db');
    await cliOk(server, ['backup', backupFile]);
    const key = String(server.encryptionKey);
    const newData = join(server.workDir, 'new-machine', 'data');
    const restored = await cliWithKey(server, key, ['restore', backupFile], newData);
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal((await stat(join(newData, 'tollgate.db'))).mode & 0o777, 0o600);
    const keys = await cliWithKey(server, key, ['keys', 'list', '--json'], newData);
    assert.equal(keys.status, 0, keys.stderr);
    const before = await cliJson(server, ['keys', 'list']);
    assert.deepEqual(JSON.parse(keys.stdout), before, 'the same signing keys, decrypted by the same key');
  });

  onSqlite('writes the key beside the backup only when asked, privately and with a warning', async () => {
    const { server } = await deploy();
    const backupFile = join(server.workDir, 'with-key.db');
    const result = await server.cli(['backup', backupFile, '--include-key']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^tollgate: warning: wrote the encryption key .* can mint tokens/);
    assert.equal((await readFile(`${backupFile}.key`, 'utf8')).trim(), server.encryptionKey);
    assert.equal((await stat(`${backupFile}.key`)).mode & 0o777, 0o600);
  });
});

describe('tollgate backup and restore on PostgreSQL', () => {
  onPostgres('prints the pg_dump and pg_restore steps with the password redacted', async () => {
    const { server } = await deploy();
    const withPassword = new URL(String(server.databaseUrl));
    withPassword.password = 'hunter2-secret';
    const database = ['--database', withPassword.toString()];
    const backup = await cliOk(server, ['backup', 'tollgate.dump', ...database]);
    assert.match(backup, /pg_dump --format=custom --file=tollgate\.dump 'postgres:\/\/postgres:\*\*\*@/);
    const restore = await cliOk(server, ['restore', 'tollgate.dump', ...database]);
    assert.match(restore, /pg_restore --clean --if-exists --no-owner/);
    assert.match(restore, /tollgate restore --epoch-only/);
    assert.doesNotMatch(`${backup}${restore}`, /hunter2-secret/);
  });

  onPostgres('restore --epoch-only gives the database a new revocation epoch', async () => {
    const { server } = await deploy();
    const url = String(server.databaseUrl);
    const before = await postgresEpoch(url);
    const result = (await cliJson(server, ['restore', '--epoch-only', '--database', url])) as Record<string, unknown>;
    const afterwards = await postgresEpoch(url);
    assert.notEqual(afterwards, before);
    assert.equal(result.revocationEpoch, afterwards);
  });
});

async function postgresEpoch(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ epoch: string }>('select epoch from revocation_epoch where id = 1');
    return String(rows[0]?.epoch);
  } finally {
    await client.end();
  }
}

/** The CLI with another TOLLGATE_ENCRYPTION_KEY than the server's. */
function cliWithKey(
  server: TollgateProcess,
  key: string,
  args: readonly string[],
  dataDir = server.dataDir,
): Promise<ProcessResult> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return runProcess(process.execPath, [TOLLGATE_BIN, ...args, '--data', dataDir], {
    cwd: server.workDir,
    env: { ...env, TOLLGATE_ENCRYPTION_KEY: key },
    timeoutMs: 60_000,
  });
}
