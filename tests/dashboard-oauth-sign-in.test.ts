/**
 * `dashboard.signIn: oauth`: the dashboard signs in through the authorization code flow, which the server runs on
 * its behalf (GET /dashboard/sign-in/start → hosted page → GET /dashboard/callback → the usual session cookie). In
 * Chromium over HTTPS end to end; the refusals over plain HTTP requests, which can forge what a browser would not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { openSignIn, submitSignIn } from './support/code-flow.js';
import { launchBrowser, newDashboardContext } from './support/dashboard-browser.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { cliJson } from './support/seed.js';
import { startTollgate, type TollgateProcess } from './support/tollgate.js';

const SESSION_COOKIE = '__Host-tollgate_session';
const STATE_COOKIE = '__Host-tollgate_dashboard_sign_in';

/** The `name=value` parts of a response's Set-Cookie headers. */
function cookiesSet(response: Response): Map<string, string> {
  const pairs = response.headers.getSetCookie().map((line) => line.split(';', 1)[0] ?? '');
  return new Map(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

describe('dashboard sign-in through the authorization code flow', () => {
  let tollgate: DashboardServer;
  let origin = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const get = (path: string, cookie?: string) =>
    tollgate.fetch(`${origin}${path}`, { redirect: 'manual', headers: cookie === undefined ? {} : { cookie } });

  /** Starts a sign-in as a browser would: the state cookie (`name=value`) and the authorization request. */
  async function start(): Promise<{ cookie: string; authorize: URL }> {
    const response = await get('/dashboard/sign-in/start');
    assert.equal(response.status, 303);
    const value = cookiesSet(response).get(STATE_COOKIE);
    assert.ok(value, 'the start sets the state cookie');
    return { cookie: `${STATE_COOKIE}=${value}`, authorize: new URL(response.headers.get('location') ?? '', origin) };
  }

  /** The callback's answer: where it sends the browser, and whether it opened a session. */
  async function callback(query: Record<string, string>, cookie?: string) {
    const response = await get(`/dashboard/callback?${new URLSearchParams(query)}`, cookie);
    assert.equal(response.status, 303);
    const session = cookiesSet(response).get(SESSION_COOKIE);
    return { location: response.headers.get('location'), session: session === undefined ? undefined : session };
  }

  before(async () => {
    tollgate = await startDashboardServer({ env: { TOLLGATE_DASHBOARD_SIGN_IN: 'oauth' } });
    origin = tollgate.server.url;
    browser = await launchBrowser();
    context = await newDashboardContext(browser, origin);
    page = await context.newPage();
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await tollgate?.stop();
  });

  it('signs in on the hosted page and lands on the token list as that user, audited as a session sign-in', async () => {
    await page.goto(`${origin}/dashboard/`);
    assert.equal(await page.getByLabel('Password').count(), 0, 'no password form on the dashboard itself');
    await page.getByRole('button', { name: 'Sign in with Tollgate' }).click();
    await page.waitForURL((url) => url.pathname === '/authorize');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/dashboard/');
    const session = await page.request.get(`${origin}/api/v1/session`);
    assert.equal(session.status(), 200);
    assert.equal(((await session.json()) as { user: { username: string } }).user.username, ADMIN.username);
    const audit = await page.request.get(`${origin}/api/v1/audit?action=session.sign_in&limit=5`);
    const { events } = (await audit.json()) as {
      events: Array<{ actorName: string; outcome: string; detail: unknown }>;
    };
    assert.deepEqual(
      events.map(({ actorName, outcome, detail }) => [actorName, outcome, detail]),
      [[ADMIN.username, 'success', { method: 'authorization_code' }]],
    );
  });

  it('refuses the password sign-in of the admin API with a clear error', async () => {
    const response = await tollgate.fetch(`${origin}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      error: 'forbidden',
      error_description:
        'The dashboard signs in with Tollgate (dashboard.signIn is oauth): password sign-in here is turned off',
    });
    assert.equal(cookiesSet(response).has(SESSION_COOKIE), false);
  });

  it('sends the browser to /authorize as the built-in dashboard client, with PKCE and a state', async () => {
    const { authorize } = await start();
    assert.equal(authorize.pathname, '/authorize');
    const params = Object.fromEntries(authorize.searchParams);
    assert.equal(params.client_id, 'tollgate-dashboard');
    assert.equal(params.redirect_uri, `${origin}/dashboard/callback`);
    assert.equal(params.code_challenge_method, 'S256');
    assert.match(params.code_challenge ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(params.state ?? '', /^[A-Za-z0-9_-]{43}$/);
    const page = await get(`${authorize.pathname}${authorize.search}`);
    assert.equal(page.status, 200, 'the hosted page accepts the request');
  });

  it('refuses an answer whose state is not the one this browser started with', async () => {
    const { cookie } = await start();
    const answer = await callback({ code: 'tgc_forged', state: 'another state', iss: origin }, cookie);
    assert.deepEqual(answer, { location: '/dashboard/?sign_in_error=state_mismatch', session: undefined });
  });

  it('refuses an answer without the state cookie, from another issuer, a denial, and a code that cannot be redeemed', async () => {
    const { cookie, authorize } = await start();
    const state = authorize.searchParams.get('state') ?? '';
    assert.deepEqual(await callback({ code: 'tgc_x', state, iss: origin }), {
      location: '/dashboard/?sign_in_error=expired',
      session: undefined,
    });
    assert.deepEqual(await callback({ code: 'tgc_x', state, iss: 'https://evil.example' }, cookie), {
      location: '/dashboard/?sign_in_error=wrong_issuer',
      session: undefined,
    });
    assert.deepEqual(await callback({ error: 'access_denied', state, iss: origin }, cookie), {
      location: '/dashboard/?sign_in_error=access_denied',
      session: undefined,
    });
    assert.deepEqual(await callback({ code: 'tgc_not_a_code', state, iss: origin }, cookie), {
      location: '/dashboard/?sign_in_error=code_rejected',
      session: undefined,
    });
  });

  it('shows why on the sign-in page when the callback sends the browser back unsigned', async () => {
    const fresh = await newDashboardContext(browser, origin);
    try {
      const other = await fresh.newPage();
      await other.goto(`${origin}/dashboard/callback?code=tgc_x&state=nothing`);
      // No state cookie in this browser: the sign-in it answers was never started here.
      await other.getByRole('alert').getByText('The sign-in took too long or was started in another browser').waitFor();
      assert.equal(new URL(other.url()).search, '', 'the reason is taken off the address');
      await other.getByRole('button', { name: 'Sign in with Tollgate' }).waitFor();
    } finally {
      await fresh.close();
    }
  });
});

describe('a dashboard sign-in code', () => {
  const alice = { username: 'alice', password: 'alice password for tests' };
  let server: TollgateProcess;
  before(async () => {
    // Plain HTTP on loopback, so the hosted page can be driven with the code-flow helpers' fetch.
    server = await startTollgate({ env: { TOLLGATE_DASHBOARD_SIGN_IN: 'oauth' } });
    await cliJson(server, ['users', 'add', alice.username, '--password-stdin'], { stdin: `${alice.password}\n` });
  });
  after(() => server?.stop());

  it('opens one session, for its own PKCE verifier only: the same answer presented again is refused and ends that session', async () => {
    const started = await fetch(`${server.url}/dashboard/sign-in/start`, { redirect: 'manual' });
    const stateCookie = cookiesSet(started).get(STATE_COOKIE);
    const hosted = await openSignIn(new URL(started.headers.get('location') ?? '', server.url).href);
    const answer = await submitSignIn(server.url, hosted, alice);
    assert.equal(answer.status, 303);
    const callbackUrl = answer.headers.get('location') ?? '';
    assert.ok(callbackUrl.startsWith(`${server.url}/dashboard/callback?code=tgc_`), callbackUrl);
    const redeem = (cookieValue = stateCookie) =>
      fetch(callbackUrl, { redirect: 'manual', headers: { cookie: `${STATE_COOKIE}=${cookieValue}` } });

    // The right state with another PKCE verifier: refused (RFC 7636 4.6), and the code is not used up by it.
    const state = new URL(callbackUrl).searchParams.get('state');
    const wrongVerifier = await redeem(`${state}.${'A'.repeat(43)}`);
    assert.equal(wrongVerifier.headers.get('location'), '/dashboard/?sign_in_error=code_rejected');
    assert.equal(cookiesSet(wrongVerifier).has(SESSION_COOKIE), false);

    const first = await redeem();
    assert.equal(first.headers.get('location'), '/dashboard/');
    const session = cookiesSet(first).get(SESSION_COOKIE);
    const me = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    assert.equal(((await me.json()) as { user: { username: string } }).user.username, alice.username);

    const again = await redeem();
    assert.equal(again.headers.get('location'), '/dashboard/?sign_in_error=code_rejected');
    assert.equal(cookiesSet(again).has(SESSION_COOKIE), false);
    // RFC 6749 4.1.2: a code used twice leaked or raced, so what its first use opened is closed too.
    const after = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    assert.equal(after.status, 401);
  });
});

describe('dashboard sign-in by default', () => {
  let server: TollgateProcess;
  before(async () => {
    server = await startTollgate();
  });
  after(() => server?.stop());

  it('is the password form, with no authorization code routes', async () => {
    const method = await fetch(`${server.url}/dashboard/sign-in.json`);
    assert.deepEqual(await method.json(), { signIn: 'password' });
    const start = await fetch(`${server.url}/dashboard/sign-in/start`, { redirect: 'manual' });
    assert.notEqual(start.status, 303, 'no sign-in flow to start');
    const authorize = await fetch(
      `${server.url}/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: 'tollgate-dashboard',
        redirect_uri: `${server.url}/dashboard/callback`,
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      })}`,
    );
    assert.equal(authorize.status, 400, 'no built-in dashboard client');
  });
});
