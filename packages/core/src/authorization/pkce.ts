/** RFC 7636, S256 only: plain would hand the verifier to anyone who sees the authorization request. */
import { constantTimeEqual, sha256Base64url } from '../crypto/index.js';

/** RFC 7636 4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** RFC 7636 4.2: base64url of a SHA-256 digest, 43 characters without padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isS256Challenge(value: string): boolean {
  return S256_CHALLENGE.test(value);
}

/** RFC 7636 4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
export function verifierMatches(challenge: string, verifier: string): boolean {
  if (!VERIFIER.test(verifier)) return false;
  return constantTimeEqual(sha256Base64url(verifier), challenge);
}

/** RFC 7636 4.2: the S256 challenge of a verifier, for a client of our own (the dashboard's sign-in). */
export function s256Challenge(verifier: string): string {
  return sha256Base64url(verifier);
}
