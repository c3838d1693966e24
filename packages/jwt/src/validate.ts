import { checkClaims } from './lib/claims.js';
import { algorithmEntry } from './lib/algorithms.js';
import { readHeader } from './lib/header.js';
import { normalizeOptions } from './lib/options.js';
import { refuse } from './lib/refuse.js';
import { verificationKeyFrom } from './lib/resolved-key.js';
import { decodeJsonObject, decodeSegment, splitCompact } from './lib/segments.js';
import type { AccessTokenClaims, AccessTokenValidationOptions, KeyResolver } from './types.js';

/**
 * Validates a JWT access token (RFC 9068 4) and returns its claims. The one validation module of Tollgate: the
 * server's introspection, the verify SDK and the gateway all call this.
 *
 * Steps, cheapest first: size and shape; header (refused parameters, alg allow-list, typ, kid shape); key from the
 * resolver (never from the token); signature; payload; claims. Claims are only read once the signature holds, so a
 * forged token learns nothing beyond "signature invalid".
 *
 * Throws `TokenValidationError` for any refused token, `TypeError` for bad options or a resolver returning an
 * unusable key; errors thrown by the resolver itself propagate unchanged.
 */
export async function validateAccessToken(
  token: string,
  resolveKey: KeyResolver,
  options: AccessTokenValidationOptions,
): Promise<AccessTokenClaims> {
  if (typeof resolveKey !== 'function') throw new TypeError('resolveKey must be a function');
  const expected = normalizeOptions(options);

  const parts = splitCompact(token);
  const { alg, kid } = readHeader(parts.header, expected.algorithms);
  const signature = decodeSegment(parts.signature);
  const pending = resolveKey(kid);
  // A synchronous resolver's answer is used as is: awaiting it would cost a microtask turn on the hot path.
  const publicKey = verificationKeyFrom(pending instanceof Promise ? await pending : pending, kid, alg);
  // The compact form is ASCII (checked by splitCompact), so latin1 is the exact, fastest encoding (RFC 7515 5.2).
  const signingInput = Buffer.from(parts.signingInput, 'latin1');
  if (!algorithmEntry(alg).verify(signingInput, signature, publicKey)) throw refuse('ERR_TOKEN_SIGNATURE_INVALID');

  return checkClaims(decodeJsonObject(parts.payload), {
    issuer: expected.issuer,
    audiences: expected.audiences,
    nowSeconds: expected.nowSeconds,
    toleranceSeconds: expected.toleranceSeconds,
    maxLifetimeSeconds: expected.maxLifetimeSeconds,
  });
}
