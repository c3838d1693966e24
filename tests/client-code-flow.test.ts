/**
 * @tollgate/client's code flow and DPoP against a real authorization server. Tollgate serves neither yet, so the
 * cases run against oidc-provider (tests/support/oidc-peer.ts), with DPoP nonces required everywhere; they take
 * any CodeFlowServer, so the same cases can point at Tollgate once it serves them. The user at the browser is a
 * redirect-following stand-in (tests/support/user-agent.ts); the browser pages have their own test file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ClientError, createClient, InsufficientScopeError, OAuthError, type TollgateClient } from '@tollgate/client';
import { loginWithLoopback } from '@tollgate/client/loopback';
import { claimsOf } from './support/forge.js';
import { type OidcPeer, PEER_API, startOidcPeer } from './support/oidc-peer.js';
import { type RecordedRequest, type RecordingFetch, recordingFetch } from './support/recording-fetch.js';
import { followToRedirect } from './support/user-agent.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** Signs in through the loopback helper, the user agent following the URL and delivering the redirect. */
async function loopbackLogin(client: TollgateClient, options: { scope: string; resource?: string; prompt?: string }) {
  let authorizationUrl = '';
  const tokens = await loginWithLoopback(client, {
    scope: options.scope,
    resource: options.resource,
    extraParams: options.prompt === undefined ? {} : { prompt: options.prompt },
    timeoutMs: 15_000,
    onAuthorizationUrl: async (url) => {
      authorizationUrl = url;
      const redirectUri = new URL(url).searchParams.get('redirect_uri') as string;
      // A browser may ask the loopback server for other things first; they must not end the wait.
      assert.equal((await fetch(new URL('/favicon.ico', redirectUri))).status, 404);
      const callback = await followToRedirect(url, redirectUri);
      const page = await fetch(callback);
      assert.equal(page.status, 200);
      await page.text();
    },
  });
  return { tokens, authorizationUrl: new URL(authorizationUrl) };
}

function assertProof(request: RecordedRequest, expected: { method: string; url: string; accessToken?: string }) {
  assert.ok(request.dpop, `no DPoP proof on ${request.method} ${request.url}`);
  const { header, payload } = request.dpop;
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.alg, 'ES256');
  assert.deepEqual(Object.keys(header.jwk as object).sort(), ['crv', 'kty', 'x', 'y'], 'the public key only');
  assert.equal(payload.htm, expected.method);
  assert.equal(payload.htu, expected.url);
  assert.equal(typeof payload.jti, 'string');
  assert.ok(Number.isInteger(payload.iat));
  assert.equal(payload.ath, expected.accessToken === undefined ? undefined : sha256(expected.accessToken));
}

const servers = [{ name: 'oidc-provider', start: () => startOidcPeer() }];

for (const { name, start } of servers) {
  describe(`@tollgate/client code flow and DPoP against ${name}`, () => {
    let peer: OidcPeer;
    let recorder: RecordingFetch;
    const newClient = (options: { dpop?: boolean } = {}) => {
      recorder = recordingFetch();
      return createClient({ issuer: peer.issuer, clientId: peer.nativeClientId, fetch: recorder.fetch, ...options });
    };
    before(async () => {
      peer = await start();
    });
    after(() => peer?.close());

    it('signs in through a one-shot loopback server with PKCE S256, state and iss, then closes it', async () => {
      const client = newClient();
      const { tokens, authorizationUrl } = await loopbackLogin(client, { scope: peer.scope });
      const params = authorizationUrl.searchParams;
      assert.equal(params.get('code_challenge_method'), 'S256');
      assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.match(params.get('state') ?? '', /^[A-Za-z0-9_-]{22}$/);
      const redirectUri = params.get('redirect_uri') as string;
      assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      assert.equal(params.get('dpop_jkt'), await client.dpopThumbprint());
      const [exchange] = recorder.grants('authorization_code');
      assert.equal(new URLSearchParams(exchange?.body).get('code_verifier')?.length, 43);
      assert.equal(tokens.tokenType, 'DPoP');
      await assert.rejects(fetch(redirectUri), 'the loopback server is closed');
    });

    it('proves possession at the token endpoint and the API, retrying once with each nonce asked for', async () => {
      const client = newClient();
      const { tokens } = await loopbackLogin(client, { scope: peer.scope });
      const exchanges = recorder.grants('authorization_code');
      assert.deepEqual(
        exchanges.map((request) => [request.status, request.dpop?.payload.nonce === undefined]),
        [
          [400, true],
          [200, false],
        ],
        'use_dpop_nonce, then the same request with the nonce',
      );
      for (const request of exchanges) assertProof(request, { method: 'POST', url: `${peer.issuer}/token` });
      const response = await client.fetch(`${peer.resourceUrl}?scope=openid`);
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { sub: string }).sub, 'alice');
      const [call] = recorder.to(peer.resourceUrl);
      assert.equal(call?.authorization, `DPoP ${tokens.accessToken}`);
      assertProof(call as RecordedRequest, { method: 'GET', url: peer.resourceUrl, accessToken: tokens.accessToken });
    });

    it('asks an API again with its nonce when one is needed, once (a reload: tokens and key kept, no nonce)', async () => {
      const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
      const first = createClient({ issuer: peer.issuer, clientId: peer.nativeClientId, dpopKeyPair: keyPair });
      const { tokens } = await loopbackLogin(first, { scope: peer.scope });
      recorder = recordingFetch();
      const storage = { get: () => tokens, set: () => {}, delete: () => {} };
      const reloaded = createClient({
        issuer: peer.issuer,
        clientId: peer.nativeClientId,
        dpopKeyPair: keyPair,
        storage,
        fetch: recorder.fetch,
      });
      assert.equal((await reloaded.fetch(peer.resourceUrl)).status, 200);
      assert.deepEqual(
        recorder.to(peer.resourceUrl).map((request) => [request.status, request.dpop?.payload.nonce === undefined]),
        [
          [401, true],
          [200, false],
        ],
      );
    });

    it('binds tokens to the DPoP key: the JWT for a resource carries cnf.jkt, and a refresh proves the same key', async () => {
      const client = newClient();
      const { tokens } = await loopbackLogin(client, {
        scope: 'openid offline_access read:data',
        resource: PEER_API,
        prompt: 'consent',
      });
      const thumbprint = await client.dpopThumbprint();
      assert.equal(claimsOf(tokens.accessToken).aud, PEER_API);
      assert.deepEqual(claimsOf(tokens.accessToken).cnf, { jkt: thumbprint });
      assert.equal(typeof tokens.refreshToken, 'string');
      const renewed = await client.renewAfter(tokens);
      assert.notEqual(renewed.accessToken, tokens.accessToken);
      assert.deepEqual(claimsOf(renewed.accessToken).cnf, { jkt: thumbprint });
      const [refresh] = recorder.grants('refresh_token').filter((request) => request.status === 200);
      assert.deepEqual(refresh?.dpop?.header.jwk, recorder.grants('authorization_code')[0]?.dpop?.header.jwk);
    });

    it('sends Bearer tokens and no proofs when DPoP is off', async () => {
      const client = newClient({ dpop: false });
      const { tokens, authorizationUrl } = await loopbackLogin(client, { scope: peer.scope });
      assert.equal(tokens.tokenType, 'Bearer');
      assert.equal(authorizationUrl.searchParams.has('dpop_jkt'), false);
      assert.equal((await client.fetch(peer.resourceUrl)).status, 200);
      assert.ok(recorder.requests.every((request) => request.dpop === undefined));
      assert.equal(recorder.to(peer.resourceUrl)[0]?.authorization, `Bearer ${tokens.accessToken}`);
    });

    it('surfaces a DPoP API’s insufficient_scope as an InsufficientScopeError', async () => {
      const client = newClient();
      await loopbackLogin(client, { scope: peer.scope });
      await assert.rejects(client.fetch(`${peer.resourceUrl}?scope=openid%20profile`), (error: unknown) => {
        assert.ok(error instanceof InsufficientScopeError, String(error));
        assert.equal(error.status, 403);
        assert.deepEqual(error.requiredScopes, ['profile']);
        return true;
      });
    });

    it('refuses a response with another state, another iss, or none while the server promised one', async () => {
      const client = newClient();
      const redirectUri = 'http://127.0.0.1:9/callback';
      for (const [tamper, code] of [
        [(url: URL) => url.searchParams.set('state', 'forged'), 'ERR_STATE_MISMATCH'],
        [(url: URL) => url.searchParams.set('iss', 'https://attacker.example'), 'ERR_ISSUER_MISMATCH'],
        [(url: URL) => url.searchParams.delete('iss'), 'ERR_ISSUER_MISMATCH'],
      ] as const) {
        const { url, ...pending } = await client.authorizationRequest({ redirectUri, scope: peer.scope });
        const callback = new URL(await followToRedirect(url, redirectUri));
        tamper(callback);
        await assert.rejects(client.completeAuthorization(callback.href, pending), (error: unknown) => {
          assert.ok(error instanceof ClientError && error.code === code, `${code}: got ${String(error)}`);
          return true;
        });
      }
      assert.equal(recorder.grants('authorization_code').length, 0, 'no code was exchanged');
    });

    it('reports a refused authorization as an OAuthError (access_denied)', async () => {
      const client = newClient();
      peer.refuseNext();
      const redirectUri = 'http://127.0.0.1:9/callback';
      const { url, ...pending } = await client.authorizationRequest({ redirectUri, scope: peer.scope });
      const callback = await followToRedirect(url, redirectUri);
      await assert.rejects(client.completeAuthorization(callback, pending), (error: unknown) => {
        assert.ok(error instanceof OAuthError);
        assert.equal(error.error, 'access_denied');
        return true;
      });
    });

    it('gives up waiting for the redirect after its timeout, and closes the loopback server', async () => {
      let redirectUri = '';
      await assert.rejects(
        loginWithLoopback(newClient(), {
          scope: peer.scope,
          timeoutMs: 200,
          onAuthorizationUrl: (url) => {
            redirectUri = new URL(url).searchParams.get('redirect_uri') as string;
          },
        }),
        (error: unknown) => error instanceof ClientError && error.code === 'ERR_LOOPBACK_TIMEOUT',
      );
      await assert.rejects(fetch(redirectUri));
    });
  });
}
