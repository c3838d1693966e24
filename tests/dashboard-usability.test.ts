/**
 * The tokens page as people use it, in Chromium: with a keyboard (focus lands on the next useful thing, never on
 * <body>; Escape closes the form), with limits told before sending, request counts that keep up while the page is
 * open, a half-filled form that outlives an expired session, and an icon where browsers look for one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, signIn } from './support/dashboard-browser.js';
import { assertFocused } from './support/dashboard-checks.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { createToken, fillTokenForm, protectUserApi } from './support/dashboard-tokens.js';
import type { ProtectedApi } from './support/protected.js';
import { ADMIN_API, USER_API } from './support/seed.js';
import { waitUntil } from './support/wait.js';

/** The tokens page's refresh period (pages/tokens.tsx). */
const REFRESH_EVERY_MS = 30_000;

describe('dashboard: the tokens page with a keyboard, and the details people trip on', () => {
  let tollgate: DashboardServer;
  let protectedApi: ProtectedApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: { username: string; password: string };

  const addButton = () => page.getByRole('button', { name: '+ API token' });
  const nameField = () => page.getByLabel('Name');

  /** Signs in through the form already on screen: no reload, as after a session expired. */
  async function signInHere(who: { username: string; password: string }): Promise<void> {
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** Submits the open form after the session lapsed (for the browser: the request answers 401). */
  async function submitAfterSessionLapsed(): Promise<void> {
    await context.clearCookies();
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Your session has expired').waitFor();
  }

  const storedKeys = () => page.evaluate<number>('sessionStorage.length + localStorage.length');

  /** Each test starts from the tokens page as loaded, whatever the one before left open. */
  async function openTokensPage(): Promise<void> {
    await page.goto(`${tollgate.server.url}/dashboard/tokens`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.locator('main table, main .empty').first().waitFor();
  }

  before(async () => {
    tollgate = await startDashboardServer();
    alice = tollgate.seed.user;
    protectedApi = await protectUserApi(tollgate);
    browser = await launchBrowser();
    context = await newDashboardContext(browser, tollgate.server.url);
    page = await context.newPage();
    await signIn(page, tollgate.server.url, alice.username, alice.password);
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await protectedApi?.close().catch(() => {});
    await tollgate?.stop();
  });

  it('focuses the username field of the sign-in page', async () => {
    const signedOut = await newDashboardContext(browser, tollgate.server.url);
    try {
      const tab = await signedOut.newPage();
      await tab.goto(`${tollgate.server.url}/dashboard/`);
      await assertFocused(tab, tab.getByLabel('Username'), 'the sign-in page');
    } finally {
      await signedOut.close();
    }
  });

  it('"+ API token" focuses the Name field, and Escape closes the form onto "+ API token"', async () => {
    await openTokensPage();
    await addButton().click();
    await assertFocused(page, nameField(), 'the new form');
    await page.keyboard.type('never mind');
    await page.keyboard.press('Escape');
    await nameField().waitFor({ state: 'detached' });
    await assertFocused(page, addButton(), 'after Escape');
  });

  it('stops the name at 100 characters and says how many are left as the limit nears', async () => {
    await openTokensPage();
    await addButton().click();
    await assertFocused(page, nameField(), 'the new form');
    await page.keyboard.type('n'.repeat(95));
    assert.equal(await page.getByText('95/100').count(), 1, 'the count shows while typing');
    await page.keyboard.type('n'.repeat(10));
    assert.equal((await nameField().inputValue()).length, 100);
    assert.equal(await nameField().getAttribute('maxlength'), '100');
    await page.getByText('100/100').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^0 characters left$/ })
      .waitFor();
    await page.keyboard.press('Escape');
  });

  it('will not send a token for APIs that offer none of the person’s scopes, and says why', async () => {
    await openTokensPage();
    await addButton().click();
    await nameField().fill('admin things');
    await page.getByRole('checkbox', { name: ADMIN_API }).check();
    await page.getByText('None of your scopes is offered by these APIs').waitFor();
    const submit = page.getByRole('button', { name: 'Create token' });
    assert.equal(await submit.isDisabled(), true, 'alice holds no scope of the admin API');
    await page.getByRole('checkbox', { name: USER_API }).check();
    assert.equal(await submit.isDisabled(), false, 'the user API offers alice’s scopes');
    await page.keyboard.press('Escape');
  });

  it('says which dates a custom expiry may be, not the admin API’s expiresInSeconds', async () => {
    await openTokensPage();
    await fillTokenForm(page, 'too long', { expires: 'custom' });
    const sixYears = new Date(Date.now() + 6 * 366 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Expiry date').fill(sixYears);
    await page.getByRole('button', { name: 'Create token' }).click();
    const alert = (await page.getByRole('alert').textContent()) ?? '';
    assert.match(alert, /^Choose an expiry date from \d+ \w+ \d{4} to \d+ \w+ \d{4}\.$/);
    await page.keyboard.press('Escape');
  });

  it('does not call a new 7-day token "expiring soon"; Done on its secret focuses "+ API token"', async () => {
    await openTokensPage();
    await createToken(page, 'weekly', { expires: '7' });
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByTestId('new-secret').waitFor({ state: 'detached' });
    await assertFocused(page, addButton(), 'after Done');
    const row = page.getByRole('row', { name: /weekly/ });
    await row.waitFor();
    assert.doesNotMatch((await row.textContent()) ?? '', /expiring soon/);
  });

  it('revoking a token focuses the list’s heading', async () => {
    await openTokensPage();
    await page.getByRole('button', { name: 'Revoke weekly' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('row', { name: /weekly/ }).waitFor({ state: 'detached' });
    await assertFocused(page, page.getByRole('heading', { name: 'Your tokens' }), 'after revoking');
  });

  it('keeps a half-filled form through an expired session and gives it back after signing in again', async () => {
    await openTokensPage();
    await fillTokenForm(page, 'half done', { scope: 'write:data', expires: '30' });
    await submitAfterSessionLapsed();
    assert.equal(await storedKeys(), 1, 'the draft waits in sessionStorage');
    await signInHere(alice);
    await page.getByText('This is what you had entered before your session expired.').waitFor();
    assert.equal(await nameField().inputValue(), 'half done');
    assert.equal(await page.getByRole('checkbox', { name: USER_API }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: 'write:data' }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: 'read:data' }).isChecked(), false);
    assert.equal(await page.getByLabel('Expires').inputValue(), '30');
    assert.equal(await storedKeys(), 0, 'taken back, the draft is gone from storage');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByTestId('new-secret').waitFor();
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await page.getByRole('row', { name: /half done/ }).waitFor();
  });

  it('does not give a kept form to someone else who signs in next in the tab', async () => {
    await openTokensPage();
    await fillTokenForm(page, 'alice only');
    await submitAfterSessionLapsed();
    await signInHere(ADMIN);
    await page.getByRole('heading', { name: 'Your tokens' }).waitFor();
    assert.equal(await nameField().count(), 0, 'no form open for root');
    assert.equal(await storedKeys(), 0, 'alice’s draft is thrown away');
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('updates request counts while the page is open, and only while someone is there', async () => {
    const watched = await newDashboardContext(browser, tollgate.server.url);
    try {
      await watched.clock.install();
      const tab = await watched.newPage();
      await signIn(tab, tollgate.server.url, alice.username, alice.password);
      const secret = await createToken(tab, 'counted');
      await tab.getByRole('button', { name: 'Done', exact: true }).click();
      const requests = tab.getByRole('row', { name: /counted/ }).locator('td[data-label="Requests"]');
      assert.equal(await requests.textContent(), '0');
      const isListLoad = (url: string) => new URL(url).pathname === '/api/v1/tokens';
      // Making the token was activity: the next period reloads, once.
      await Promise.all([
        tab.waitForResponse((response) => isListLoad(response.url())),
        tab.clock.fastForward(REFRESH_EVERY_MS),
      ]);
      let listLoads = 0;
      tab.on('request', (request) => {
        if (isListLoad(request.url())) listLoads += 1;
      });
      for (let period = 0; period < 5; period += 1) await tab.clock.fastForward(REFRESH_EVERY_MS);
      assert.equal(listLoads, 0, 'an unattended tab asks for nothing, so the session can idle out');

      const called = await fetch(protectedApi.url, { headers: { authorization: `Bearer ${secret}` } });
      assert.equal(called.status, 200);
      await tab.evaluate('globalThis.sameDocument = true');
      let x = 0;
      await waitUntil(
        'the count shows without a reload',
        async () => {
          x = (x + 7) % 300;
          await tab.mouse.move(x, 200);
          await tab.clock.fastForward(REFRESH_EVERY_MS);
          return (await requests.textContent()) === '1' ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      assert.equal(await tab.evaluate<boolean>('globalThis.sameDocument === true'), true, 'the page was not reloaded');
    } finally {
      await watched.close();
    }
  });

  it('serves the icon at /favicon.ico with caching headers, and the page links its own', async () => {
    const icon = await tollgate.fetch(`${tollgate.server.url}/favicon.ico`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/x-icon');
    assert.equal(icon.headers.get('cache-control'), 'public, max-age=86400');
    assert.ok(icon.headers.get('etag'));
    assert.deepEqual([...new Uint8Array(await icon.arrayBuffer()).slice(0, 4)], [0, 0, 1, 0], 'an ICO header');

    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    assert.ok(href, 'index.html links an icon');
    const linked = await tollgate.fetch(new URL(href, tollgate.server.url));
    assert.equal(linked.status, 200);
    assert.equal(linked.headers.get('content-type'), 'image/svg+xml');
    assert.match(await linked.text(), /^<svg /);
  });
});
