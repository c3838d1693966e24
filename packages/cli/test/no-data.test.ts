/**
 * Only `start`, `migrate` and `demo` create Tollgate data. Every other command that finds none where it looks exits 2
 * with one line saying where it looked, and creates nothing there; and no command writes an encryption key beside
 * signing keys that were made with another.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateEncryptionSecret } from '@tollgate/core';
import { dataDir, ok, run, tempDir } from './run.js';

const API = 'https://api.example.com';

/** What a command could create; SQLite's own -wal/-shm files come and go with every connection. */
function files(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !/-(wal|shm)$/.test(name))
    .sort();
}

describe('commands that find no Tollgate data', () => {
  const commands: string[][] = [
    ['apis', 'list'],
    ['apis', 'add', API, '--scopes', 'read'],
    ['apis', 'remove', API],
    ['users', 'list'],
    ['users', 'add', 'alice', '--password-stdin'],
    ['users', 'set', 'alice', '--disable'],
    ['users', 'remove', 'alice'],
    ['clients', 'list'],
    ['clients', 'add', 'svc'],
    ['clients', 'remove', 'cl_x'],
    ['keys', 'list'],
    ['keys', 'rotate'],
    ['tokens', 'list'],
    ['tokens', 'revoke', 'tok_x'],
  ];
  for (const args of commands) {
    it(`tollgate ${args.join(' ')} in an empty directory exits 2, says where it looked, and creates nothing`, async () => {
      const cwd = tempDir();
      const result = await run(args, { cwd, input: 'a long enough password\n' });
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(
        result.stderr,
        `tollgate: no Tollgate data in ${join(cwd, 'tollgate-data')}: run \`tollgate start\` first, or pass --data\n`,
      );
      assert.deepEqual(readdirSync(cwd), []);
    });
  }

  it('does not create the directory --data names', async () => {
    const data = join(tempDir(), 'typo');
    const result = await run(['users', 'list', '--data', data]);
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      `tollgate: no Tollgate data in ${data}: run \`tollgate start\` first, or pass --data\n`,
    );
    assert.equal(existsSync(data), false);
  });

  it('does not create a database file --database names', async () => {
    const file = join(tempDir(), 'other.db');
    const result = await run(['apis', 'list', '--database', file]);
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      `tollgate: no Tollgate database at ${file}: run \`tollgate start\` first, or pass --database\n`,
    );
    assert.equal(existsSync(file), false);
  });
});

describe('the encryption key', () => {
  it('is never generated beside signing keys made with another key: the command fails and writes nothing', async () => {
    const data = dataDir();
    const env = { TOLLGATE_ENCRYPTION_KEY: generateEncryptionSecret() };
    await ok(['apis', 'add', API, '--scopes', 'read', '--data', data], { env });
    const before = files(data);
    assert.ok(!before.includes('encryption.key'), `a key file was written although one was configured: ${before}`);

    const result = await run(['clients', 'list', '--data', data]);

    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^tollgate: no encryption key for the signing keys in this database: set TOLLGATE_ENCRYPTION_KEY \(or encryptionKeyFile\) to the key they were made with \(.*encryption\.key does not exist\)\n$/,
    );
    assert.deepEqual(files(data), before);
  });
});
