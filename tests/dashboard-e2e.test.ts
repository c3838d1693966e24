/**
 * The dashboard in a real browser (Debian's Chromium over HTTPS): a person signs in, makes an API token, copies
 * and downloads it, calls an API protected by the verify SDK with it, regenerates it (at once, then with a grace
 * period), sets its external id and metadata, revokes it, and finds each
 * step in the audit log. The dashboard keeps no secret in Web Storage and runs under the server's strict CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { downloadFrom, launchBrowser, newDashboardContext, screenshot, signIn } from './support/dashboard-browser.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { type ProtectedApi, startProtectedApi } from './support/protected.js';
import { USER_API } from './support/seed.js';
import { waitUntil } from './support/wait.js';

const TOKEN_NAME = 'ci-deploy';
/** The verifier learns of a revoke or regenerate through the revocation stream; the bound absorbs a busy machine. */
const REFUSED_WITHIN_MS = 2_000;

describe('dashboard: API tokens in a real browser', () => {
  let tollgate: DashboardServer;
  let protectedApi: ProtectedApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  let firstSecret = '';
  let secondSecret = '';

  before(async () => {
    tollgate = await startDashboardServer();
    protectedApi = await startProtectedApi({
      issuer: tollgate.server.url,
      audience: USER_API,
      client: tollgate.seed.backend,
      fetch: tollgate.fetch,
    });
    browser = await launchBrowser();
    context = await newDashboardContext(browser, tollgate.server.url);
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await protectedApi?.close().catch(() => {});
    await tollgate?.stop();
  });

  async function callApi(secret: string): Promise<number> {
    const response = await fetch(protectedApi.url, {
      headers: { authorization: `Bearer ${secret}` },
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  async function refusedSoon(secret: string, what: string): Promise<void> {
    await waitUntil(`${what} is refused`, async () => ((await callApi(secret)) === 401 ? true : undefined), {
      timeoutMs: REFUSED_WITHIN_MS,
      intervalMs: 50,
    });
  }

  it('refuses a wrong password, then signs in with a Secure, HttpOnly, SameSite=Strict cookie and nothing in Web Storage', async () => {
    await page.goto(`${tollgate.server.url}/dashboard/`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await screenshot(page, 'sign-in');

    await signIn(page, tollgate.server.url, ADMIN.username, ADMIN.password);
    const cookie = (await context.cookies()).find((item) => item.name === '__Host-tollgate_session');
    assert.ok(cookie, 'the session cookie is set');
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/');
    const stored = await page.evaluate<number>('localStorage.length + sessionStorage.length');
    assert.equal(stored, 0, 'nothing in localStorage or sessionStorage');
  });

  it('creates a token whose secret is shown once, copied to the clipboard and downloaded as .env and JSON', async () => {
    await page.getByRole('button', { name: '+ API token' }).click();
    await page.getByLabel('Name').fill(TOKEN_NAME);
    await page.getByRole('checkbox', { name: USER_API }).check();
    await page.getByRole('checkbox', { name: 'read:data' }).check();
    // Offered: the API's scopes that the person holds; `profile` is the API's but not root's.
    assert.equal(await page.getByRole('checkbox', { name: 'profile' }).count(), 0);
    const expiries = await page.getByLabel('Expires').locator('option').allTextContents();
    assert.deepEqual(expiries, ['7 days', '30 days', '90 days', '1 year', 'Custom date…'], 'no "Never" by default');
    assert.equal(await page.getByLabel('Expires').inputValue(), '90', 'the default expiry is 90 days');
    await screenshot(page, 'token-form');
    await page.getByRole('button', { name: 'Create token' }).click();

    firstSecret = (await page.getByTestId('new-secret').textContent()) ?? '';
    assert.match(firstSecret, /^tg_[0-9A-Za-z]+$/);
    await page.getByText("Copy it now: it won't be shown again.").waitFor();
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    await screenshot(page, 'token-created');
    assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), firstSecret);

    const env = await downloadFrom(page, () => page.getByRole('button', { name: 'Download .env' }).click());
    assert.equal(env.name, `tollgate-${TOKEN_NAME}.env`);
    const lines = env.text.split('\n');
    assert.ok(lines.includes(`TOLLGATE_API_TOKEN=${firstSecret}`), env.text);
    // An API token is sent as it is (RFC 6750), never taken to the token endpoint: naming it would mislead.
    assert.ok(!env.text.includes('TOKEN_ENDPOINT'), env.text);
    assert.ok(lines.includes(`TOLLGATE_API=${USER_API}`), env.text);
    assert.ok(lines.includes(`# APIs: ${USER_API}`), env.text);
    assert.ok(env.text.includes(`curl -H "Authorization: Bearer $TOLLGATE_API_TOKEN" ${USER_API}`), env.text);

    const json = await downloadFrom(page, () => page.getByRole('button', { name: 'Download JSON' }).click());
    assert.equal(json.name, `tollgate-${TOKEN_NAME}.json`);
    const document = JSON.parse(json.text) as Record<string, unknown>;
    assert.equal(document.token, firstSecret);
    assert.equal('token_endpoint' in document, false, json.text);
    assert.equal(document.issuer, tollgate.server.url);
    assert.deepEqual(document.apis, [USER_API]);
    assert.deepEqual(document.scopes, ['read:data']);
    assert.match(String(document.expires_at), /^\d{4}-\d\d-\d\dT/);
    assert.equal(document.curl_example, `curl -H "Authorization: Bearer ${firstSecret}" ${USER_API}`);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-secret').waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(firstSecret), 'the secret is gone from the page');
    await page.getByRole('row', { name: new RegExp(TOKEN_NAME) }).waitFor();
  });

  it('the created token opens an API protected by the verify SDK', async () => {
    assert.equal(await callApi(firstSecret), 200);
    assert.equal(await callApi('tg_0000000000000000000000000000000000'), 401, 'a made-up token is refused');
  });

  it('shows the request count and a per-day usage chart with a table fallback', async () => {
    const row = page.getByRole('row', { name: new RegExp(TOKEN_NAME) });
    await waitUntil(
      'the verifier reported the use',
      async () => {
        await page.reload();
        const requests = await row.getByRole('cell').nth(5).textContent({ timeout: 2_000 });
        return Number(requests) >= 1 ? true : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    await row.getByRole('button', { name: `Usage of ${TOKEN_NAME}` }).click();
    const chart = page.getByRole('img', { name: /Requests per day/ });
    await chart.waitFor();
    assert.match((await chart.getAttribute('aria-label')) ?? '', /1 request in the last 30 days/);
    await page.getByText('Show as a table').click();
    await page.getByRole('cell', { name: new Date().toISOString().slice(0, 10), exact: true }).waitFor();
    await page.getByText('Show as a table').click();
    await screenshot(page, 'tokens');
    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, 'tokens-375');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('regenerates after confirmation: the old secret is refused within a second and the new one works', async () => {
    await page.getByRole('button', { name: `Regenerate ${TOKEN_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: `Regenerate “${TOKEN_NAME}”?` });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await callApi(firstSecret), 200, 'Escape regenerated nothing');

    await page.getByRole('button', { name: `Regenerate ${TOKEN_NAME}` }).click();
    await screenshot(page, 'token-regenerate-confirm');
    await dialog.getByRole('button', { name: 'Regenerate' }).click();
    secondSecret = (await page.getByTestId('new-secret').textContent()) ?? '';
    assert.match(secondSecret, /^tg_/);
    assert.notEqual(secondSecret, firstSecret);
    await refusedSoon(firstSecret, 'the regenerated token’s old secret');
    assert.equal(await callApi(secondSecret), 200);
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('regenerates keeping the old secret for an hour: both work, and the row says until when', async () => {
    await page.getByRole('button', { name: `Regenerate ${TOKEN_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: `Regenerate “${TOKEN_NAME}”?` });
    await dialog.getByLabel('Keep the current secret working').selectOption({ label: '1 hour' });
    await dialog.getByRole('button', { name: 'Regenerate' }).click();
    const thirdSecret = (await page.getByTestId('new-secret').textContent()) ?? '';
    assert.match(thirdSecret, /^tg_/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page
      .getByRole('row', { name: new RegExp(TOKEN_NAME) })
      .getByText(/^Old secret works until /)
      .waitFor();
    assert.equal(await callApi(thirdSecret), 200, 'the new secret works');
    assert.equal(await callApi(secondSecret), 200, 'the old secret works during the grace');
  });

  it('sets the external id and metadata in Details, refusing metadata that is not a JSON object', async () => {
    await page.getByRole('button', { name: `Details of ${TOKEN_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: `Details of “${TOKEN_NAME}”` });
    await dialog.getByLabel('External id (optional)').fill('cus_123');
    await dialog.getByLabel('Metadata (optional)').fill('["pro"]');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Metadata must be a JSON object, such as {"plan": "pro"}.').waitFor();
    await dialog.getByLabel('Metadata (optional)').fill('{"plan": "pro"}');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: new RegExp(TOKEN_NAME) });
    await row.getByText('External id: cus_123').waitFor();
    await row.getByText('{"plan":"pro"}').waitFor();
  });

  it('revokes after confirmation: the token is refused and leaves the list', async () => {
    await page.getByRole('button', { name: `Revoke ${TOKEN_NAME}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('No API tokens yet.').waitFor();
    await refusedSoon(secondSecret, 'the revoked token');
  });

  it('the audit log shows the sign-in and the token’s create, regenerate and revoke, and filters by action', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table');
    for (const action of ['session.sign_in', 'api_token.create', 'api_token.regenerate', 'api_token.revoke']) {
      await table.getByRole('cell', { name: action, exact: true }).first().waitFor();
    }
    await table.getByText('failure').first().waitFor();
    await screenshot(page, 'audit');

    await page.getByLabel('Action').selectOption('api_token.revoke');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await table.getByRole('cell', { name: 'session.sign_in', exact: true }).first().waitFor({ state: 'detached' });
    // The table shows "Loading…" between the old rows and the filtered ones: wait for the answer, then count.
    const revokeCells = table.getByRole('cell', { name: 'api_token.revoke', exact: true });
    await revokeCells.first().waitFor();
    assert.equal(await revokeCells.count(), 1);
  });

  it('sends the person back to sign-in with a message when the session is gone', async () => {
    await context.clearCookies();
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByText('Your session has expired').waitFor();
    await page.getByLabel('Username').waitFor();
  });

  it('signs out: the session ends on the server and the sign-in page returns', async () => {
    await signIn(page, tollgate.server.url, ADMIN.username, ADMIN.password);
    const cookies = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    const cookieHeader = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    const response = await tollgate.fetch(`${tollgate.server.url}/api/v1/session`, {
      headers: { cookie: cookieHeader },
    });
    assert.equal(response.status, 401, 'the old session cookie no longer works');
  });

  it('ran without a single Content Security Policy violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});
