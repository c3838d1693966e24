/** How the client authenticates to the token endpoint (RFC 6749 2.3), or identifies itself when it cannot (2.2). */

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface ClientIdentity {
  clientId: string | undefined;
  clientSecret: string | undefined;
  method: ClientAuthMethod;
}

/** RFC 6749 2.3.1: id and secret are application/x-www-form-urlencoded before they are joined for Basic. */
function formUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Adds the client's authentication to a token request's headers and form parameters. */
export function authenticateClient(
  identity: ClientIdentity,
  headers: Headers,
  params: Record<string, string | readonly string[]>,
): void {
  const { clientId, clientSecret, method } = identity;
  if (clientId === undefined) return;
  if (method === 'client_secret_basic' && clientSecret !== undefined) {
    // The encoded form is ASCII, so btoa is safe.
    headers.set('authorization', `Basic ${btoa(`${formUrlEncode(clientId)}:${formUrlEncode(clientSecret)}`)}`);
    return;
  }
  params.client_id = clientId;
  if (method === 'client_secret_post' && clientSecret !== undefined) params.client_secret = clientSecret;
}
