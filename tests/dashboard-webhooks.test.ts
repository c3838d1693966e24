/**
 * The dashboard's Webhooks page (admins), in Chromium: add an endpoint with an event filter and see its secret once,
 * test-fire it and watch the delivery reach a receiver on 127.0.0.1 signed with that secret, listed as delivered;
 * axe-core finds nothing serious on the page and its dialogs at 1280 and 375 px, and nothing is past the right edge
 * on a phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, signIn, UI_TIMEOUT_MS } from './support/dashboard-browser.js';
import { describeViolations, outsideViewport, seriousViolations, tablesSettled } from './support/dashboard-checks.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { waitUntil } from './support/wait.js';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

const WIDTHS = [1280, 375] as const;

describe('dashboard: webhooks', () => {
  let tollgate: DashboardServer;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;

  before(async () => {
    [tollgate, receiver, browser] = await Promise.all([
      startDashboardServer(),
      startWebhookReceiver(),
      launchBrowser(),
    ]);
    context = await newDashboardContext(browser, tollgate.server.url);
    page = await context.newPage();
    await signIn(page, tollgate.server.url, ADMIN.username, ADMIN.password);
    url = `${receiver.url}/dashboard`;
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await tollgate?.stop();
    await receiver?.close();
  });

  async function showWebhooks(): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks', exact: true }).waitFor();
    await page.locator('main table').first().waitFor();
  }

  it('adds an endpoint, shows its secret once, and test-fires a signed delivery listed as delivered', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await showWebhooks();
    await page.getByRole('button', { name: '+ Webhook endpoint' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('URL').fill(url);
    await dialog.getByLabel('user.disabled').check();
    await dialog.getByLabel('api_token.revoked').check();
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('new-secret').textContent())?.trim() ?? '';
    assert.match(secret, /^whsec_/);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    assert.equal(await page.locator('.secret-panel').count(), 0, 'the secret is gone once the panel closes');
    const row = page.getByRole('row', { name: new RegExp(url) });
    assert.match(
      (await row.textContent()) ?? '',
      /user\.disabled, api_token\.revoked|api_token\.revoked, user\.disabled/,
    );

    await page.getByRole('button', { name: `Send a test event to ${url}` }).click();
    await page.getByRole('status').filter({ hasText: 'Test event' }).waitFor();
    const { value: received } = await waitUntil(
      'the test event at the receiver',
      async () => receiver.at('/dashboard')[0],
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    assert.equal(verifyWebhook(secret, received).type, 'webhook.test');

    await page.getByRole('button', { name: `Deliveries to ${url}` }).click();
    const deliveries = page.getByRole('dialog');
    await waitUntil(
      'the delivery listed as delivered',
      async () => {
        await deliveries.getByRole('button', { name: 'Refresh' }).click();
        const text =
          (await deliveries.getByRole('table', { name: 'Deliveries' }).textContent({ timeout: UI_TIMEOUT_MS })) ?? '';
        return text.includes('webhook.test') && text.includes('delivered') ? text : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await deliveries.getByRole('button', { name: 'Close' }).click();
    await deliveries.waitFor({ state: 'detached' });
  });

  it('has nothing serious for axe at 1280 and 375 px, and nothing past the right edge on a phone', async () => {
    const found: string[] = [];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await showWebhooks();
      await tablesSettled(page);
      found.push(describeViolations(`webhooks at ${width} px`, await seriousViolations(page)));
      if (width === 375) found.push(...(await outsideViewport(page, width)).map((problem) => `webhooks: ${problem}`));
      await page.getByRole('button', { name: '+ Webhook endpoint' }).click();
      await page.getByRole('dialog').waitFor();
      found.push(describeViolations(`new endpoint at ${width} px`, await seriousViolations(page, 'dialog[open]')));
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await page.getByRole('button', { name: `Deliveries to ${url}` }).click();
      await page.getByRole('dialog').getByRole('table').waitFor();
      await tablesSettled(page);
      found.push(describeViolations(`deliveries at ${width} px`, await seriousViolations(page, 'dialog[open]')));
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    assert.deepEqual(found.filter(Boolean), []);
  });
});
