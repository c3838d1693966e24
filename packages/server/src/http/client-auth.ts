/**
 * Client credentials as the transport carries them (RFC 6749 2.3.1): HTTP Basic (`client_secret_basic`)
 * or `client_id`/`client_secret` body parameters (`client_secret_post`). Only decoding happens here;
 * checking the secret is the core's job.
 */
import { InvalidClient, InvalidRequest, type PresentedClient } from '@tollgate/core';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * RFC 6749 2.3.1: the client id and secret are form-urlencoded (Appendix B), joined with `:`, and
 * base64-encoded. So `%3A` in either part is a literal colon and `+` is a space.
 */
export function decodeBasicCredentials(header: string): { clientId: string; clientSecret: string } {
  const match = /^basic +(\S+) *$/i.exec(header);
  if (match === null) throw malformedBasic('the Authorization header must use the Basic scheme');
  const encoded = match[1] as string;
  if (!BASE64.test(encoded)) throw malformedBasic('the Basic credentials are not valid base64');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformedBasic('the Basic credentials must be client_id:client_secret');
  const clientId = formUrlDecode(decoded.slice(0, colon));
  const clientSecret = formUrlDecode(decoded.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) {
    throw malformedBasic('the Basic credentials are not correctly form-urlencoded');
  }
  if (clientId === '') throw malformedBasic('the Basic credentials name no client');
  if (`${clientId}${clientSecret}`.includes('\u0000'))
    throw malformedBasic('the Basic credentials contain a NUL character');
  return { clientId, clientSecret };
}

function formUrlDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function malformedBasic(reason: string): InvalidClient {
  return new InvalidClient(`Client authentication failed: ${reason}`);
}

/**
 * Separates the client credentials from the other parameters. Using two methods at once is refused
 * (RFC 6749 2.3: "MUST NOT use more than one authentication method in each request"); a body
 * `client_id` that repeats the Basic one is tolerated, since several client libraries send it.
 */
export function presentedClient(
  authorization: string | undefined,
  params: ReadonlyMap<string, string>,
): { client: PresentedClient; params: Map<string, string> } {
  const rest = new Map(params);
  const bodyId = rest.get('client_id');
  const bodySecret = rest.get('client_secret');
  rest.delete('client_id');
  rest.delete('client_secret');

  if (authorization !== undefined && authorization !== '') {
    const { clientId, clientSecret } = decodeBasicCredentials(authorization);
    if (bodySecret !== undefined || (bodyId !== undefined && bodyId !== clientId)) {
      throw new InvalidRequest('Use only one client authentication method: HTTP Basic or client_secret in the body');
    }
    return { client: { method: 'client_secret_basic', clientId, clientSecret }, params: rest };
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) throw new InvalidRequest('client_secret was sent without client_id');
    return { client: { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret }, params: rest };
  }
  const client: PresentedClient = bodyId === undefined ? { method: 'none' } : { method: 'none', clientId: bodyId };
  return { client, params: rest };
}
