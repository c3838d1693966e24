/**
 * The token endpoint's half of DPoP (RFC 9449 5): a request may carry one proof, made for this endpoint; the key it
 * was made with is the one the issued tokens are bound to. Checked before any grant runs, so every grant binds the
 * same way. A proof is usable once (RFC 9449 11.1), on every node when the replay cache is shared; it is remembered
 * only once the grant has authenticated its caller (rememberProof, from mintAccessToken), so requests from nobody
 * in particular can neither fill the in-process cache, which then refuses every proof, nor grow Redis.
 */
import { DpopProofError, type VerifiedDpopProof, verifyDpopProof } from '@tollgate/jwt';
import { InvalidDpopProof } from '../errors.js';
import { ENDPOINT_PATHS } from '../endpoint-paths.js';
import type { TokenRequest } from '../service.js';
import type { GrantContext } from './context.js';

/** The request's proof, checked but not yet remembered, or undefined for a request without one (a bearer token). */
export function verifiedProofOf(
  context: Pick<GrantContext, 'issuer' | 'clock'>,
  request: TokenRequest,
): VerifiedDpopProof | undefined {
  if (request.dpopProof === undefined) return undefined;
  try {
    // htu is this endpoint's URL under the configured issuer, never one built from the request's Host header.
    return verifyDpopProof(
      request.dpopProof,
      { method: 'POST', url: context.issuer + ENDPOINT_PATHS.token },
      context.clock,
    );
  } catch (error) {
    throw refusal(error);
  }
}

/** Remembers a proof the grant is about to honour; one seen before is refused (RFC 9449 11.1). */
export async function rememberProof(
  context: Pick<GrantContext, 'dpopReplay'>,
  proof: VerifiedDpopProof,
): Promise<void> {
  if (!(await context.dpopReplay.checkAndRemember(proof.replayKey, proof.replayUntilMs))) {
    throw refusal(new DpopProofError('ERR_DPOP_REPLAYED'));
  }
}

function refusal(error: unknown): unknown {
  return error instanceof DpopProofError ? new InvalidDpopProof(error.description, { detail: error.code }) : error;
}
