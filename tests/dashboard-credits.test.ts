/**
 * A token's credits in the dashboard, in a real browser: set in the new-token form (with a daily refill), spent by a
 * request to an API behind the verify SDK, and shown beside the token's usage chart with the next refill.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, signIn } from './support/dashboard-browser.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { fillTokenForm, protectUserApi } from './support/dashboard-tokens.js';
import type { ProtectedApi } from './support/protected.js';

describe('dashboard: API-token credits', () => {
  let tollgate: DashboardServer;
  let protectedApi: ProtectedApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    tollgate = await startDashboardServer();
    protectedApi = await protectUserApi(tollgate);
    browser = await launchBrowser();
    context = await newDashboardContext(browser, tollgate.server.url);
    page = await context.newPage();
    await signIn(page, tollgate.server.url, ADMIN.username, ADMIN.password);
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await protectedApi?.close().catch(() => {});
    await tollgate?.stop();
  });

  it('creates a token with credits and shows what remains and the next refill beside its usage chart', async () => {
    const name = 'Metered token';
    await fillTokenForm(page, name);
    await page.getByLabel('Credits (optional)').fill('5');
    await page.getByLabel('Refill', { exact: true }).selectOption('day');
    await page.getByLabel('Refill to').fill('5');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
    await page.getByRole('button', { name: 'Done' }).click();
    const response = await fetch(protectedApi.url, {
      headers: { authorization: `Bearer ${secret}` },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('ratelimit-remaining'), '4');
    await page.reload();
    await page
      .getByRole('row', { name: new RegExp(name) })
      .getByRole('button', { name: `Usage of ${name}` })
      .click();
    const quotas = page.getByRole('region', { name: 'Quotas' });
    await quotas.waitFor();
    const text = (await quotas.textContent()) ?? '';
    assert.match(text, /Credits\s*4 left/, text);
    assert.match(text, /Next refill.*to 5 \(every day\)/, text);
    await page.getByRole('img', { name: /Requests per day/ }).waitFor();
  });

  it('refuses a refill without credits, saying why', async () => {
    await fillTokenForm(page, 'Refill only');
    await page.getByLabel('Refill', { exact: true }).selectOption('month');
    await page.getByLabel('Refill to').fill('5');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('credits.remaining is required: a refill needs credits to refill').waitFor();
  });
});
