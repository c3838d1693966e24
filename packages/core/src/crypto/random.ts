import { hash, randomFillSync, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in an id: 128 bits, enough that ids never collide and cannot be guessed. */
const ID_RANDOM_BYTES = 16;

/**
 * Random bytes are drawn from the CSPRNG 4 KiB at a time and each byte is handed out once, then wiped: one OpenSSL
 * call per token (every access token needs a jti) was a visible share of the token endpoint's profile. Node's
 * randomUUID() batches the same way.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** `bytes` fresh random bytes, base64url without padding. */
function randomBase64url(bytes: number): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(bytes)).toString('base64url');
  if (poolOffset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    poolOffset = 0;
  }
  const taken = pool.subarray(poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  const encoded = taken.toString('base64url');
  taken.fill(0);
  return encoded;
}

/** An unguessable token, base64url without padding (43 characters for the default 32 bytes = 256 bits). */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new TypeError('randomToken needs at least 16 bytes');
  return randomBase64url(bytes);
}

/** A random identifier with a type prefix, e.g. `usr_` + 22 base64url characters. */
export function randomId(prefix: string): string {
  return `${prefix}${randomBase64url(ID_RANDOM_BYTES)}`;
}

/**
 * SHA-256 of the UTF-8 string, lowercase hex: how opaque tokens are looked up without storing them. The one-shot
 * hash() skips the Hash object createHash() builds.
 */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** SHA-256 of the UTF-8 string, base64url without padding: the PKCE S256 transformation (RFC 7636 4.2). */
export function sha256Base64url(value: string): string {
  return hash('sha256', value, 'base64url');
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so the comparison always runs over 32 bytes:
 * timingSafeEqual alone throws on different lengths, and an early length check would leak the length.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(hash('sha256', a, 'buffer'), hash('sha256', b, 'buffer'));
}

/**
 * Compares two SHA-256 digests in lowercase hex (as sha256Hex makes them) in constant time. Both are 32 bytes
 * whatever was hashed, so no length is leaked, and there is nothing to hash again as constantTimeEqual must.
 */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
