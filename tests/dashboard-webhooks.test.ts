/**
 * The dashboard's Webhooks page (admins), in Chromium: add an endpoint with an event filter and see its secret once,
 * test-fire it and watch the delivery reach a receiver on 127.0.0.1 signed with that secret, listed as delivered;
 * edit an endpoint's filter in a dialog, by keyboard, and see the list change without a reload, an event the filter
 * now leaves out not sent and one it now takes sent; disable an endpoint and see it marked and a test event to it
 * fail unsent; see the server's refusal of a URL beside the field; axe-core finds nothing serious on the page and its
 * dialogs at 1280 and 375 px, and nothing is past the right edge on a phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, signIn, UI_TIMEOUT_MS } from './support/dashboard-browser.js';
import {
  assertFocused,
  describeViolations,
  outsideViewport,
  seriousViolations,
  tablesSettled,
} from './support/dashboard-checks.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { cliJson, USER_API } from './support/seed.js';
import { waitUntil } from './support/wait.js';
import { startWebhookReceiver, verifyWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

const WIDTHS = [1280, 375] as const;
const WAIT = { timeoutMs: 20_000, intervalMs: 50 };

// The page's window, as far as these tests mark it to tell a reload (which forgets the mark) from a re-render.
declare const window: { keptAcrossRenders?: boolean };

describe('dashboard: webhooks', () => {
  let tollgate: DashboardServer;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  let editedUrl: string;

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
    editedUrl = `${receiver.url}/edited`;
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

  /** Adds an endpoint through the page's form; returns its signing secret, shown once. */
  async function addEndpoint(endpointUrl: string, events: readonly string[]): Promise<string> {
    await page.getByRole('button', { name: '+ Webhook endpoint' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('URL').fill(endpointUrl);
    for (const event of events) await dialog.getByLabel(event).check();
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('new-secret').textContent())?.trim() ?? '';
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    return secret;
  }

  /** The event types of an endpoint's deliveries, as the server recorded them (each event it queued for it). */
  async function deliveredTypes(endpointUrl: string): Promise<string[]> {
    const endpoints = (await cliJson(tollgate.server, ['webhooks', 'list'])) as { id: string; url: string }[];
    const id = endpoints.find((endpoint) => endpoint.url === endpointUrl)?.id ?? assert.fail(`no ${endpointUrl}`);
    const deliveries = (await cliJson(tollgate.server, ['webhooks', 'deliveries', id])) as { event_type: string }[];
    return deliveries.map((delivery) => delivery.event_type);
  }

  it('adds an endpoint, shows its secret once, and test-fires a signed delivery listed as delivered', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await showWebhooks();
    const secret = await addEndpoint(url, ['user.disabled', 'api_token.revoked']);
    assert.match(secret, /^whsec_/);
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

  it('edits the event filter by keyboard: the list changes in place, and only what the filter now takes is sent', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await showWebhooks();
    const secret = await addEndpoint(editedUrl, ['user.disabled']);
    await page.evaluate(() => {
      window.keptAcrossRenders = true;
    });

    const editButton = page.getByRole('button', { name: `Edit ${editedUrl}` });
    await editButton.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Edit ${editedUrl}` });
    assert.equal(await dialog.getByLabel('URL').inputValue(), editedUrl);
    assert.equal(await dialog.getByLabel('user.disabled').isChecked(), true);
    await dialog.getByLabel('user.disabled').press('Space');
    await dialog.getByLabel('api_token.created').press('Space');
    await dialog.getByRole('button', { name: 'Save changes' }).press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await assertFocused(page, editButton, 'focus back on Edit once the dialog closed');
    const row = page.getByRole('row', { name: new RegExp(editedUrl) });
    await row.getByText('api_token.created', { exact: true }).waitFor();
    assert.equal(await page.evaluate(() => window.keptAcrossRenders === true), true, 'the page was not reloaded');

    // user.disabled is now left out, api_token.created now taken; both are queued (or not) before the CLI exits.
    await cliJson(tollgate.server, ['users', 'set', 'alice', '--disable']);
    const create = ['tokens', 'create', '--name', 'after the edit', '--user', 'alice', '--api', USER_API];
    await cliJson(tollgate.server, [...create, '--scope', 'read:data']);
    await waitUntil('the included event at the receiver', async () => receiver.at('/edited')[0], WAIT);
    assert.deepEqual(await deliveredTypes(editedUrl), ['api_token.created']);
    assert.deepEqual(
      receiver.at('/edited').map((delivery) => verifyWebhook(secret, delivery).type),
      ['api_token.created'],
    );
  });

  it('disables an endpoint: it is marked, focus stays on the toggle, and a test event to it is not delivered', async () => {
    await page.getByRole('button', { name: `Disable ${editedUrl}` }).click();
    const enableButton = page.getByRole('button', { name: `Enable ${editedUrl}` });
    await enableButton.waitFor();
    await assertFocused(page, enableButton, 'focus on the toggle, now Enable');
    const row = page.getByRole('row', { name: new RegExp(editedUrl) });
    await row.getByText('disabled: sends nothing').waitFor();

    // The core queues a test event whatever the endpoint's state; its worker refuses to send to a disabled one.
    await page.getByRole('button', { name: `Send a test event to ${editedUrl}` }).click();
    await page.getByRole('status').filter({ hasText: `Test event` }).filter({ hasText: editedUrl }).waitFor();
    await page.getByRole('button', { name: `Deliveries to ${editedUrl}` }).click();
    const deliveries = page.getByRole('dialog');
    const { value: listed } = await waitUntil(
      'the test event listed as failed',
      async () => {
        await deliveries.getByRole('button', { name: 'Refresh' }).click();
        const text = (await deliveries.getByRole('table', { name: 'Deliveries' }).textContent()) ?? '';
        return text.includes('failed') ? text : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    assert.match(listed, /webhook\.testfailed.*the endpoint is disabled/);
    await page.keyboard.press('Escape');
    await deliveries.waitFor({ state: 'detached' });
    await assertFocused(
      page,
      page.getByRole('button', { name: `Deliveries to ${editedUrl}` }),
      'focus back on Deliveries once its dialog closed',
    );
    assert.deepEqual(
      receiver.at('/edited').map((delivery) => JSON.parse(delivery.body).type),
      ['api_token.created'],
    );
  });

  it("shows the server's refusal of a URL beside the field, focused, and Escape leaves the endpoint as it was", async () => {
    const editButton = page.getByRole('button', { name: `Edit ${editedUrl}` });
    await editButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Edit ${editedUrl}` });
    const field = dialog.getByLabel('URL');
    const refusals = [
      ['http://hooks.example.com/in', /^url must use https \(plain http only on a loopback host/],
      [
        'https://169.254.169.254/latest',
        /^url: the address 169\.254\.169\.254 is not allowed for webhooks: it is link-local/,
      ],
    ] as const;
    for (const [refusedUrl, message] of refusals) {
      await field.fill(refusedUrl);
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.locator('.field-error').filter({ hasText: message }).waitFor();
      await assertFocused(page, field, `focus on the refused URL ${refusedUrl}`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.match((await field.getAttribute('aria-describedby')) ?? '', /-error/);
      assert.equal(await dialog.getByRole('alert').count(), 0, 'said beside the field, not again under the form');
    }
    const found = describeViolations('a refused URL', await seriousViolations(page, 'dialog[open]'));
    assert.equal(found, '');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await assertFocused(page, editButton, 'focus back on Edit after Escape');
    const endpoints = (await cliJson(tollgate.server, ['webhooks', 'list'])) as { url: string }[];
    assert.ok(
      endpoints.some((endpoint) => endpoint.url === editedUrl),
      'the endpoint kept its URL',
    );
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
      await page.getByRole('button', { name: `Edit ${url}` }).click();
      await page.getByRole('dialog').waitFor();
      found.push(describeViolations(`edit endpoint at ${width} px`, await seriousViolations(page, 'dialog[open]')));
      if (width === 375) found.push(...(await outsideViewport(page, width)).map((problem) => `edit: ${problem}`));
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
