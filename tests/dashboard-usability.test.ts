/**
 * The tokens page as people use it, in Chromium: with a keyboard (focus lands on the next useful thing, never on
 * <body>; Escape closes the form), and with limits told before sending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, signIn } from './support/dashboard-browser.js';
import { assertFocused } from './support/dashboard-checks.js';
import { type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { createToken, fillTokenForm } from './support/dashboard-tokens.js';
import { ADMIN_API, USER_API } from './support/seed.js';

describe('dashboard: the tokens page with a keyboard, and the details people trip on', () => {
  let tollgate: DashboardServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: { username: string; password: string };

  const addButton = () => page.getByRole('button', { name: '+ API token' });
  const nameField = () => page.getByLabel('Name');

  /** Each test starts from the tokens page as loaded, whatever the one before left open. */
  async function openTokensPage(): Promise<void> {
    await page.goto(`${tollgate.server.url}/dashboard/tokens`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.locator('main table, main .empty').first().waitFor();
  }

  before(async () => {
    tollgate = await startDashboardServer();
    alice = tollgate.seed.user;
    browser = await launchBrowser();
    context = await newDashboardContext(browser, tollgate.server.url);
    page = await context.newPage();
    await signIn(page, tollgate.server.url, alice.username, alice.password);
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
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
});
