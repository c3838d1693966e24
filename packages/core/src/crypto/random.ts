import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in an id: 128 bits, enough that ids never collide and cannot be guessed. */
const ID_RANDOM_BYTES = 16;

/** An unguessable token, base64url without padding (43 characters for the default 32 bytes = 256 bits). */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new TypeError('randomToken needs at least 16 bytes');
  return randomBytes(bytes).toString('base64url');
}

/** A random identifier with a type prefix, e.g. `usr_` + 22 base64url characters. */
export function randomId(prefix: string): string {
  return `${prefix}${randomBytes(ID_RANDOM_BYTES).toString('base64url')}`;
}

/** SHA-256 of the UTF-8 string, lowercase hex: how opaque tokens are looked up without storing them. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so the comparison always runs over 32 bytes:
 * timingSafeEqual alone throws on different lengths, and an early length check would leak the length.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
