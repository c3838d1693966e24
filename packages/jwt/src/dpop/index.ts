/**
 * DPoP (RFC 9449) building blocks shared by the server, the verify SDK and the gateway: checking a proof, the key
 * thumbprint and token hash bound into it, stateless server nonces, and the in-process replay cache (@tollgate/redis
 * shares one between nodes).
 */
export { type DpopErrorCode, type DpopErrorName, DpopProofError } from './errors.js';
export { DEFAULT_DPOP_ALGORITHMS, type DpopProofExpectations, type VerifiedDpopProof } from './types.js';
export { verifyDpopProof } from './verify-proof.js';
export { accessTokenHash, isJwkThumbprint, jwkThumbprint } from './jwk.js';
export { DPOP_PROOF_TYPE } from './header.js';
export { MAX_PROOF_LENGTH } from './compact.js';
export { type DpopNonceOptions, type DpopNonces, createDpopNonces } from './nonce.js';
export { type DpopReplayCache, type MemoryDpopReplayCacheOptions, MemoryDpopReplayCache } from './replay-cache.js';
