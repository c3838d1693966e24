/**
 * Test support for DPoP proofs: real client keys and a signer that puts anything into a proof, so every forged proof
 * is built the way an attacker would (sign for real, then mutate).
 */
import assert from 'node:assert/strict';
import { type KeyObject, createHash } from 'node:crypto';
import {
  type DpopErrorCode,
  type DpopErrorName,
  type DpopProofExpectations,
  DpopProofError,
  type SigningAlgorithm,
  verifyDpopProof,
} from '../src/index.js';
import { KEYS, type SegmentContent, type TestKey, b64url, rawSign } from './support.js';

export { KEYS, makeKey } from './support.js';

export const NOW_SECONDS = 1_700_000_000;
export const NOW_MS = NOW_SECONDS * 1000;
export const clock = () => NOW_MS;
export const METHOD = 'GET';
export const REQUEST_URL = 'https://api.example.com/orders/42';
export const ACCESS_TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c3JfYWxpY2UifQ.c2lnbmF0dXJl';
/** RFC 9449 4.2 `ath` of ACCESS_TOKEN, computed here independently of accessTokenHash. */
export const ATH = createHash('sha256').update(ACCESS_TOKEN, 'ascii').digest('base64url');

/** The public JWK of a test key, as a client puts it into its proofs. */
export function publicJwk(key: { publicKey: KeyObject }): Record<string, unknown> {
  return { ...key.publicKey.export({ format: 'jwk' }) };
}

export function proofHeader(key: TestKey, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return withChanges({ typ: 'dpop+jwt', alg: key.alg, jwk: publicJwk(key) }, changes);
}

let counter = 0;

/** Claims that pass at NOW for METHOD REQUEST_URL with ACCESS_TOKEN; a fresh `jti` each time. */
export function proofClaims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const claims = {
    jti: `proof-${counter}-${Math.random().toString(36).slice(2)}`,
    htm: METHOD,
    htu: REQUEST_URL,
    iat: NOW_SECONDS,
    ath: ATH,
  };
  return withChanges(claims, changes);
}

function withChanges(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, ...changes };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

function segment(content: SegmentContent): string {
  if (content instanceof Uint8Array || typeof content === 'string') return b64url(content);
  return b64url(JSON.stringify(content));
}

export interface ProofInput {
  /** The key whose public half goes into the header by default; default ES256. */
  key?: TestKey;
  header?: SegmentContent;
  payload?: SegmentContent;
  /** Signs with this key and algorithm instead of `key` (another key, or an algorithm confusion). */
  signer?: { alg: SigningAlgorithm | 'HS256'; privateKey: KeyObject | Uint8Array };
}

/** A really signed proof with whatever header and payload it is given. */
export function makeProof({ key = KEYS.ES256, header, payload, signer }: ProofInput = {}): string {
  const signingInput = `${segment(header === undefined ? proofHeader(key) : header)}.${segment(
    payload === undefined ? proofClaims() : payload,
  )}`;
  const { alg, privateKey } = signer ?? key;
  return `${signingInput}.${b64url(rawSign(alg, signingInput, privateKey))}`;
}

export function expectations(changes: Partial<DpopProofExpectations> = {}): DpopProofExpectations {
  return { method: METHOD, url: REQUEST_URL, accessToken: ACCESS_TOKEN, ...changes };
}

export function verify(proof: string, changes: Partial<DpopProofExpectations> = {}) {
  return verifyDpopProof(proof, expectations(changes), clock);
}

const CLIENT_SAFE =
  /^(The DPoP proof [a-zA-Z0-9+ ]+( "[a-z]+" claim)?|A DPoP proof is required|Invalid DPoP key binding)$/;

/**
 * Asserts the exact refusal: code, the RFC 9449 error name (default `invalid_dpop_proof`), the claim when given, and
 * a fixed description that quotes nothing of the proof.
 */
export function assertRefused(
  proof: string,
  code: DpopErrorCode,
  {
    claim,
    error = 'invalid_dpop_proof',
    changes = {},
  }: { claim?: string; error?: DpopErrorName; changes?: Partial<DpopProofExpectations> } = {},
): void {
  assert.throws(
    () => verify(proof, changes),
    (thrown: unknown) => {
      assert.ok(thrown instanceof DpopProofError, `expected DpopProofError, got ${String(thrown)}`);
      assert.equal(thrown.code, code);
      assert.equal(thrown.error, error);
      if (claim !== undefined) assert.equal(thrown.claim, claim);
      assert.match(thrown.description, CLIENT_SAFE);
      assert.equal(thrown.message, thrown.description);
      for (const part of proof.split('.')) {
        if (part.length >= 8) assert.ok(!thrown.message.includes(part.slice(0, 8)), 'description quotes the proof');
      }
      return true;
    },
  );
}
