/**
 * The token endpoint's half of DPoP (RFC 9449 5): a request may carry one proof, made for this endpoint; the key it
 * was made with is the one the issued tokens are bound to. Checked before any grant runs, so every grant binds the
 * same way, and a proof is usable once (RFC 9449 11.1), on every node when the replay cache is shared.
 */
import { DpopProofError, verifyDpopProof } from '@tollgate/jwt';
import { InvalidDpopProof } from '../errors.js';
import { ENDPOINT_PATHS } from '../endpoint-paths.js';
import type { TokenRequest } from '../service.js';
import type { GrantContext } from './context.js';

/** The RFC 7638 thumbprint of the proof's key, or undefined for a request without a proof (a bearer token). */
export async function proofThumbprintOf(
  context: Pick<GrantContext, 'issuer' | 'clock' | 'dpopReplay'>,
  request: TokenRequest,
): Promise<string | undefined> {
  if (request.dpopProof === undefined) return undefined;
  try {
    // htu is this endpoint's URL under the configured issuer, never one built from the request's Host header.
    const proof = verifyDpopProof(
      request.dpopProof,
      { method: 'POST', url: context.issuer + ENDPOINT_PATHS.token },
      context.clock,
    );
    if (!(await context.dpopReplay.checkAndRemember(proof.replayKey, proof.replayUntilMs))) {
      throw new DpopProofError('ERR_DPOP_REPLAYED');
    }
    return proof.jkt;
  } catch (error) {
    if (error instanceof DpopProofError) throw new InvalidDpopProof(error.description, { detail: error.code });
    throw error;
  }
}
