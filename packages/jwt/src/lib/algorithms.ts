import { type KeyObject, sign, verify } from 'node:crypto';
import type { SigningAlgorithm } from '../types.js';

/**
 * Everything an algorithm needs, in one place (RFC 7518 3.1): nothing else in the package enumerates algorithms.
 * Signing and verification call node:crypto directly and synchronously: jose's WebCrypto path costs more than twice
 * the CPU per token (a key conversion, a thread-pool job and promises around a signature of tens of microseconds).
 */
interface AlgorithmEntry {
  /** RFC 7517 / 7518 6: the JWK `kty` (and `crv`) of this algorithm's keys, and the public members that make one. */
  jwk: { kty: string; crv?: string; members: readonly string[] };
  /** Whether a resolved public key is usable with this algorithm. */
  fitsKey(key: KeyObject): boolean;
  verify(signingInput: Buffer, signature: Buffer, key: KeyObject): boolean;
  /** The JWS Signature (RFC 7515 5.1 step 5) of `signingInput` with a private key that fits the algorithm. */
  sign(signingInput: Buffer, key: KeyObject): Buffer;
}

/** RFC 7518 3.4: an ES256 signature is R || S, 32 octets each. */
const ES256_SIGNATURE_LENGTH = 64;

/** RFC 7518 3.3: keys of 2048 bits or larger MUST be used with RS256. */
const MIN_RSA_MODULUS_BITS = 2048;

function isZero(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

const ALGORITHMS: Readonly<Record<SigningAlgorithm, AlgorithmEntry>> = {
  // RFC 8037 3.1: EdDSA with Ed25519 only; the algorithm hashes internally, hence the null digest.
  EdDSA: {
    jwk: { kty: 'OKP', crv: 'Ed25519', members: ['kty', 'crv', 'x'] },
    fitsKey: (key) => key.asymmetricKeyType === 'ed25519',
    verify: (input, signature, key) => verify(null, input, key, signature),
    sign: (input, key) => sign(null, input, key),
  },
  ES256: {
    jwk: { kty: 'EC', crv: 'P-256', members: ['kty', 'crv', 'x', 'y'] },
    fitsKey: (key) => key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1',
    verify: (input, signature, key) => {
      if (signature.length !== ES256_SIGNATURE_LENGTH) return false;
      // r = 0 or s = 0 verifies against anything in a broken ECDSA (CVE-2022-21449); refuse it before OpenSSL does.
      const half = ES256_SIGNATURE_LENGTH / 2;
      if (isZero(signature, 0, half) || isZero(signature, half, ES256_SIGNATURE_LENGTH)) return false;
      return verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
    },
    // RFC 7518 3.4: R || S, not the DER structure OpenSSL produces by default.
    sign: (input, key) => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }),
  },
  RS256: {
    jwk: { kty: 'RSA', members: ['kty', 'n', 'e'] },
    fitsKey: (key) =>
      key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_MODULUS_BITS,
    verify: (input, signature, key) => {
      // RFC 8017 8.2.2 step 1: the signature is exactly as long as the modulus; a shorter spelling is refused too.
      const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
      if (signature.length !== modulusBytes) return false;
      return verify('sha256', input, key, signature);
    },
    // RFC 7518 3.3: RSASSA-PKCS1-v1_5, node:crypto's default padding for an RSA key.
    sign: (input, key) => sign('sha256', input, key),
  },
};

/** Narrows an untrusted `alg` value to one we implement (an own property, so `__proto__` and friends miss). */
export function isSigningAlgorithm(alg: unknown): alg is SigningAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg);
}

export function algorithmEntry(alg: SigningAlgorithm): AlgorithmEntry {
  return ALGORITHMS[alg];
}
