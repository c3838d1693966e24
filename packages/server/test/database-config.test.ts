import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config-load.js';
import { tempDir } from './temp-dir.js';

const URL_A = 'postgres://tollgate:s3cret@db.internal:5432/tollgate';
const URL_B = 'postgresql://tollgate@db2.internal/tollgate';

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the configuration to be refused');
}

describe('choosing the database', () => {
  it('defaults to SQLite in the data directory, migrating automatically, without Redis, draining 5 s', () => {
    const config = loadConfig({ env: { TOLLGATE_DATA: '/srv/tollgate' } });
    assert.equal(config.database, '/srv/tollgate/tollgate.db');
    assert.equal(config.databaseFile, '/srv/tollgate/tollgate.db');
    assert.equal(config.autoMigrate, true);
    assert.equal(config.redis, undefined);
    assert.equal(config.drainDelaySeconds, 5);
    assert.equal(config.shutdownGraceSeconds, 10);
  });

  it('takes a postgres:// URL from DATABASE_URL as is, with no SQLite file', () => {
    const config = loadConfig({ env: { DATABASE_URL: URL_A } });
    assert.equal(config.database, URL_A);
    assert.equal(config.databaseFile, undefined);
  });

  it('lets --database beat DATABASE_URL, and DATABASE_URL beat the config file', () => {
    const dir = tempDir('tollgate-dbconf-');
    const file = join(dir, 'tollgate.yaml');
    writeFileSync(file, `database: ${URL_B}\n`);
    assert.equal(loadConfig({ configFile: file }).database, URL_B);
    assert.equal(loadConfig({ configFile: file, env: { DATABASE_URL: URL_A } }).database, URL_A);
    const flagged = loadConfig({ configFile: file, env: { DATABASE_URL: URL_A }, flags: { database: 'local.db' } });
    assert.equal(flagged.database, resolve('local.db'));
    assert.equal(flagged.databaseFile, resolve('local.db'));
  });

  it('reads a SQLite path in a config file relative to the file, and prefers database over databaseFile', () => {
    const dir = tempDir('tollgate-dbconf-');
    const file = join(dir, 'tollgate.json');
    writeFileSync(file, JSON.stringify({ database: 'data/main.db', databaseFile: 'other.db' }));
    assert.equal(loadConfig({ configFile: file }).database, join(dir, 'data', 'main.db'));
  });

  it('treats TOLLGATE_DATABASE_FILE as the same setting, so DATABASE_URL and flags layer over it', () => {
    assert.equal(loadConfig({ env: { TOLLGATE_DATABASE_FILE: 'x.db' } }).database, resolve('x.db'));
    assert.equal(loadConfig({ env: { TOLLGATE_DATABASE_FILE: 'x.db', DATABASE_URL: URL_A } }).database, URL_A);
  });

  it('refuses a malformed PostgreSQL URL without echoing it', () => {
    const problems = problemsOf(() => loadConfig({ env: { DATABASE_URL: 'postgres://user:p@ss word@[bad/db' } }));
    assert.match(problems.join('\n'), /^database \(from DATABASE_URL\): must be a valid postgres:\/\/ URL/);
    assert.ok(!problems.join('\n').includes('p@ss'), 'the password was echoed');
  });

  it('turns --no-migrate and TOLLGATE_AUTO_MIGRATE=false into autoMigrate false', () => {
    assert.equal(loadConfig({ flags: { migrate: 'false' } }).autoMigrate, false);
    assert.equal(loadConfig({ env: { TOLLGATE_AUTO_MIGRATE: 'false' } }).autoMigrate, false);
  });
});

describe('Redis and draining', () => {
  it('takes REDIS_URL, and --redis over it', () => {
    assert.equal(loadConfig({ env: { REDIS_URL: 'redis://cache:6379' } }).redis, 'redis://cache:6379');
    const flagged = loadConfig({ env: { REDIS_URL: 'redis://cache:6379' }, flags: { redis: 'rediss://other:6380/2' } });
    assert.equal(flagged.redis, 'rediss://other:6380/2');
  });

  it('refuses a Redis address that is not a redis:// or rediss:// URL', () => {
    const problems = problemsOf(() => loadConfig({ env: { REDIS_URL: 'cache:6379' } }));
    assert.deepEqual(problems, ['redis (from REDIS_URL): must be a redis:// or rediss:// URL']);
  });

  it('takes the drain delay as a duration of at most five minutes', () => {
    assert.equal(loadConfig({ env: { TOLLGATE_DRAIN_DELAY: '15s' } }).drainDelaySeconds, 15);
    const problems = problemsOf(() => loadConfig({ env: { TOLLGATE_DRAIN_DELAY: '1h' } }));
    assert.match(problems.join('\n'), /^drainDelay \(from TOLLGATE_DRAIN_DELAY\): must be between 0s and 5m/);
  });
});
