import { refuse } from './refuse.js';

/** Longer tokens are refused before any parsing: ours are well under 1 KiB, so this only bounds attacker work. */
export const MAX_TOKEN_LENGTH = 8192;

/**
 * Exactly three non-empty base64url segments (RFC 7515 7.1 compact serialization). This refuses JWE (five parts,
 * RFC 7516 7.1), unsecured JWTs with an empty signature, padding and the standard base64 alphabet in one pass.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface CompactParts {
  header: string;
  payload: string;
  signature: string;
  /** ASCII `header.payload`, the JWS Signing Input (RFC 7515 5.2 step 8). */
  signingInput: string;
}

/** Splits and checks the encoding of all three segments, so no malformed token costs a signature check. */
export function splitCompact(token: unknown): CompactParts {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw refuse('ERR_TOKEN_MALFORMED');
  }
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const parts = {
    header: token.slice(0, firstDot),
    payload: token.slice(firstDot + 1, secondDot),
    signature: token.slice(secondDot + 1),
    signingInput: token.slice(0, secondDot),
  };
  if (!isCanonical(parts.header) || !isCanonical(parts.payload) || !isCanonical(parts.signature)) {
    throw refuse('ERR_TOKEN_MALFORMED');
  }
  return parts;
}

/**
 * The characters allowed last in a segment whose final group carries 2 or 3 characters: the unused low bits must be
 * zero (RFC 4648 3.5). Node's decoder ignores those bits, so without this check one signature would have several
 * spellings and the same token several strings (a problem for anything keyed by the token text).
 */
const CANONICAL_LAST_CHAR: Readonly<Record<number, RegExp>> = {
  2: /[AQgw]$/,
  3: /[AEIMQUYcgkosw048]$/,
};

/** For a segment already known to use only the base64url alphabet: one spelling per byte string. */
function isCanonical(segment: string): boolean {
  const remainder = segment.length % 4;
  if (remainder === 1) return false;
  const lastChar = CANONICAL_LAST_CHAR[remainder];
  return lastChar === undefined || lastChar.test(segment);
}

/** Decodes a segment that passed splitCompact. */
export function decodeSegment(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a header or payload segment into a JSON object (RFC 7515 5.2 steps 2-4, RFC 7519 7.2 step 10). */
export function decodeJsonObject(segment: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(decodeSegment(segment)));
  } catch {
    throw refuse('ERR_TOKEN_MALFORMED');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw refuse('ERR_TOKEN_MALFORMED');
  return parsed as Record<string, unknown>;
}
