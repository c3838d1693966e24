/**
 * Requests to the token endpoint (RFC 6749 3.2): form-encoded grants with client authentication, or Tollgate's
 * JSON login; a DPoP proof on each when DPoP is on (RFC 9449 5), and one retry when the server asks for a nonce
 * (RFC 9449 8). Errors come back as OAuthError (RFC 6749 5.2), unusable answers as ClientError.
 */
import type { DpopSigner } from '../dpop/signer.js';
import { ClientError, OAuthError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-like.js';
import { authenticateClient, type ClientIdentity } from './client-auth.js';
import { type TokenSet, tokenSetFrom } from './token-set.js';

export interface EndpointContext {
  fetch: FetchLike;
  client: ClientIdentity;
  dpop: DpopSigner | undefined;
  now: () => number;
}

/** Form parameters; a list is sent as the parameter repeated (RFC 8707 2: several `resource`s). */
export type FormParams = Record<string, string | readonly string[]>;

export type TokenRequestBody =
  | { form: FormParams; authenticate: boolean }
  /** Tollgate's simple login (`{"username", "password"}` and no grant_type): JSON and no client authentication. */
  | { json: Record<string, string> };

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The OAuth error in a response body (RFC 6749 5.2), or undefined when the body is not one. */
export function oauthErrorOf(body: unknown, response: Response): OAuthError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, error_description: description } = body as Record<string, unknown>;
  if (typeof error !== 'string' || error === '') return undefined;
  return new OAuthError({
    error,
    errorDescription: typeof description === 'string' ? description : undefined,
    status: response.status,
    response,
  });
}

function requestOf(context: EndpointContext, body: TokenRequestBody): { headers: Headers; body: string } {
  const headers = new Headers({ accept: 'application/json' });
  if ('json' in body) {
    headers.set('content-type', 'application/json');
    return { headers, body: JSON.stringify(body.json) };
  }
  const params: FormParams = { ...body.form };
  if (body.authenticate) authenticateClient(context.client, headers, params);
  headers.set('content-type', 'application/x-www-form-urlencoded');
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of typeof value === 'string' ? [value] : value) form.append(name, item);
  }
  return { headers, body: form.toString() };
}

/** One POST, with a fresh proof (and the latest nonce) when DPoP is on. */
async function post(context: EndpointContext, url: string, body: TokenRequestBody): Promise<Response> {
  const request = requestOf(context, body);
  if (context.dpop !== undefined) request.headers.set('dpop', await context.dpop.proof('POST', url));
  const response = await context.fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  context.dpop?.nonces.remember(url, response.headers.get('dpop-nonce'));
  return response;
}

/**
 * POSTs to an OAuth endpoint and returns the 2xx response's JSON, retrying once when the server asks for a DPoP
 * nonce (RFC 9449 8: 400 `use_dpop_nonce` with a `DPoP-Nonce` header).
 */
export async function postToEndpoint(context: EndpointContext, url: string, body: TokenRequestBody): Promise<unknown> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await post(context, url, body);
    const json = await readJson(response);
    if (response.ok) return json;
    const error = oauthErrorOf(json, response);
    const retry = error?.error === 'use_dpop_nonce' && context.dpop !== undefined && attempt === 1;
    if (retry && response.headers.has('dpop-nonce')) continue;
    if (error !== undefined) throw error;
    throw new ClientError('ERR_RESPONSE_INVALID', `${new URL(url).pathname} answered ${response.status}`);
  }
}

export async function requestTokens(context: EndpointContext, url: string, body: TokenRequestBody): Promise<TokenSet> {
  const json = await postToEndpoint(context, url, body);
  const tokens = tokenSetFrom(json, context.now());
  // RFC 9449 5: a DPoP token is useless without the key that proves possession; one we did not ask for is refused.
  if (tokens.tokenType === 'DPoP' && context.dpop === undefined) {
    throw new ClientError('ERR_RESPONSE_INVALID', 'The server issued a DPoP token to a request without a proof');
  }
  return tokens;
}
