/**
 * The authorization code flow with PKCE over HTTP (issue 13 §1), without a browser: the sign-in page is read and
 * posted back as a browser would, the code exchanged with oauth4webapi. The browser's view is in
 * authorization-code-browser.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addCodeClient,
  authorizeUrl,
  type CodeClient,
  exchangeCode,
  openSignIn,
  pkce,
  redirectedTo,
  submitSignIn,
  validatedCallback,
} from './support/code-flow.js';
import { postForm } from './support/http.js';
import { discover, oauth } from './support/oauth.js';
import { type StandardSeed, seedStandard, USER_API } from './support/seed.js';
import { assertActive, assertInactive } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const CALLBACK = 'https://app.example/callback';

describe('authorization code flow over HTTP', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let as: oauth.AuthorizationServer;
  let web: CodeClient;
  let confidential: CodeClient;
  let partner: CodeClient;

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    as = await discover(server.url);
    [web, confidential, partner] = await Promise.all([
      addCodeClient(server, 'web', { public: true, scopes: ['read:data', 'write:data'], redirectUris: [CALLBACK] }),
      addCodeClient(server, 'portal', { scopes: ['read:data'], redirectUris: [CALLBACK] }),
      addCodeClient(server, 'partner', { thirdParty: true, scopes: ['read:data'], redirectUris: [CALLBACK] }),
    ]);
  });
  after(() => server?.stop());

  /** Signs alice in for `client` and returns the code's callback parameters, validated by oauth4webapi. */
  async function signedIn(client: CodeClient, challenge: string, extra: Record<string, string> = {}) {
    const state = oauth.generateRandomState();
    const params = { client_id: client.clientId, redirect_uri: CALLBACK, code_challenge: challenge, state, ...extra };
    const page = await openSignIn(authorizeUrl(server.url, params));
    assert.equal(page.result.status, 200, page.result.text.slice(0, 400));
    const answer = await submitSignIn(server.url, page, seed.user);
    redirectedTo(answer, CALLBACK);
    return validatedCallback(as, client, answer.headers.get('location') ?? '', state);
  }

  it('advertises the code flow with PKCE S256 and RFC 9207 iss in its metadata', () => {
    assert.equal(as.authorization_endpoint, `${server.url}/authorize`);
    assert.deepEqual(as.response_types_supported, ['code']);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.equal(as.authorization_response_iss_parameter_supported, true);
    assert.ok(as.grant_types_supported?.includes('authorization_code'));
  });

  it('issues an access and a refresh token to a public client that proves its PKCE verifier', async () => {
    const { verifier, challenge } = await pkce();
    const callback = await signedIn(web, challenge, { scope: 'read:data' });
    assert.match(callback.get('code') ?? '', /^tgc_/);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      { client_id: web.clientId },
      await exchangeCode(as, web, callback, CALLBACK, verifier),
    );
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'read:data');
    assert.match(tokens.refresh_token ?? '', /^tgr_/);
    const claims = await assertActive(server.url, seed.backend, tokens.access_token, 'the code-flow access token');
    assert.equal(claims.username, seed.user.username);
    assert.equal(claims.client_id, web.clientId);
    assert.equal(claims.aud, USER_API);
    const refreshed = await postForm(`${server.url}/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
      client_id: web.clientId,
    });
    assert.equal(refreshed.status, 200, refreshed.text);
  });

  it('lets a confidential client use the code flow with its secret', async () => {
    const { verifier, challenge } = await pkce();
    const callback = await signedIn(confidential, challenge);
    const response = await exchangeCode(as, confidential, callback, CALLBACK, verifier);
    assert.equal(response.status, 200);
    const publicAttempt = await exchangeCode(
      as,
      { clientId: confidential.clientId, clientSecret: undefined },
      callback,
      CALLBACK,
      verifier,
    );
    assert.equal(publicAttempt.status, 401, 'a confidential client must authenticate');
  });

  it('refuses a wrong code_verifier, a changed redirect_uri and another client with invalid_grant', async () => {
    const { verifier, challenge } = await pkce();
    const callback = await signedIn(web, challenge);
    const wrong = await exchangeCode(as, web, callback, CALLBACK, oauth.generateRandomCodeVerifier());
    assert.deepEqual(await errorOf(wrong), ['invalid_grant', 'The code_verifier does not match (PKCE)']);
    const moved = await exchangeCode(as, web, callback, 'https://app.example/other', verifier);
    assert.deepEqual(await errorOf(moved), [
      'invalid_grant',
      'The redirect_uri differs from the authorization request',
    ]);
    const stolen = await exchangeCode(as, confidential, callback, CALLBACK, verifier);
    assert.deepEqual(await errorOf(stolen), ['invalid_grant', 'The authorization code was issued to another client']);
    const missing = await postForm(`${server.url}/token`, {
      grant_type: 'authorization_code',
      code: callback.get('code') ?? '',
      redirect_uri: CALLBACK,
      client_id: web.clientId,
    });
    assert.deepEqual([missing.status, (missing.json as { error: string }).error], [400, 'invalid_request']);
    // None of these used the code up: the right verifier still redeems it.
    assert.equal((await exchangeCode(as, web, callback, CALLBACK, verifier)).status, 200);
  });

  it('refuses a replayed code and revokes the access and refresh tokens its first use issued', async () => {
    const { verifier, challenge } = await pkce();
    const callback = await signedIn(web, challenge);
    const first = (await (await exchangeCode(as, web, callback, CALLBACK, verifier)).json()) as Record<string, string>;
    await assertActive(server.url, seed.backend, first.access_token ?? '', 'the first access token');
    const replay = await exchangeCode(as, web, callback, CALLBACK, verifier);
    assert.deepEqual(await errorOf(replay), [
      'invalid_grant',
      'The authorization code was already used; every token issued from it has been revoked',
    ]);
    await assertInactive(server.url, seed.backend, first.access_token ?? '', 'the access token of a replayed code');
    const refreshed = await postForm(`${server.url}/token`, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token ?? '',
      client_id: web.clientId,
    });
    assert.deepEqual([refreshed.status, (refreshed.json as { error: string }).error], [400, 'invalid_grant']);
  });

  it('refuses an unknown code without saying more', async () => {
    const callback = new URLSearchParams({ code: 'tgc_not-a-code' });
    const response = await postForm(`${server.url}/token`, {
      grant_type: 'authorization_code',
      code: callback.get('code') ?? '',
      redirect_uri: CALLBACK,
      code_verifier: oauth.generateRandomCodeVerifier(),
      client_id: web.clientId,
    });
    assert.deepEqual(
      [response.status, response.json],
      [400, { error: 'invalid_grant', error_description: 'The authorization code is invalid or expired' }],
    );
  });

  it('shows an error page, and never redirects, for an unknown client or an unregistered redirect URI', async () => {
    const { challenge } = await pkce();
    for (const [params, description] of [
      [
        { client_id: web.clientId, redirect_uri: 'https://evil.example/callback' },
        'The redirect_uri is not registered for this client',
      ],
      [{ client_id: web.clientId, redirect_uri: `${CALLBACK}/` }, 'The redirect_uri is not registered for this client'],
      [{ client_id: 'cl_unknown', redirect_uri: CALLBACK }, 'The client_id names no registered client'],
      [{ client_id: web.clientId }, 'The redirect_uri parameter is required'],
    ] as const) {
      const page = await openSignIn(authorizeUrl(server.url, { ...params, code_challenge: challenge, state: 's' }));
      assert.equal(page.result.status, 400, JSON.stringify(params));
      assert.equal(page.result.headers.get('location'), null);
      assert.match(page.result.headers.get('content-type') ?? '', /^text\/html/);
      assert.ok(page.result.text.includes(description), `${description} in ${page.result.text}`);
    }
  });

  it('sends the other request errors back to the client with state and iss', async () => {
    const { challenge } = await pkce();
    const base = { client_id: web.clientId, redirect_uri: CALLBACK, state: 'xyz' };
    for (const [params, error] of [
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: challenge, response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge: challenge, scope: 'admin:write' }, 'invalid_scope'],
      [{ code_challenge: challenge, resource: 'https://unknown.example' }, 'invalid_target'],
    ] as const) {
      const page = await openSignIn(authorizeUrl(server.url, { ...base, ...params }));
      const answer = redirectedTo(page.result, CALLBACK);
      assert.equal(answer.get('error'), error, JSON.stringify(params));
      assert.equal(answer.get('state'), 'xyz');
      assert.equal(answer.get('iss'), server.url);
    }
  });

  it('refuses a sign-in form without its CSRF cookie or from another origin (login CSRF)', async () => {
    const { challenge } = await pkce();
    const page = await openSignIn(
      authorizeUrl(server.url, { client_id: web.clientId, redirect_uri: CALLBACK, code_challenge: challenge }),
    );
    for (const forged of [
      { ...seed.user, cookie: null },
      { ...seed.user, origin: 'https://evil.example' },
      { ...seed.user, fields: { csrf_token: 'A'.repeat(43) } },
    ]) {
      const answer = await submitSignIn(server.url, page, forged);
      assert.equal(answer.status, 403, JSON.stringify(forged));
      assert.equal(answer.headers.get('location'), null);
    }
  });

  it('answers a wrong password with the form again, and no redirect', async () => {
    const { challenge } = await pkce();
    const page = await openSignIn(
      authorizeUrl(server.url, { client_id: web.clientId, redirect_uri: CALLBACK, code_challenge: challenge }),
    );
    const answer = await submitSignIn(server.url, page, { username: seed.user.username, password: 'wrong password' });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('location'), null);
    assert.match(answer.text, /Invalid username or password/);
    assert.match(answer.text, /name="password"/);
  });

  it('serves the page with no-store, a script-free CSP and no framing', async () => {
    const { challenge } = await pkce();
    const page = await openSignIn(
      authorizeUrl(server.url, { client_id: web.clientId, redirect_uri: CALLBACK, code_challenge: challenge }),
    );
    const headers = page.result.headers;
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(headers.get('x-frame-options'), 'DENY');
    assert.equal(headers.get('referrer-policy'), 'same-origin');
    assert.match(
      headers.get('content-security-policy') ?? '',
      /^default-src 'none'; style-src 'sha256-[^']+'; frame-ancestors 'none'/,
    );
    assert.match(page.cookie, /^__Host-tollgate_authorize=[\w-]{43}$/);
    assert.match(headers.get('set-cookie') ?? '', /; HttpOnly; Secure; SameSite=Strict/);
    assert.doesNotMatch(page.result.text, /<script/i);
  });

  it('shows a third-party client a consent screen naming the API and scopes, and honours a refusal', async () => {
    const { challenge } = await pkce();
    const params = { client_id: partner.clientId, redirect_uri: CALLBACK, code_challenge: challenge, state: 'p' };
    const page = await openSignIn(authorizeUrl(server.url, params));
    assert.match(page.result.text, /Allow partner\?/);
    assert.ok(page.result.text.includes(`<code>${USER_API}</code>`));
    assert.ok(page.result.text.includes('<li><code>read:data</code></li>'));
    const denied = redirectedTo(await submitSignIn(server.url, page, { decision: 'deny' }), CALLBACK);
    assert.deepEqual([denied.get('error'), denied.get('state')], ['access_denied', 'p']);
    const firstParty = await openSignIn(authorizeUrl(server.url, { ...params, client_id: web.clientId }));
    assert.doesNotMatch(firstParty.result.text, /Deny|wants to act/);
  });

  it('accepts a loopback redirect URI on any port for a native app (RFC 8252 7.3)', async () => {
    const native = await addCodeClient(server, 'cli-app', {
      public: true,
      scopes: ['read:data'],
      redirectUris: ['http://127.0.0.1/callback'],
    });
    const { verifier, challenge } = await pkce();
    const redirectUri = 'http://127.0.0.1:49152/callback';
    const page = await openSignIn(
      authorizeUrl(server.url, { client_id: native.clientId, redirect_uri: redirectUri, code_challenge: challenge }),
    );
    const answer = await submitSignIn(server.url, page, seed.user);
    redirectedTo(answer, redirectUri);
    const callback = validatedCallback(as, native, answer.headers.get('location') ?? '', undefined);
    assert.equal((await exchangeCode(as, native, callback, redirectUri, verifier)).status, 200);
    const otherPath = await openSignIn(
      authorizeUrl(server.url, {
        client_id: native.clientId,
        redirect_uri: 'http://127.0.0.1:49152/other',
        code_challenge: challenge,
      }),
    );
    assert.equal(otherPath.result.status, 400);
  });
});

async function errorOf(response: Response): Promise<[string, string]> {
  const body = (await response.json()) as { error: string; error_description: string };
  return [body.error, body.error_description];
}
