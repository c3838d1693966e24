/** Short-hands for the token, introspection and revocation endpoints over plain HTTP. */
import assert from 'node:assert/strict';
import {
  asObject,
  assertTokenResponse,
  type ClientCredentials,
  type HttpResult,
  postForm,
  postJson,
  type TokenBody,
} from './http.js';

/** The seed's simple login: a JSON `{username, password}` and nothing else. */
export async function jsonLogin(issuer: string, username: string, password: string): Promise<TokenBody> {
  return assertTokenResponse(await postJson(`${issuer}/token`, { username, password }));
}

export async function passwordToken(
  issuer: string,
  client: ClientCredentials,
  user: { username: string; password: string },
  extra: Record<string, string> = {},
): Promise<TokenBody> {
  const params = { grant_type: 'password', username: user.username, password: user.password, ...extra };
  return assertTokenResponse(await postForm(`${issuer}/token`, params, { basic: client }));
}

export async function clientCredentialsToken(
  issuer: string,
  client: ClientCredentials,
  extra: Record<string, string> = {},
): Promise<TokenBody> {
  return assertTokenResponse(
    await postForm(`${issuer}/token`, { grant_type: 'client_credentials', ...extra }, { basic: client }),
  );
}

/** Without `client`, the refresh is sent as the public login client would: no client authentication. */
export function refreshRequest(issuer: string, refreshToken: string, client?: ClientCredentials): Promise<HttpResult> {
  const params = { grant_type: 'refresh_token', refresh_token: refreshToken };
  return postForm(`${issuer}/token`, params, client ? { basic: client } : {});
}

export async function introspect(
  issuer: string,
  client: ClientCredentials,
  token: string,
): Promise<Record<string, unknown>> {
  const result = await postForm(`${issuer}/introspect`, { token }, { basic: client });
  assert.equal(result.status, 200, `introspection: status ${result.status}, body ${result.text.slice(0, 300)}`);
  return asObject(result.json, 'introspection response');
}

export async function assertInactive(
  issuer: string,
  client: ClientCredentials,
  token: string,
  what: string,
): Promise<void> {
  assert.deepEqual(
    await introspect(issuer, client, token),
    { active: false },
    `${what} should introspect as exactly {"active": false}`,
  );
}

export async function assertActive(
  issuer: string,
  client: ClientCredentials,
  token: string,
  what: string,
): Promise<Record<string, unknown>> {
  const body = await introspect(issuer, client, token);
  assert.equal(body.active, true, `${what} should be active; introspection said ${JSON.stringify(body)}`);
  return body;
}

/** Without `client`, revokes as the public login client does on sign-out (RFC 7009 5): no authentication. */
export async function revoke(
  issuer: string,
  client: ClientCredentials | undefined,
  token: string,
  hint?: string,
): Promise<void> {
  const params: Record<string, string> = { token };
  if (hint !== undefined) params.token_type_hint = hint;
  const result = await postForm(`${issuer}/revoke`, params, client ? { basic: client } : {});
  assert.equal(result.status, 200, `revocation: status ${result.status}, body ${result.text.slice(0, 300)}`);
}
