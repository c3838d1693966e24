/**
 * The authorization code flow in a real browser (Debian's Chromium over HTTPS, JavaScript off, as the page needs
 * none) with oauth4webapi as the client: sign-in on the hosted page, PKCE, the checks of the token request, a
 * replayed code, the consent screen of a third-party client, a native app's loopback redirect on any port, and a
 * login CSRF attempt from another site.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addCodeClient, authorizeUrl, type CodeClient, pkce } from './support/code-flow.js';
import { launchBrowser, UI_TIMEOUT_MS } from './support/dashboard-browser.js';
import { type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { oauth } from './support/oauth.js';

const EVIL = 'https://evil.example/';
/** Playwright does not route a redirect's target, so the app is a real HTTPS server that Chromium resolves to. */
const APP_HOST = 'app.example';

describe('authorization code flow in Chromium', () => {
  let tollgate: DashboardServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let as: oauth.AuthorizationServer;
  let web: CodeClient;
  let partner: CodeClient;
  let native: CodeClient;
  let appServer: Server;
  let callbackUri = '';
  const options = () => ({ [oauth.customFetch]: tollgate.fetch });

  before(async () => {
    tollgate = await startDashboardServer();
    const { certFile, keyFile } = tollgate.certificate;
    appServer = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (_incoming, answer) =>
      answer.writeHead(200, { 'content-type': 'text/html' }).end('<p>the app</p>'),
    );
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    callbackUri = `https://${APP_HOST}:${(appServer.address() as AddressInfo).port}/callback`;
    const issuer = new URL(tollgate.server.url);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { ...options(), algorithm: 'oauth2' }),
    );
    [web, partner, native] = await Promise.all([
      addCodeClient(tollgate.server, 'web', { public: true, scopes: ['read:data'], redirectUris: [callbackUri] }),
      addCodeClient(tollgate.server, 'partner', {
        thirdParty: true,
        scopes: ['read:data'],
        redirectUris: [callbackUri],
      }),
      addCodeClient(tollgate.server, 'desktop', {
        public: true,
        scopes: ['read:data'],
        redirectUris: ['http://127.0.0.1/callback'],
      }),
    ]);
    browser = await launchBrowser([`--host-resolver-rules=MAP ${APP_HOST} 127.0.0.1`]);
    context = await browser.newContext({ ignoreHTTPSErrors: true, javaScriptEnabled: false, locale: 'en-GB' });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    appServer?.closeAllConnections();
    await new Promise((resolve) => appServer?.close(resolve) ?? resolve(undefined));
    await tollgate?.stop();
  });

  function request(client: CodeClient, challenge: string, extra: Record<string, string | undefined> = {}): string {
    return authorizeUrl(tollgate.server.url, {
      client_id: client.clientId,
      redirect_uri: callbackUri,
      code_challenge: challenge,
      ...extra,
    });
  }

  /** Fills in the hosted page, presses `button`, and returns where the browser ended up. */
  async function signIn(url: string, button = 'Sign in', redirectPrefix = callbackUri): Promise<URL> {
    await page.goto(url);
    await page.getByLabel('Username').fill(tollgate.seed.user.username);
    await page.getByLabel('Password').fill(tollgate.seed.user.password);
    await Promise.all([
      page.waitForURL((where) => where.href.startsWith(redirectPrefix)),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    return new URL(page.url());
  }

  function exchange(client: CodeClient, callback: URLSearchParams, redirectUri: string, verifier: string) {
    return oauth.authorizationCodeGrantRequest(
      as,
      { client_id: client.clientId },
      oauth.None(),
      callback,
      redirectUri,
      verifier,
      options(),
    );
  }

  async function active(token: string): Promise<boolean> {
    const response = await oauth.introspectionRequest(
      as,
      { client_id: tollgate.seed.backend.clientId },
      oauth.ClientSecretBasic(tollgate.seed.backend.clientSecret),
      token,
      options(),
    );
    return (await oauth.processIntrospectionResponse(as, { client_id: tollgate.seed.backend.clientId }, response))
      .active;
  }

  it('signs in on the hosted page without JavaScript; the client redeems the code once', async () => {
    const { verifier, challenge } = await pkce();
    const state = oauth.generateRandomState();
    const landed = await signIn(request(web, challenge, { state }));
    const callback = oauth.validateAuthResponse(as, { client_id: web.clientId }, landed, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      { client_id: web.clientId },
      await exchange(web, callback, callbackUri, verifier),
    );
    assert.equal(tokens.scope, 'read:data');
    assert.equal(await active(tokens.access_token), true);
  });

  it('refuses a wrong code_verifier and a changed redirect_uri, and a replay revokes what the code issued', async () => {
    const { verifier, challenge } = await pkce();
    const state = oauth.generateRandomState();
    const callback = oauth.validateAuthResponse(
      as,
      { client_id: web.clientId },
      await signIn(request(web, challenge, { state })),
      state,
    );
    const code = { client_id: web.clientId };
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(
        as,
        code,
        await exchange(web, callback, callbackUri, oauth.generateRandomCodeVerifier()),
      ),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
    );
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(
        as,
        code,
        await exchange(web, callback, callbackUri.replace('/callback', '/elsewhere'), verifier),
      ),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
    );
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      code,
      await exchange(web, callback, callbackUri, verifier),
    );
    assert.equal(await active(tokens.access_token), true);
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, code, await exchange(web, callback, callbackUri, verifier)),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
    );
    assert.equal(await active(tokens.access_token), false, 'the replay revoked the access token');
    const refresh = oauth.refreshTokenGrantRequest(as, code, oauth.None(), tokens.refresh_token ?? '', options());
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, code, await refresh),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
      'the replay revoked the refresh token',
    );
  });

  it('answers a request without state without one, which oauth4webapi accepts as such', async () => {
    const { verifier, challenge } = await pkce();
    const landed = await signIn(request(web, challenge));
    assert.equal(landed.searchParams.has('state'), false);
    assert.equal(landed.searchParams.get('iss'), tollgate.server.url);
    const callback = oauth.validateAuthResponse(as, { client_id: web.clientId }, landed, oauth.expectNoState);
    assert.equal((await exchange(web, callback, callbackUri, verifier)).status, 200);
  });

  it('shows an error page for an unregistered redirect URI and stays on Tollgate', async () => {
    const { challenge } = await pkce();
    const response = await page.goto(request(web, challenge, { redirect_uri: 'https://evil.example/callback' }));
    assert.equal(response?.status(), 400);
    assert.equal(new URL(page.url()).origin, tollgate.server.url);
    await page.getByText('The redirect_uri is not registered for this client').waitFor();
  });

  it('asks for consent for a third-party client, listing the API and its scopes, and honours Deny', async () => {
    const { verifier, challenge } = await pkce();
    await page.goto(request(partner, challenge, { state: 'consent' }));
    await page.getByRole('heading', { name: 'Allow partner?' }).waitFor();
    assert.equal(
      await page
        .getByRole('listitem')
        .allTextContents()
        .then((items) => items.join(' ')),
      'read:data',
    );
    await page.getByText('https://api.example.com/user').waitFor();
    await Promise.all([
      page.waitForURL((where) => where.href.startsWith(callbackUri)),
      page.getByRole('button', { name: 'Deny' }).click(),
    ]);
    const denied = new URL(page.url()).searchParams;
    assert.deepEqual([denied.get('error'), denied.get('state')], ['access_denied', 'consent']);
    const allowed = await signIn(request(partner, challenge, { state: 'ok' }), 'Sign in and allow');
    const callback = oauth.validateAuthResponse(as, { client_id: partner.clientId }, allowed, 'ok');
    const exchanged = await oauth.authorizationCodeGrantRequest(
      as,
      { client_id: partner.clientId },
      oauth.ClientSecretBasic(partner.clientSecret ?? ''),
      callback,
      callbackUri,
      verifier,
      options(),
    );
    assert.equal(exchanged.status, 200);
  });

  it("sends a native app's loopback redirect to the port it listens on (RFC 8252 7.3)", async () => {
    const received: string[] = [];
    const app: Server = createServer((incoming, answer) => {
      received.push(incoming.url ?? '');
      answer.end('you may close this window');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const redirectUri = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callback`;
      const { verifier, challenge } = await pkce();
      const landed = await signIn(
        request(native, challenge, { redirect_uri: redirectUri, state: 'n' }),
        'Sign in',
        redirectUri,
      );
      // Chromium may also ask the app for /favicon.ico.
      assert.equal(received.filter((path) => path.startsWith('/callback?')).length, 1, `the app received ${received}`);
      const callback = oauth.validateAuthResponse(as, { client_id: native.clientId }, landed, 'n');
      assert.equal((await exchange(native, callback, redirectUri, verifier)).status, 200);
    } finally {
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
    }
  });

  it('refuses a sign-in form posted from another site (login CSRF) and sends nobody to the app', async () => {
    const { challenge } = await pkce();
    // The attacker copies the fields of a real form, with their own credentials, into a page on their site.
    await page.goto(request(web, challenge, { state: 'csrf' }));
    const hidden = await page
      .locator('input[type=hidden]')
      .evaluateAll((inputs) => inputs.map((input) => [input.getAttribute('name'), input.getAttribute('value')]));
    const fields = hidden.map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`).join('');
    await context.route(EVIL, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<form method="post" action="${tollgate.server.url}/authorize">${fields}
          <input type="hidden" name="username" value="${tollgate.seed.user.username}">
          <input type="hidden" name="password" value="${tollgate.seed.user.password}">
          <button name="decision" value="allow">Win a prize</button></form>`,
      }),
    );
    await page.goto(EVIL);
    const [response] = await Promise.all([
      page.waitForResponse((answer) => answer.url() === `${tollgate.server.url}/authorize`),
      page.getByRole('button', { name: 'Win a prize' }).click(),
    ]);
    assert.equal(response.status(), 403);
    await page.getByText('The sign-in form was sent from another site').waitFor();
    assert.equal(new URL(page.url()).origin, tollgate.server.url);
  });
});
