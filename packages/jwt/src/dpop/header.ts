/**
 * The proof's JOSE header (RFC 9449 4.2, 4.3 steps 4, 5 and 7): `typ`, an asymmetric `alg`, and the public key the
 * proof is signed with, imported and thumbprinted here.
 */
import type { KeyObject } from 'node:crypto';
import { isSigningAlgorithm } from '../lib/algorithms.js';
import type { SigningAlgorithm } from '../types.js';
import { decodeProofJson } from './compact.js';
import { DpopProofError } from './errors.js';
import { hasPrivateMembers, isRecord, proofKeyOf, thumbprintOf } from './jwk.js';

/** RFC 9449 4.2: the explicit type of a proof (RFC 8725 3.11), so no other JWT can pass for one. */
export const DPOP_PROOF_TYPE = 'dpop+jwt';

/**
 * Refused even on a validly signed proof: `crit` asks for extensions we do not implement (RFC 7515 4.1.11), `b64`
 * (RFC 7797) changes what was signed, `jku`/`x5u`/`x5c` would name a second key beside `jwk`, and `cty`, `enc`, `zip`
 * belong to nested JWTs and JWE, which a proof never is.
 */
const REFUSED_HEADER_PARAMETERS = ['crit', 'b64', 'jku', 'x5u', 'x5c', 'cty', 'enc', 'zip'] as const;

export interface ProofHeader {
  alg: SigningAlgorithm;
  publicKey: KeyObject;
  jkt: string;
}

/** RFC 7515 4.1.9: compared ignoring case, with or without the `application/` prefix. */
function isProofType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  return lower === DPOP_PROOF_TYPE || lower === `application/${DPOP_PROOF_TYPE}`;
}

function checkHeader(header: Record<string, unknown>): ProofHeader {
  for (const name of REFUSED_HEADER_PARAMETERS) {
    if (Object.hasOwn(header, name)) throw new DpopProofError('ERR_DPOP_HEADER_NOT_ALLOWED', name);
  }
  const { typ, alg, jwk } = header;
  if (!isProofType(typ)) throw new DpopProofError('ERR_DPOP_TYPE_INVALID', 'typ');
  // RFC 9449 4.3 step 5: `none` and MACs are not in the registry, so they never get this far.
  if (!isSigningAlgorithm(alg)) throw new DpopProofError('ERR_DPOP_ALG_NOT_ALLOWED', 'alg');
  if (!isRecord(jwk) || hasPrivateMembers(jwk)) throw new DpopProofError('ERR_DPOP_KEY_INVALID', 'jwk');
  const publicKey = proofKeyOf(jwk, alg);
  const jkt = publicKey === undefined ? undefined : thumbprintOf(publicKey);
  if (publicKey === undefined || jkt === undefined) throw new DpopProofError('ERR_DPOP_KEY_INVALID', 'jwk');
  return { alg, publicKey, jkt };
}

/**
 * A client signs every proof with the same key, so its header segment is the same text each time: headers that
 * passed are remembered by that text, sparing the key import and thumbprint. Only passing headers are kept and the
 * cache is emptied when full, so a flood of distinct headers costs reparsing, never memory.
 */
const MAX_CACHED_HEADERS = 256;
const checkedHeaders = new Map<string, ProofHeader>();

/** Decodes and checks the header, then applies the caller's alg allow-list. */
export function readProofHeader(segment: string, allowed: readonly SigningAlgorithm[]): ProofHeader {
  let header = checkedHeaders.get(segment);
  if (header === undefined) {
    header = checkHeader(decodeProofJson(segment));
    if (checkedHeaders.size >= MAX_CACHED_HEADERS) checkedHeaders.clear();
    checkedHeaders.set(segment, header);
  }
  if (!allowed.includes(header.alg)) throw new DpopProofError('ERR_DPOP_ALG_NOT_ALLOWED', 'alg');
  return header;
}
