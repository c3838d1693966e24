/**
 * An admin changes a token's quotas in the dashboard, in a real browser: the "Edit limits" dialog beside the usage
 * chart sets credits, refill and rate limit (or removes them), the admin API then holds exactly those values, the
 * server's refusal is shown beside the field it names, and an owner who is not an admin sees the limits read-only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { ApiTokenView } from '@tollgate/core';
import { UI_TIMEOUT_MS, launchBrowser, newDashboardContext, signIn } from './support/dashboard-browser.js';
import { assertFocused, describeViolations, outsideViewport, seriousViolations } from './support/dashboard-checks.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { createToken } from './support/dashboard-tokens.js';
import { waitUntil } from './support/wait.js';

const NAME = 'Metered by an admin';
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

describe('dashboard: an admin edits a token’s credits and rate limit', () => {
  let tollgate: DashboardServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    tollgate = await startDashboardServer();
    browser = await launchBrowser();
    context = await newDashboardContext(browser, tollgate.server.url);
    page = await context.newPage();
    await signIn(page, tollgate.server.url, ADMIN.username, ADMIN.password);
    await createToken(page, NAME);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: `Usage of ${NAME}` }).click();
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await tollgate?.stop();
  });

  /** The token as the admin API shows it now (GET with the admin's session: no CSRF token needed). */
  async function tokenFromAdminApi(): Promise<ApiTokenView> {
    const response = await page.request.get(`${tollgate.server.url}/api/v1/tokens?all=true`);
    assert.equal(response.status(), 200, await response.text());
    const { tokens } = (await response.json()) as { tokens: ApiTokenView[] };
    const token = tokens.find((candidate) => candidate.name === NAME);
    assert.ok(token, `${NAME} is not in the list`);
    return token;
  }

  const editButton = () => page.getByRole('button', { name: `Edit limits of ${NAME}` });
  /** The quota summary's text once it has every one of `patterns` (the list reloads after a save). */
  async function quotasShowing(...patterns: RegExp[]): Promise<void> {
    const quotas = page.getByRole('region', { name: 'Quotas' });
    let text = '';
    try {
      await waitUntil(
        'the quota summary',
        async () => {
          text = (await quotas.textContent()) ?? '';
          return patterns.every((pattern) => pattern.test(text)) ? text : undefined;
        },
        { timeoutMs: UI_TIMEOUT_MS, intervalMs: 50 },
      );
    } catch {
      assert.fail(`the quota summary shows "${text}", not ${patterns.join(' and ')}`);
    }
  }

  async function openDialog(): Promise<Locator> {
    await editButton().click();
    const dialog = page.getByRole('dialog', { name: `Limits of “${NAME}”` });
    await dialog.waitFor();
    return dialog;
  }

  it('sets credits, a monthly refill and a rate limit; the page and the admin API show exactly them', async () => {
    const dialog = await openDialog();
    await dialog.getByLabel('Credits (optional)').fill('120');
    await dialog.getByLabel('Refill', { exact: true }).selectOption('month');
    await dialog.getByLabel('Refill to').fill('500');
    await dialog.getByLabel('Rate limit: requests (optional)').fill('10');
    await dialog.getByLabel('Rate limit: window in seconds').fill('60');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    await dialog.waitFor({ state: 'detached' });
    await assertFocused(page, editButton(), 'after saving, the control that opened the dialog');
    await quotasShowing(
      /Credits\s*120 left/,
      /Next refill.*to 500 \(every month\)/,
      /Rate limit\s*10 requests per 60 s/,
    );
    const token = await tokenFromAdminApi();
    assert.equal(token.credits?.remaining, 120);
    assert.deepEqual(token.credits?.refill, { amount: 500, interval: 'month' });
    assert.deepEqual(token.rateLimit, { requests: 10, windowSeconds: 60 });
  });

  it('sends only the quota whose fields changed: a new rate limit leaves the credits as they are', async () => {
    const dialog = await openDialog();
    await dialog.getByLabel('Rate limit: requests (optional)').fill('20');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    await dialog.waitFor({ state: 'detached' });
    await quotasShowing(/Credits\s*120 left/, /Rate limit\s*20 requests per 60 s/);
    const token = await tokenFromAdminApi();
    assert.deepEqual(token.rateLimit, { requests: 20, windowSeconds: 60 });
    // The audit event records what the PATCH changed: re-sending the credits would have set them (and the refill
    // period) again, undoing requests spent since the dialog opened.
    const query = `action=api_token.update&target=${encodeURIComponent(token.id)}&limit=1`;
    const response = await page.request.get(`${tollgate.server.url}/api/v1/audit?${query}`);
    assert.equal(response.status(), 200, await response.text());
    const [event] = ((await response.json()) as { events: { detail: Record<string, unknown> | null }[] }).events;
    assert.deepEqual(event?.detail, { name: NAME, rateLimit: { requests: 20, windowSeconds: 60 } });
  });

  it('shows the server’s refusal beside the field it names, keeps the values, and closes on Escape', async () => {
    const dialog = await openDialog();
    const credits = dialog.getByLabel('Credits (optional)');
    await credits.fill('1000000000001');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    const message = 'credits.remaining must be a whole number from 0 to 1000000000000';
    // `has` is relative to each .field: a locator from the page, not from the dialog.
    const beside = dialog.locator('.field', { has: page.getByLabel('Credits (optional)') }).locator('.field-error');
    await beside.waitFor();
    assert.equal(await beside.textContent(), message);
    assert.equal(await credits.getAttribute('aria-invalid'), 'true');
    const describedBy = (await credits.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.split(' ').includes((await beside.getAttribute('id')) ?? '-'), describedBy);
    await assertFocused(page, credits, 'the refused field');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await assertFocused(page, editButton(), 'after Escape, the control that opened the dialog');
    assert.equal((await tokenFromAdminApi()).credits?.remaining, 120);
  });

  it('removes both quotas when their fields are emptied: unlimited, no rate limit of its own', async () => {
    const dialog = await openDialog();
    await dialog.getByLabel('Credits (optional)').fill('');
    await dialog.getByLabel('Refill', { exact: true }).selectOption('');
    await dialog.getByLabel('Rate limit: requests (optional)').fill('');
    await dialog.getByLabel('Rate limit: window in seconds').fill('');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    await dialog.waitFor({ state: 'detached' });
    await quotasShowing(/Credits\s*Unlimited/, /Rate limit\s*None of its own/);
    const token = await tokenFromAdminApi();
    assert.equal(token.credits, null);
    assert.equal(token.rateLimit, null);
  });

  it('opens by keyboard and has no serious accessibility violation in the dialog, at 1280 and 375 px, and fits the phone', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      // By keyboard: the control takes focus, Enter opens the dialog, and focus starts in its first field.
      await editButton().focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: `Limits of “${NAME}”` });
      await assertFocused(
        page,
        dialog.getByLabel('Credits (optional)'),
        `the dialog's first field at ${viewport.width} px`,
      );
      const violations = await seriousViolations(page, 'dialog[open]');
      assert.deepEqual(violations, [], describeViolations(`dialog at ${viewport.width} px`, violations));
      assert.deepEqual(await outsideViewport(page, viewport.width), []);
      await page.keyboard.press('Escape');
      await assertFocused(page, editButton(), `after Escape at ${viewport.width} px`);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('shows an owner who is not an admin the limits read-only, with no edit control', async () => {
    const ownerContext = await newDashboardContext(browser, tollgate.server.url);
    try {
      const owner = await ownerContext.newPage();
      const { username, password } = tollgate.seed.user;
      await signIn(owner, tollgate.server.url, username, password);
      await createToken(owner, 'Owned by alice');
      await owner.getByRole('button', { name: 'Done' }).click();
      await owner.getByRole('button', { name: 'Usage of Owned by alice' }).click();
      const ownerQuotas = owner.getByRole('region', { name: 'Quotas' });
      await ownerQuotas.waitFor();
      assert.match((await ownerQuotas.textContent()) ?? '', /Credits\s*Unlimited/);
      assert.equal(await owner.getByRole('button', { name: /Edit limits/ }).count(), 0);
    } finally {
      await ownerContext.close();
    }
  });
});
