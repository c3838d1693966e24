import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The key that encrypts signing keys at rest. `id` identifies it without revealing it, so a blob encrypted under
 * another key is reported as such rather than as corruption.
 */
export interface EncryptionKey {
  /** First 16 hex characters of SHA-256 of `key`. */
  id: string;
  key: Buffer;
}

const MIN_SECRET_LENGTH = 32;
const KEY_BYTES = 32;
const IV_BYTES = 12; // NIST SP 800-38D 8.2: 96-bit IVs for GCM.
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';
// Fixed HKDF salt and info (RFC 5869 3.1-3.2): they bind the derived key to this one purpose.
const HKDF_SALT = 'tollgate/encryption-key/v1';
const HKDF_INFO = 'tollgate signing-key encryption (AES-256-GCM)';

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Derives the AES-256 key from a configured secret of at least 32 characters. */
export function parseEncryptionKey(secret: string): EncryptionKey {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(
      `the encryption secret must be at least ${MIN_SECRET_LENGTH} characters long (32 random bytes in base64url is 43)`,
    );
  }
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), HKDF_SALT, HKDF_INFO, KEY_BYTES));
  return { id: keyId(key), key };
}

/** 32 random bytes as 43 base64url characters: a fresh secret for parseEncryptionKey. */
export function generateEncryptionSecret(): string {
  return randomBytes(KEY_BYTES).toString('base64url');
}

/**
 * `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url). The kid is the additional authenticated data, so a blob copied onto
 * another key row fails to decrypt instead of silently serving the wrong key.
 */
export function encryptPrivateKey(pkcs8: Buffer, kid: string, key: EncryptionKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const sealed = Buffer.concat([cipher.update(pkcs8), cipher.final(), cipher.getAuthTag()]);
  return [FORMAT_VERSION, key.id, iv.toString('base64url'), sealed.toString('base64url')].join('.');
}

const CORRUPT = 'encrypted signing key is corrupt';
/** Only a well-formed id is ever quoted in an error, so a damaged blob cannot put arbitrary text into the logs. */
const KEY_ID_SHAPE = /^[0-9a-f]{16}$/;

/** Reverses encryptPrivateKey. Errors say what went wrong in plain words and never contain key material. */
export function decryptPrivateKey(blob: string, kid: string, key: EncryptionKey): Buffer {
  const parts = typeof blob === 'string' ? blob.split('.') : [];
  const [version, blobKeyId, ivText, sealedText] = parts;
  if (parts.length !== 4 || version !== FORMAT_VERSION || !KEY_ID_SHAPE.test(blobKeyId ?? '')) throw new Error(CORRUPT);
  if (blobKeyId !== key.id) {
    throw new Error(
      `signing keys were encrypted with a different encryption key (id ${blobKeyId}, configured ${key.id})`,
    );
  }
  const iv = Buffer.from(ivText ?? '', 'base64url');
  const sealed = Buffer.from(sealedText ?? '', 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // GCM authentication failed (tampered or truncated bytes, a blob belonging to another kid) or a bad IV/tag length.
    throw new Error(CORRUPT);
  }
}
