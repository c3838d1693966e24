import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateEncryptionSecret } from '@tollgate/core';
import { EncryptionKeyError, GENERATED_KEY_FILE, resolveEncryptionKey } from '../src/encryption-key.js';
import { tempDir } from './temp-dir.js';

const freshDir = () => join(tempDir('tollgate-key-'), 'data');

describe('encryption key resolution', () => {
  it('generates a key into the data dir, readable only by its owner', async () => {
    const dataDir = freshDir();
    const resolved = await resolveEncryptionKey({ dataDir, encryptionKey: undefined, encryptionKeyFile: undefined });
    assert.equal(resolved.source, 'generated');
    const file = join(dataDir, GENERATED_KEY_FILE);
    assert.equal(resolved.file, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('reuses the generated key on the next start', async () => {
    const dataDir = freshDir();
    await resolveEncryptionKey({ dataDir, encryptionKey: undefined, encryptionKeyFile: undefined });
    const before = readFileSync(join(dataDir, GENERATED_KEY_FILE), 'utf8');
    const again = await resolveEncryptionKey({ dataDir, encryptionKey: undefined, encryptionKeyFile: undefined });
    assert.equal(again.source, 'data-dir');
    assert.equal(readFileSync(join(dataDir, GENERATED_KEY_FILE), 'utf8'), before);
  });

  it('agrees on one key when two processes start on a fresh data dir at once', async () => {
    const dataDir = freshDir();
    const config = { dataDir, encryptionKey: undefined, encryptionKeyFile: undefined };
    const results = await Promise.all(Array.from({ length: 8 }, () => resolveEncryptionKey(config)));
    assert.equal(results.filter((result) => result.source === 'generated').length, 1);
  });

  it('prefers the environment and writes nothing to the data dir', async () => {
    const dataDir = freshDir();
    const resolved = await resolveEncryptionKey({
      dataDir,
      encryptionKey: generateEncryptionSecret(),
      encryptionKeyFile: undefined,
    });
    assert.equal(resolved.source, 'environment');
    assert.throws(() => statSync(join(dataDir, GENERATED_KEY_FILE)));
  });

  it('reads a configured key file', async () => {
    const file = join(tempDir('tollgate-key-'), 'key');
    writeFileSync(file, `${generateEncryptionSecret()}\n`);
    const resolved = await resolveEncryptionKey({
      dataDir: freshDir(),
      encryptionKey: undefined,
      encryptionKeyFile: file,
    });
    assert.equal(resolved.source, 'file');
  });

  it('refuses an invalid key without echoing it', async () => {
    const secret = 'not-a-valid-key-material';
    await assert.rejects(
      resolveEncryptionKey({ dataDir: freshDir(), encryptionKey: secret, encryptionKeyFile: undefined }),
      (error: unknown) =>
        error instanceof EncryptionKeyError &&
        error.message.includes('TOLLGATE_ENCRYPTION_KEY') &&
        !error.message.includes(secret),
    );
  });
});
