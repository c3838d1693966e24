/**
 * @tollgate/client's code flow against Tollgate's own authorization endpoint (client-code-flow.test.ts runs the
 * same flow, and its DPoP cases, against oidc-provider). The user signs in on the hosted page, read and posted back
 * over HTTP (support/code-flow.ts); the loopback helper receives the redirect on the port it chose. Tollgate's
 * metadata offers DPoP, so the client's default (`dpop: 'auto'`) binds the tokens to its key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientError, createClient, OAuthError } from '@tollgate/client';
import { loginWithLoopback } from '@tollgate/client/loopback';
import { addCodeClient, type CodeClient, openSignIn, submitSignIn } from './support/code-flow.js';
import { type StandardSeed, seedStandard } from './support/seed.js';
import { assertActive } from './support/tokens.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

describe('@tollgate/client code flow against Tollgate', () => {
  let server: TollgateProcess;
  let seed: StandardSeed;
  let native: CodeClient;
  let partner: CodeClient;

  before(async () => {
    server = await startTollgate();
    seed = await seedStandard(server);
    const redirectUris = ['http://127.0.0.1/callback'];
    [native, partner] = await Promise.all([
      addCodeClient(server, 'desktop', { public: true, scopes: ['read:data'], redirectUris }),
      addCodeClient(server, 'partner', { public: true, thirdParty: true, scopes: ['read:data'], redirectUris }),
    ]);
  });
  after(() => server?.stop());

  /** The user at the browser: signs in (or denies) and returns where Tollgate sent them. */
  async function userAnswers(url: string, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
    const page = await openSignIn(url);
    assert.equal(page.result.status, 200, page.result.text.slice(0, 300));
    const answer = await submitSignIn(server.url, page, { ...seed.user, decision });
    assert.equal(answer.status, 303, answer.text.slice(0, 300));
    return answer.headers.get('location') ?? '';
  }

  it('signs in through the loopback helper on a port it picks, with DPoP-bound tokens that introspect active', async () => {
    const client = createClient({ issuer: server.url, clientId: native.clientId });
    const tokens = await loginWithLoopback(client, {
      scope: 'read:data',
      timeoutMs: 15_000,
      onAuthorizationUrl: async (url) => {
        const delivered = await fetch(await userAnswers(url));
        assert.equal(delivered.status, 200);
        await delivered.text();
      },
    });
    assert.equal(tokens.tokenType, 'DPoP');
    const claims = await assertActive(server.url, seed.backend, tokens.accessToken, 'the loopback sign-in token');
    assert.equal(claims.token_type, 'DPoP');
    assert.match(String((claims.cnf as { jkt?: unknown } | undefined)?.jkt), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(claims.client_id, native.clientId);
    assert.equal(claims.username, seed.user.username);
  });

  it('refuses a callback with another state or another iss, and exchanges no code', async () => {
    const client = createClient({ issuer: server.url, clientId: native.clientId });
    const redirectUri = 'http://127.0.0.1:9/callback';
    for (const [tamper, code] of [
      [(url: URL) => url.searchParams.set('state', 'forged'), 'ERR_STATE_MISMATCH'],
      [(url: URL) => url.searchParams.set('iss', 'https://attacker.example'), 'ERR_ISSUER_MISMATCH'],
      [(url: URL) => url.searchParams.delete('iss'), 'ERR_ISSUER_MISMATCH'],
    ] as const) {
      const { url, ...pending } = await client.authorizationRequest({ redirectUri, scope: 'read:data' });
      const callback = new URL(await userAnswers(url));
      tamper(callback);
      await assert.rejects(client.completeAuthorization(callback.href, pending), (error: unknown) => {
        assert.ok(error instanceof ClientError && error.code === code, `${code}: got ${String(error)}`);
        return true;
      });
    }
  });

  it('reports a denied consent as an OAuthError (access_denied)', async () => {
    const client = createClient({ issuer: server.url, clientId: partner.clientId });
    const redirectUri = 'http://127.0.0.1:9/callback';
    const { url, ...pending } = await client.authorizationRequest({ redirectUri, scope: 'read:data' });
    await assert.rejects(client.completeAuthorization(await userAnswers(url, 'deny'), pending), (error: unknown) => {
      assert.ok(error instanceof OAuthError, String(error));
      assert.equal(error.error, 'access_denied');
      return true;
    });
  });
});
