/**
 * The authorization code flow over plain HTTP, the way a browser walks it: the sign-in page (its CSRF token and
 * cookie read from the answer), the form posted back with that cookie, and the 303 that follows. Clients are added
 * through the real CLI; PKCE and the token request are oauth4webapi's.
 */
import assert from 'node:assert/strict';
import { type HttpResult, request } from './http.js';
import { insecure, oauth } from './oauth.js';
import { cliJson } from './seed.js';
import type { TollgateProcess } from './tollgate.js';

export interface CodeClientSpec {
  scopes: readonly string[];
  redirectUris: readonly string[];
  public?: boolean;
  thirdParty?: boolean;
  grants?: readonly string[];
}

export interface CodeClient {
  clientId: string;
  /** Undefined for a public client. */
  clientSecret: string | undefined;
}

export async function addCodeClient(server: TollgateProcess, name: string, spec: CodeClientSpec): Promise<CodeClient> {
  const args = ['clients', 'add', name, '--scopes', spec.scopes.join(' ')];
  for (const uri of spec.redirectUris) args.push('--redirect-uri', uri);
  if (spec.public) args.push('--public');
  if (spec.thirdParty) args.push('--third-party');
  if (spec.grants !== undefined) args.push('--grants', spec.grants.join(' '));
  const created = (await cliJson(server, args)) as { client_id: string; client_secret: string | null };
  return { clientId: created.client_id, clientSecret: created.client_secret ?? undefined };
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export async function pkce(): Promise<Pkce> {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
}

/** The authorization request URL (RFC 6749 4.1.1) with PKCE S256; `undefined` values are left out. */
export function authorizeUrl(issuer: string, params: Record<string, string | undefined>): string {
  const url = new URL('/authorize', issuer);
  for (const [name, value] of Object.entries({ response_type: 'code', code_challenge_method: 'S256', ...params })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.href;
}

export interface SignInPage {
  result: HttpResult;
  /** The hidden fields of the form, as the browser would send them back. */
  fields: Array<[string, string]>;
  /** The `name=value` of the CSRF cookie the page set. */
  cookie: string;
}

export async function openSignIn(url: string, fetchImpl: typeof fetch = fetch): Promise<SignInPage> {
  const response = await fetchImpl(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  const result: HttpResult = { status: response.status, headers: response.headers, text, json: undefined };
  const fields = [...text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
    ([, name, value]) => [unescapeHtml(name ?? ''), unescapeHtml(value ?? '')] as [string, string],
  );
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { result, fields, cookie };
}

function unescapeHtml(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

export interface Submission {
  username?: string;
  password?: string;
  decision?: 'allow' | 'deny';
  /** Sent as the Origin header; the server's own origin unless given. */
  origin?: string | null;
  cookie?: string | null;
  /** Replaces or adds form fields. */
  fields?: Record<string, string>;
}

/** Posts the sign-in form back, without following the redirect. */
export async function submitSignIn(issuer: string, page: SignInPage, submission: Submission): Promise<HttpResult> {
  const form = new URLSearchParams(page.fields.filter(([name]) => !(name in (submission.fields ?? {}))));
  for (const [name, value] of Object.entries(submission.fields ?? {})) form.append(name, value);
  if (submission.username !== undefined) form.append('username', submission.username);
  if (submission.password !== undefined) form.append('password', submission.password);
  form.append('decision', submission.decision ?? 'allow');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const origin = submission.origin === undefined ? new URL(issuer).origin : submission.origin;
  if (origin !== null) headers.origin = origin;
  const cookie = submission.cookie === undefined ? page.cookie : submission.cookie;
  if (cookie !== null) headers.cookie = cookie;
  const response = await fetch(new URL('/authorize', issuer), {
    method: 'POST',
    headers,
    body: form.toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, headers: response.headers, text: await response.text(), json: undefined };
}

/** The parameters of a 303 to the client's redirect URI. */
export function redirectedTo(result: HttpResult, redirectUri: string): URLSearchParams {
  assert.equal(result.status, 303, `expected a redirect, got ${result.status}: ${result.text.slice(0, 400)}`);
  const location = new URL(result.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, redirectUri.replace(/\?.*$/, ''));
  return location.searchParams;
}

/** oauth4webapi's view of a client: None auth for a public one, client_secret_basic otherwise. */
export function clientAuth(client: CodeClient): [oauth.Client, oauth.ClientAuth] {
  return [
    { client_id: client.clientId },
    client.clientSecret === undefined ? oauth.None() : oauth.ClientSecretBasic(client.clientSecret),
  ];
}

/** The authorization response as oauth4webapi checks it (state, RFC 9207 iss, error), ready for `exchangeCode`. */
export function validatedCallback(
  as: oauth.AuthorizationServer,
  client: CodeClient,
  location: string | URL,
  state: string | undefined,
): URLSearchParams {
  return oauth.validateAuthResponse(
    as,
    { client_id: client.clientId },
    new URL(location),
    state ?? oauth.expectNoState,
  );
}

/** Exchanges a code (RFC 6749 4.1.3) with oauth4webapi and returns the raw answer. */
export function exchangeCode(
  as: oauth.AuthorizationServer,
  client: CodeClient,
  callback: URLSearchParams,
  redirectUri: string,
  verifier: string,
): Promise<Response> {
  const [oauthClient, auth] = clientAuth(client);
  return oauth.authorizationCodeGrantRequest(as, oauthClient, auth, callback, redirectUri, verifier, insecure);
}

export { request };
