/** base64url without padding (RFC 4648 5, as JOSE and PKCE use it), on what both Node 20 and browsers have. */

const encoder = new TextEncoder();

export function base64url(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `byteLength` bytes from the platform CSPRNG, base64url-encoded: state, PKCE verifiers, DPoP jti. */
export function randomBase64url(byteLength: number): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(byteLength)));
}

/** base64url(SHA-256(text)): the PKCE S256 challenge (RFC 7636 4.2) and the DPoP `ath` (RFC 9449 4.2). */
export async function sha256Base64url(text: string): Promise<string> {
  return base64url(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text))));
}
