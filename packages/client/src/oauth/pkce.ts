/** PKCE (RFC 7636) with S256 only: `plain` would hand the verifier to anyone who sees the authorization request. */
import { randomBase64url, sha256Base64url } from '../lib/base64url.js';

/** 32 random bytes: a 43-character verifier, the minimum length and 256 bits of entropy (RFC 7636 4.1, 7.1). */
export function generateCodeVerifier(): string {
  return randomBase64url(32);
}

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function codeChallengeOf(verifier: string): Promise<string> {
  return sha256Base64url(verifier);
}

/** An unguessable `state` (RFC 6749 10.12), 128 bits. */
export function generateState(): string {
  return randomBase64url(16);
}
