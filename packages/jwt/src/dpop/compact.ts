/**
 * The compact serialization of a proof (RFC 9449 4.3 step 2: "a single well-formed JWT"), read with the same strict
 * parser as access tokens (lib/segments.ts: three canonical base64url segments, a JSON object per header and
 * payload), its refusals restated as DPoP ones.
 */
import { TokenValidationError } from '../errors.js';
import { type CompactParts, decodeJsonObject, splitCompact } from '../lib/segments.js';
import { DpopProofError } from './errors.js';

/**
 * Longer proofs are refused before any parsing (RFC 9449 11.1 warns of memory exhaustion). An ES256 or EdDSA proof
 * is about 500 characters plus its `htu`; an RS256 one with a 2048-bit key and the longest `htu` still fits.
 */
export const MAX_PROOF_LENGTH = 4096;
/** The header holds `typ`, `alg` and a public key: an RSA key of 4096 bits at most fits. */
export const MAX_HEADER_LENGTH = 1536;

function asProofError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof TokenValidationError) throw new DpopProofError('ERR_DPOP_MALFORMED');
    throw error;
  }
}

export function splitProof(proof: unknown): CompactParts {
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) throw new DpopProofError('ERR_DPOP_MALFORMED');
  const parts = asProofError(() => splitCompact(proof));
  if (parts.header.length > MAX_HEADER_LENGTH) throw new DpopProofError('ERR_DPOP_MALFORMED');
  return parts;
}

export function decodeProofJson(segment: string): Record<string, unknown> {
  return asProofError(() => decodeJsonObject(segment));
}
