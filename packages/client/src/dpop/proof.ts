/**
 * DPoP proofs (RFC 9449 4): a JWS per request, signed with the client's key, bound to the method and the URL and,
 * towards an API, to the access token. WebCrypto's ECDSA signature is already r || s, the JWS form (RFC 7518 3.4).
 */
import { base64url, randomBase64url, sha256Base64url } from '../lib/base64url.js';
import { type DpopKey, dpopKeyFrom } from './key.js';

export interface ProofInput {
  /** The request's method (RFC 9449 4.2 `htm`). */
  method: string;
  /** The request's URL; query and fragment are dropped for `htu` (RFC 9449 4.2). */
  url: string;
  /** For a request to an API: the access token, hashed into `ath` (RFC 9449 4.2). */
  accessToken?: string | undefined;
  /** The server's latest `DPoP-Nonce` (RFC 9449 8, 9). */
  nonce?: string | undefined;
  /** Milliseconds since the epoch, for `iat`. */
  nowMs: number;
}

/** RFC 9449 4.3 point 9: `htu` is compared without query and fragment, so they are left out. */
export function htuOf(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

export async function createDpopProof(key: DpopKey, input: ProofInput): Promise<string> {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk };
  const payload: Record<string, string | number> = {
    // 96 random bits make a jti collision as unlikely as RFC 9449 4.2 asks.
    jti: randomBase64url(16),
    htm: input.method.toUpperCase(),
    htu: htuOf(input.url),
    iat: Math.floor(input.nowMs / 1000),
  };
  if (input.accessToken !== undefined) payload.ath = await sha256Base64url(input.accessToken);
  if (input.nonce !== undefined) payload.nonce = input.nonce;
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = await globalThis.crypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key.privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}

/**
 * A proof for a request this library does not send itself (another HTTP client, a WebSocket handshake): for `url`
 * and `method`, made with `pair` (from generateDpopKeyPair), bound to `accessToken` when it goes to an API.
 */
export async function dpopProof(
  pair: CryptoKeyPair,
  request: { method: string; url: string; accessToken?: string; nonce?: string },
): Promise<string> {
  return createDpopProof(await dpopKeyFrom(pair), { ...request, nowMs: Date.now() });
}
