import { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../types.js';
import { algorithmEntry, isSigningAlgorithm } from './algorithms.js';
import { refuse } from './refuse.js';

/** Public keys already found fit for an algorithm; the checks read key details, which is not free on the hot path. */
const fitKeys = new WeakMap<KeyObject, SigningAlgorithm>();

/** A resolver that hands back something unusable is a programming error: TypeError, not a refused token. */
function checkKeyFits(publicKey: unknown, keyAlg: SigningAlgorithm): KeyObject {
  if (publicKey instanceof KeyObject && fitKeys.get(publicKey) === keyAlg) return publicKey;
  if (!(publicKey instanceof KeyObject) || publicKey.type !== 'public' || !algorithmEntry(keyAlg).fitsKey(publicKey)) {
    throw new TypeError(`resolveKey returned a key that is not a usable ${keyAlg} public KeyObject`);
  }
  fitKeys.set(publicKey, keyAlg);
  return publicKey;
}

/** Checks what the resolver returned and gives back the public key to verify with. */
export function verificationKeyFrom(resolved: unknown, kid: string, alg: SigningAlgorithm): KeyObject {
  // null is taken as "unknown" too: storage layers tend to return it for a missing row.
  if (resolved === undefined || resolved === null) throw refuse('ERR_TOKEN_UNKNOWN_KEY', 'kid');
  if (typeof resolved !== 'object') {
    throw new TypeError('resolveKey must return a VerificationKey or undefined');
  }
  const { kid: keyKid, alg: keyAlg, publicKey } = resolved as Record<string, unknown>;
  if (keyKid !== kid) throw new TypeError('resolveKey returned a key with a different kid than requested');
  if (!isSigningAlgorithm(keyAlg)) throw new TypeError('resolveKey returned a key with an unsupported alg');
  const key = checkKeyFits(publicKey, keyAlg);
  // RFC 8725 3.1: the key decides the algorithm, not the token.
  if (keyAlg !== alg) throw refuse('ERR_TOKEN_ALG_NOT_ALLOWED', 'alg');
  return key;
}
