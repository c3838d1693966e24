import { createHash } from 'node:crypto';
import { algorithmEntry } from '../lib/algorithms.js';
import { decodeSegment } from '../lib/segments.js';
import { checkProofClaims } from './claims.js';
import { decodeProofJson, splitProof } from './compact.js';
import { DpopProofError } from './errors.js';
import { readProofHeader } from './header.js';
import { type NormalizedExpectations, normalizeExpectations } from './options.js';
import type { DpopProofExpectations, VerifiedDpopProof } from './types.js';

/**
 * RFC 9449 4.3 step 10, 8 and 9: with a nonce required, a proof without one, or with one the server no longer
 * accepts, is answered `use_dpop_nonce` (the caller sends a fresh `DPoP-Nonce`). Checked last, so that answer means
 * "everything else holds, retry with this nonce".
 */
function checkNonce(nonce: string | undefined, expected: NormalizedExpectations): string | undefined {
  if (expected.nonce === undefined) return undefined;
  if (nonce === undefined) throw new DpopProofError('ERR_DPOP_NONCE_REQUIRED', 'nonce');
  if (!expected.nonce(nonce)) throw new DpopProofError('ERR_DPOP_NONCE_INVALID', 'nonce');
  return nonce;
}

/**
 * Checks a DPoP proof (RFC 9449 4.3) and returns the thumbprint of its key with what a replay cache needs. Pure: no
 * HTTP objects, no I/O; the caller takes the proof from the one `DPoP` header (step 1: more than one is refused),
 * and after this, checks `replayKey` against a DpopReplayCache (RFC 9449 11.1), which this function cannot do.
 *
 * Steps, cheapest first: size and shape; header (`typ`, alg allow-list, a public `jwk` fit for that alg); signature
 * with that key; claims (`jti`, `htm`, `htu`, `iat`, `ath`); the token's key binding (`jkt`); the nonce.
 *
 * Throws DpopProofError for a refused proof and TypeError for bad expectations or clock.
 */
export function verifyDpopProof(
  proof: string,
  expectations: DpopProofExpectations,
  clock: () => number = Date.now,
): VerifiedDpopProof {
  const expected = normalizeExpectations(expectations, clock);
  const parts = splitProof(proof);
  const { alg, publicKey, jkt } = readProofHeader(parts.header, expected.algorithms);
  // The compact form is ASCII (checked by splitProof), so latin1 is its exact encoding (RFC 7515 5.2 step 8).
  const signingInput = Buffer.from(parts.signingInput, 'latin1');
  if (!algorithmEntry(alg).verify(signingInput, decodeSegment(parts.signature), publicKey)) {
    throw new DpopProofError('ERR_DPOP_SIGNATURE_INVALID');
  }
  const claims = checkProofClaims(decodeProofJson(parts.payload), expected);
  // RFC 9449 7: the token's `cnf.jkt` must name this proof's key.
  if (expected.jkt !== undefined && expected.jkt !== jkt) throw new DpopProofError('ERR_DPOP_KEY_MISMATCH', 'jwk');
  const nonce = checkNonce(claims.nonce, expected);
  return {
    jkt,
    alg,
    jti: claims.jti,
    iat: claims.iat,
    nonce,
    replayKey: createHash('sha256').update(`${jkt}.${claims.jti}`).digest('base64url'),
    // Accepted while the age is at most maxAgeSeconds, so remembered one millisecond past that instant.
    replayUntilMs: Math.ceil((claims.iat + expected.maxAgeSeconds) * 1000) + 1,
  };
}
