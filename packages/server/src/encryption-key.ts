/**
 * The key that encrypts private signing keys at rest. It should live apart from the database:
 * TOLLGATE_ENCRYPTION_KEY or `encryptionKeyFile`. For a first local run without either, one is
 * generated into `<dataDir>/encryption.key` (mode 0600) and the caller warns about it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type EncryptionKey, generateEncryptionSecret, parseEncryptionKey } from '@tollgate/core';
import type { ServerConfig } from './config.js';

export const GENERATED_KEY_FILE = 'encryption.key';

export type EncryptionKeySource = 'environment' | 'file' | 'data-dir' | 'generated';

export interface ResolvedEncryptionKey {
  key: EncryptionKey;
  source: EncryptionKeySource;
  /** The file it was read from or written to, for messages. */
  file?: string;
}

export class EncryptionKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EncryptionKeyError';
  }
}

type KeyConfig = Pick<ServerConfig, 'encryptionKey' | 'encryptionKeyFile' | 'dataDir'>;

/**
 * `mayGenerate` false (the store already holds signing keys): a missing data-dir key is an error, never a new key,
 * which could not decrypt them and would sit beside the database as if it could.
 */
export async function resolveEncryptionKey(
  config: KeyConfig,
  options: { mayGenerate: boolean } = { mayGenerate: true },
): Promise<ResolvedEncryptionKey> {
  if (config.encryptionKey !== undefined) {
    return { key: parse(config.encryptionKey, 'TOLLGATE_ENCRYPTION_KEY'), source: 'environment' };
  }
  if (config.encryptionKeyFile !== undefined) {
    const file = config.encryptionKeyFile;
    return { key: parse(await readKeyFile(file), file), source: 'file', file };
  }
  const file = join(config.dataDir, GENERATED_KEY_FILE);
  if (!options.mayGenerate) {
    if (!existsSync(file)) {
      throw new EncryptionKeyError(
        `no encryption key for the signing keys in this database: set TOLLGATE_ENCRYPTION_KEY (or encryptionKeyFile) to the key they were made with (${file} does not exist)`,
      );
    }
    return { key: parse(await readKeyFile(file), file), source: 'data-dir', file };
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const created = await createKeyFileOnce(file);
  return { key: parse(await readKeyFile(file), file), source: created ? 'generated' : 'data-dir', file };
}

/**
 * Writes a fresh secret to `file` unless it exists. The secret goes to a private temporary file that is
 * then hard-linked into place: the link either appears complete or fails with EEXIST, so a server and
 * a CLI starting together on a fresh data dir agree on one key and never read a half-written file.
 */
async function createKeyFileOnce(file: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeDurably(temporary, `${generateEncryptionSecret()}\n`);
    await link(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new EncryptionKeyError(`cannot write ${file}: ${code ?? 'error'}`);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The key must be on disk before any signing key encrypted under it is. */
async function writeDurably(file: string, content: string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new EncryptionKeyError(
      `cannot read encryption key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/** Never echoes the key: the message names only where it came from. */
function parse(secret: string, origin: string): EncryptionKey {
  try {
    return parseEncryptionKey(secret);
  } catch (error) {
    const reason = error instanceof Error && !error.message.includes(secret) ? `: ${error.message}` : '';
    throw new EncryptionKeyError(`the encryption key in ${origin} is not valid${reason}`);
  }
}

export const ENCRYPTION_KEY_WARNING =
  'The encryption key for signing keys is stored in the data directory, beside the database. ' +
  'In production set TOLLGATE_ENCRYPTION_KEY (or encryptionKeyFile) and keep it apart from the database.';
