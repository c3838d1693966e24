/**
 * RFC 8414 discovery: the one fetch of the issuer's metadata, and the endpoints the SDK uses from it. Fetched once by
 * the key store (with the JWKS); the API-token path and the usage reporter read the same document.
 */
import { METADATA_EXTENSIONS } from '@tollgate/jwt';
import { FetchError, fetchJsonObject, type HttpOptions } from './http.js';

/** RFC 8414 3: the metadata document's well-known path. */
export const METADATA_PATH = '/.well-known/oauth-authorization-server';

/** The endpoints the SDK needs. Only `jwksUri` is required; the others exist on Tollgate servers with API tokens. */
export interface IssuerEndpoints {
  jwksUri: string;
  /** RFC 7662 introspection (`introspection_endpoint`): how API tokens are checked. */
  introspectionEndpoint: string | undefined;
  /** Tollgate extension `api_token_usage_endpoint`: where API-token uses are reported. */
  apiTokenUsageEndpoint: string | undefined;
  /** Tollgate extension `api_token_credits_endpoint`: where an API token's credits are consumed. */
  apiTokenCreditsEndpoint: string | undefined;
  /** Tollgate extension `revocation_stream_endpoint`: the server-sent events of revocations. */
  revocationStreamEndpoint: string | undefined;
}

/** `<issuer>/.well-known/oauth-authorization-server`, as Tollgate serves it for an issuer with or without a path. */
export function metadataUrl(issuer: string): string {
  return issuer.replace(/\/+$/, '') + METADATA_PATH;
}

/**
 * Why an endpoint URL from the metadata is unusable, or undefined when it is fine. An https issuer must not send us to
 * plain http: the JWKS would be open to substitution, and introspection and usage requests carry the client secret.
 */
function endpointProblem(value: unknown, name: string, issuer: string): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return `no valid ${name}`;
  const protocol = new URL(value).protocol;
  if (protocol !== 'https:' && (protocol !== 'http:' || new URL(issuer).protocol === 'https:')) {
    return `${name} must be an https URL`;
  }
  return undefined;
}

/** An optional endpoint: unusable counts as absent, so a bad extra member never stops JWT verification. */
function optionalEndpoint(metadata: Record<string, unknown>, name: string, issuer: string): string | undefined {
  const value = metadata[name];
  return endpointProblem(value, name, issuer) === undefined ? (value as string) : undefined;
}

/** RFC 8414 3.3: the metadata must name exactly our issuer, or it could hand us another issuer's keys. */
export async function discoverEndpoints(issuer: string, http: HttpOptions): Promise<IssuerEndpoints> {
  const url = metadataUrl(issuer);
  const metadata = await fetchJsonObject(url, http);
  if (metadata.issuer !== issuer) throw new FetchError(url, `the metadata issuer is not "${issuer}"`);
  const problem = endpointProblem(metadata.jwks_uri, 'jwks_uri', issuer);
  if (problem !== undefined) throw new FetchError(url, problem);
  return {
    jwksUri: metadata.jwks_uri as string,
    introspectionEndpoint: optionalEndpoint(metadata, 'introspection_endpoint', issuer),
    apiTokenUsageEndpoint: optionalEndpoint(metadata, METADATA_EXTENSIONS.apiTokenUsageEndpoint, issuer),
    apiTokenCreditsEndpoint: optionalEndpoint(metadata, METADATA_EXTENSIONS.apiTokenCreditsEndpoint, issuer),
    revocationStreamEndpoint: optionalEndpoint(metadata, METADATA_EXTENSIONS.revocationStreamEndpoint, issuer),
  };
}
