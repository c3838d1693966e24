/**
 * The API token (personal access token) format, shared by the server and the verify SDK so both refuse a mistyped
 * token without a database round trip. Modelled on GitHub's token format:
 *
 *   tg_ <43 base62 characters: 256 bits of randomness> <6 base62 characters: CRC-32 of the random part>
 *
 * The prefix lets secret scanners and routers recognise a token; the checksum catches typos and truncation
 * offline. It is not a MAC: anyone can compute it, so it says nothing about whether the token is real.
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const API_TOKEN_PREFIX = 'tg_';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 * log2(62) = 256.03 bits. */
const RANDOM_LENGTH = 43;
/** 62^6 > 2^32, so six characters hold any CRC-32. */
const CHECKSUM_LENGTH = 6;
export const API_TOKEN_LENGTH = API_TOKEN_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
/** Bytes at or above this are rejected: 248 = 4 * 62, so `byte % 62` stays uniform (no modulo bias). */
const UNBIASED_LIMIT = 248;
const BASE62_ONLY = /^[0-9A-Za-z]*$/;

export type ApiTokenFormatVerdict = 'ok' | 'prefix' | 'length' | 'charset' | 'checksum';

export function generateApiToken(): string {
  const random = randomBase62(RANDOM_LENGTH);
  return API_TOKEN_PREFIX + random + checksumOf(random);
}

/** Cheap, offline: which part of the format, if any, a presented token breaks. */
export function checkApiTokenFormat(token: string): ApiTokenFormatVerdict {
  if (!isApiToken(token)) return 'prefix';
  if (token.length !== API_TOKEN_LENGTH) return 'length';
  const body = token.slice(API_TOKEN_PREFIX.length);
  if (!BASE62_ONLY.test(body)) return 'charset';
  const random = body.slice(0, RANDOM_LENGTH);
  return body.slice(RANDOM_LENGTH) === checksumOf(random) ? 'ok' : 'checksum';
}

/** Prefix only: enough to route a presented bearer token to introspection instead of JWT validation. */
export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** CRC-32 (IEEE 802.3, as zlib and PNG compute it) in base62. Not cryptography: only a typo check. */
function checksumOf(random: string): string {
  let value = crc32(Buffer.from(random, 'ascii'));
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}
