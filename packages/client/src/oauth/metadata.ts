/**
 * Authorization server metadata (RFC 8414): where the endpoints are and what the server supports. Read from
 * `/.well-known/oauth-authorization-server`, else OpenID Connect's `/.well-known/openid-configuration`; the
 * `issuer` inside must be exactly the one configured (RFC 8414 3.3), or an attacker's document could redirect
 * the client's tokens.
 */
import { ClientError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-like.js';

export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint?: string;
  authorization_endpoint?: string;
  revocation_endpoint?: string;
  /** RFC 9449 5.1: present when the server accepts DPoP proofs. */
  dpop_signing_alg_values_supported?: readonly string[];
  /** RFC 9207 3: the server puts `iss` in every authorization response. */
  authorization_response_iss_parameter_supported?: boolean;
  code_challenge_methods_supported?: readonly string[];
  [other: string]: unknown;
}

/** RFC 8414 3.1: the well-known segment goes between the host and the issuer's path. */
function wellKnownUrl(issuer: string, suffix: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/${suffix}${path}`;
}

/** OpenID Connect Discovery 4: the well-known segment is appended to the issuer instead. */
function openIdConfigurationUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

async function fetchMetadata(fetchImpl: FetchLike, url: string): Promise<unknown | undefined> {
  const response = await fetchImpl(url, { headers: { accept: 'application/json' } });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ClientError('ERR_RESPONSE_INVALID', `The metadata request answered ${response.status}`);
  }
  return response.json().catch(() => {
    throw new ClientError('ERR_RESPONSE_INVALID', 'The metadata is not JSON');
  });
}

/**
 * The RFC 8414 document, else the OpenID one. A failure of the first counts as its absence: in a browser, a server
 * without it answers 404 without CORS headers, which fetch reports as a network error rather than a 404.
 */
async function firstMetadata(fetchImpl: FetchLike, issuer: string): Promise<unknown | undefined> {
  let firstFailure: unknown;
  try {
    const body = await fetchMetadata(fetchImpl, wellKnownUrl(issuer, 'oauth-authorization-server'));
    if (body !== undefined) return body;
  } catch (error) {
    firstFailure = error;
  }
  try {
    return await fetchMetadata(fetchImpl, openIdConfigurationUrl(issuer));
  } catch (error) {
    throw firstFailure ?? error;
  }
}

export async function discoverMetadata(fetchImpl: FetchLike, issuer: string): Promise<AuthorizationServerMetadata> {
  const body = await firstMetadata(fetchImpl, issuer);
  if (body === undefined) throw new ClientError('ERR_RESPONSE_INVALID', `No metadata found for the issuer ${issuer}`);
  if (typeof body !== 'object' || body === null || (body as { issuer?: unknown }).issuer !== issuer) {
    throw new ClientError('ERR_ISSUER_MISMATCH', `The metadata does not name the issuer ${issuer}`);
  }
  return body as AuthorizationServerMetadata;
}

/** The endpoint the metadata names, or a ClientError saying which one is missing. */
export function endpointOf(
  metadata: AuthorizationServerMetadata,
  name: 'token_endpoint' | 'authorization_endpoint' | 'revocation_endpoint',
): string {
  const value = metadata[name];
  if (typeof value !== 'string' || !URL.canParse(value)) {
    throw new ClientError('ERR_RESPONSE_INVALID', `The authorization server's metadata names no ${name}`);
  }
  return value;
}

/** DPoP with ES256, the one algorithm this client signs with, is on offer (RFC 9449 5.1). */
export function offersDpop(metadata: AuthorizationServerMetadata): boolean {
  const algorithms = metadata.dpop_signing_alg_values_supported;
  return Array.isArray(algorithms) && algorithms.includes('ES256');
}
