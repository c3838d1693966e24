/**
 * The dashboard's admin pages in a real browser: an administrator registers an API, creates an OAuth client
 * (whose secret is shown once and works at the token endpoint), creates a user and rotates the signing key; a
 * person without the admin flag sees none of these pages and the API gives them no admin data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, screenshot, signIn } from './support/dashboard-browser.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { basicAuthorization } from './support/http.js';

const NEW_API = 'https://api.example.com/reports';

describe('dashboard: admin pages in a real browser', () => {
  let tollgate: DashboardServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let page: Page;

  before(async () => {
    tollgate = await startDashboardServer();
    browser = await launchBrowser();
    adminContext = await newDashboardContext(browser, tollgate.server.url);
    page = await adminContext.newPage();
    await signIn(page, tollgate.server.url, ADMIN.username, ADMIN.password);
  });
  after(async () => {
    await adminContext?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await tollgate?.stop();
  });

  it('registers an API with its scopes and lifetime, and shows API usage charts', async () => {
    await page.getByRole('link', { name: 'APIs', exact: true }).click();
    await page.getByRole('button', { name: '+ API' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API' });
    await dialog.getByLabel('Identifier').fill(NEW_API);
    await dialog.getByLabel('Scopes').fill('reports:read reports:write');
    await dialog.getByLabel('Token lifetime (seconds)').fill('600');
    await dialog.getByRole('button', { name: 'Create API' }).click();
    const row = page.getByRole('row', { name: new RegExp(NEW_API) });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /reports:read reports:write.*10 minutes/);
    await page.getByRole('heading', { name: 'Usage, last 30 days' }).waitFor();
    await screenshot(page, 'apis');
  });

  it('creates an OAuth client whose secret is shown once and gets tokens at the token endpoint', async () => {
    await page.getByRole('link', { name: 'OAuth clients' }).click();
    await page.getByRole('button', { name: '+ OAuth client' }).click();
    const dialog = page.getByRole('dialog', { name: 'New OAuth client' });
    await dialog.getByLabel('Name').fill('reporting-job');
    await dialog.getByLabel('Scopes').fill('reports:read');
    await dialog.getByRole('checkbox', { name: NEW_API }).check();
    await dialog.getByRole('button', { name: 'Create client' }).click();
    const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
    const clientId = (await page.locator('.secret-panel code.mono').first().textContent()) ?? '';
    assert.ok(secret.length > 20 && clientId.length > 0);

    const response = await tollgate.fetch(`${tollgate.server.url}/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(clientId, secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: NEW_API }).toString(),
    });
    assert.equal(response.status, 200, await response.text());

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-secret').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
    await page.getByRole('row', { name: /reporting-job/ }).waitFor();
    await screenshot(page, 'clients');
  });

  it('creates a user who can then sign in', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: '+ User' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill('bob');
    await dialog.getByLabel('Password').fill('bob password for tests');
    await dialog.getByLabel('Scopes').fill('read:data');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row', { name: /bob/ }).waitFor();
    await screenshot(page, 'users');

    const response = await tollgate.fetch(`${tollgate.server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'bob password for tests' }),
    });
    assert.equal(response.status, 200, await response.text());
  });

  it('rotates the signing key after confirmation and marks the new one as signing', async () => {
    await page.getByRole('link', { name: 'Signing keys' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await page.getByText('signing now').waitFor();
    const before = await rows.count();
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await waitForCount(() => rows.count(), before + 1);
    assert.equal(await page.getByText('signing now').count(), 1, 'exactly one key signs');
    await screenshot(page, 'keys');
  });

  it('a person without the admin flag sees no admin pages and gets no admin data', async () => {
    const context = await newDashboardContext(browser, tollgate.server.url);
    try {
      const userPage = await context.newPage();
      const { username, password } = tollgate.seed.user;
      await signIn(userPage, tollgate.server.url, username, password);
      const nav = userPage.getByRole('navigation', { name: 'Main' });
      assert.deepEqual(await nav.getByRole('link').allTextContents(), ['API tokens']);
      const statuses = await userPage.evaluate(async () => {
        const paths = ['/api/v1/users', '/api/v1/clients', '/api/v1/keys', '/api/v1/audit', '/api/v1/tokens?all=true'];
        const answers = await Promise.all(paths.map((path) => fetch(path, { credentials: 'same-origin' })));
        return answers.map((answer) => answer.status);
      });
      assert.deepEqual(statuses.slice(0, 4), [403, 403, 403, 403]);
      assert.ok(statuses[4] === 403 || statuses[4] === 200, `tokens?all=true answered ${statuses[4]}`);
      await userPage.goto(`${tollgate.server.url}/dashboard/users`);
      await userPage.getByText('This page is for administrators.').waitFor();
      assert.equal(await userPage.getByRole('table').count(), 0, 'no user table for a non-admin');
    } finally {
      await context.close();
    }
  });
});

async function waitForCount(count: () => Promise<number>, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await count()) !== expected) {
    if (Date.now() > deadline) assert.fail(`expected ${expected} rows, saw ${await count()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
