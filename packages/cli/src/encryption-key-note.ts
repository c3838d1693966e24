/**
 * What `tollgate backup` and `tollgate restore` say about the encryption key. A backup holds signing keys
 * encrypted under it, never the key itself: both commands name the key by its id (a digest, see core's
 * key-encryption.ts) so an operator can tell which key a backup needs without either file revealing it.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EncryptionKey, parseEncryptionKey } from '@tollgate/core';
import { GENERATED_KEY_FILE, type ServerConfig } from '@tollgate/server/bootstrap';

export interface ConfiguredSecret {
  secret: string;
  key: EncryptionKey;
  /** Where it came from, for messages: never the secret. */
  origin: string;
}

/**
 * The configured encryption secret, resolved as the server does, except that a missing data-dir key is
 * not generated: a key made up now could never decrypt an existing backup.
 */
export async function configuredSecret(config: ServerConfig): Promise<ConfiguredSecret | undefined> {
  if (config.encryptionKey !== undefined) return parsed(config.encryptionKey, 'TOLLGATE_ENCRYPTION_KEY');
  const file = config.encryptionKeyFile ?? join(config.dataDir, GENERATED_KEY_FILE);
  if (config.encryptionKeyFile === undefined && !(await exists(file))) return undefined;
  return parsed((await readFile(file, 'utf8')).trim(), file);
}

export function describeKeyIds(ids: readonly string[]): string {
  return ids.length === 0 ? 'none (no signing key yet)' : ids.join(', ');
}

function parsed(secret: string, origin: string): ConfiguredSecret {
  return { secret, key: parseEncryptionKey(secret), origin };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
