/**
 * The dashboard on a phone (375 px) and a desktop (1280 px), in Chromium: every admin list turns into cards with
 * nothing past the right edge, the audit log keeps each token of text whole, and axe-core finds no serious or
 * critical violation on any page or open dialog, for a person without the admin flag and for an administrator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newDashboardContext, signIn } from './support/dashboard-browser.js';
import {
  brokenAcrossLines,
  describeViolations,
  outsideViewport,
  seriousViolations,
} from './support/dashboard-checks.js';
import { ADMIN, type DashboardServer, startDashboardServer } from './support/dashboard-server.js';
import { createToken, fillTokenForm } from './support/dashboard-tokens.js';

const WIDTHS = [1280, 375] as const;
const PHONE = { width: 375, height: 812 };
const ADMIN_PAGES = ['apis', 'clients', 'users', 'keys', 'audit'] as const;

/**
 * A state of a page to check: how to get there from the one before, what to check (what opened, when the page
 * around it was checked already; else the whole document), and how to leave it.
 */
interface Visit {
  name: string;
  within?: string;
  open: (page: Page) => Promise<void>;
  close?: (page: Page) => Promise<void>;
}

/** The main menu's link and the page's heading, by path. */
const PAGES: Readonly<Record<string, string>> = {
  tokens: 'API tokens',
  apis: 'APIs',
  clients: 'OAuth clients',
  users: 'Users',
  keys: 'Signing keys',
  audit: 'Audit log',
};

/**
 * Opens a page from the main menu, as a person does: no reload, so axe-core, once in the document, stays there (it
 * is 0.5 MB of script to evaluate again on every load).
 */
async function show(page: Page, path: string): Promise<void> {
  const title = PAGES[path] ?? path;
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
  await page.locator('main table, main .empty').first().waitFor();
}

const pressEscape = async (page: Page) => {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
};

function signInVisits(origin: string): Visit[] {
  return [
    {
      name: 'sign-in',
      open: async (page) => {
        await page.goto(`${origin}/dashboard/`);
        await page.getByLabel('Username').waitFor();
      },
    },
    {
      name: 'sign-in refused',
      open: async (page) => {
        await page.getByLabel('Username').fill('nobody');
        await page.getByLabel('Password').fill('not a password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').waitFor();
      },
    },
  ];
}

/** Clicks the button and waits for its dialog: axe must not look before the dialog is there. */
async function openDialog(page: Page, button: string): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('dialog').waitFor();
}

function tokenVisits(token: string): Visit[] {
  let made = 0;
  return [
    {
      name: 'API tokens, with a token’s usage',
      open: async (page) => {
        await show(page, 'tokens');
        const usage = page.getByRole('button', { name: `Usage of ${token}` });
        if ((await usage.getAttribute('aria-expanded')) !== 'true') await usage.click();
        await page.getByRole('img', { name: /Requests per day/ }).waitFor();
      },
    },
    {
      name: 'the new-token form',
      within: 'main form',
      open: (page) => fillTokenForm(page, `axe ${++made}`),
    },
    {
      name: 'a new token’s secret',
      within: '.secret-panel',
      open: async (page) => {
        await page.getByRole('button', { name: 'Create token' }).click();
        await page.getByTestId('new-secret').waitFor();
      },
      close: (page) => page.getByRole('button', { name: 'Done', exact: true }).click(),
    },
    {
      name: 'the regenerate confirmation, with its grace period choice',
      within: 'dialog[open]',
      open: (page) => openDialog(page, `Regenerate ${token}`),
      close: pressEscape,
    },
    {
      name: 'the details form (external id and metadata)',
      within: 'dialog[open]',
      open: (page) => openDialog(page, `Details of ${token}`),
      close: pressEscape,
    },
    {
      name: 'the revoke confirmation',
      within: 'dialog[open]',
      open: (page) => openDialog(page, `Revoke ${token}`),
      close: pressEscape,
    },
  ];
}

function adminVisits(): Visit[] {
  const dialog = (path: string, button: string): Visit[] => [
    { name: path, open: (page) => show(page, path) },
    {
      name: `${path}: ${button}`,
      within: 'dialog[open]',
      open: async (page) => {
        await page.getByRole('button', { name: button }).click();
        await page.getByRole('dialog').waitFor();
      },
      close: pressEscape,
    },
  ];
  return [
    ...dialog('apis', '+ API'),
    ...dialog('clients', '+ OAuth client'),
    ...dialog('users', '+ User'),
    ...dialog('keys', 'Rotate signing key'),
    { name: 'audit', open: (page) => show(page, 'audit') },
  ];
}

async function violationsOf(page: Page, visits: readonly Visit[], width: number): Promise<string[]> {
  const found: string[] = [];
  await page.setViewportSize({ width, height: 900 });
  for (const visit of visits) {
    await visit.open(page);
    const violations = await seriousViolations(page, visit.within);
    if (violations.length > 0) found.push(describeViolations(`${visit.name} at ${width} px`, violations));
    await visit.close?.(page);
  }
  return found;
}

async function makeToken(page: Page, name: string): Promise<void> {
  await createToken(page, name);
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  await page.getByRole('button', { name: `Revoke ${name}` }).waitFor();
}

describe('dashboard: on a phone and for assistive technology', () => {
  let tollgate: DashboardServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page;
  let person: Page;

  async function newPage(): Promise<Page> {
    const context = await newDashboardContext(browser, tollgate.server.url);
    contexts.push(context);
    return context.newPage();
  }

  before(async () => {
    tollgate = await startDashboardServer();
    browser = await launchBrowser();
    [admin, person] = await Promise.all([newPage(), newPage()]);
    await signIn(admin, tollgate.server.url, ADMIN.username, ADMIN.password);
    await signIn(person, tollgate.server.url, tollgate.seed.user.username, tollgate.seed.user.password);
    await makeToken(admin, 'root-deploy');
    await makeToken(person, 'alice-reports');
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    await tollgate?.stop();
  });

  it('at 375 px every list is cards: no control past the right edge, no sideways scrolling', async () => {
    await admin.setViewportSize(PHONE);
    const found: string[] = [];
    for (const path of ['tokens', ...ADMIN_PAGES]) {
      await show(admin, path);
      found.push(...(await outsideViewport(admin, PHONE.width)).map((problem) => `${path}: ${problem}`));
    }
    assert.deepEqual(found, []);
  });

  it('at 375 px the audit log breaks no action, target or address in the middle', async () => {
    await admin.setViewportSize(PHONE);
    await show(admin, 'audit');
    await admin.locator('main td.mono', { hasText: 'api_token.create' }).first().waitFor();
    assert.deepEqual(await brokenAcrossLines(admin, 'main td.mono'), []);
  });

  it('axe finds nothing serious on the sign-in page at 1280 and 375 px', async () => {
    const page = await newPage();
    const found: string[] = [];
    for (const width of WIDTHS) {
      found.push(...(await violationsOf(page, signInVisits(tollgate.server.url), width)));
    }
    assert.equal(found.length, 0, found.join('\n'));
  });

  it('axe finds nothing serious on the pages of a person without the admin flag, at 1280 and 375 px', async () => {
    const found: string[] = [];
    for (const width of WIDTHS) {
      found.push(...(await violationsOf(person, tokenVisits('alice-reports'), width)));
    }
    assert.equal(found.length, 0, found.join('\n'));
  });

  it('axe finds nothing serious on any page of an administrator, at 1280 and 375 px', async () => {
    const visits = [...tokenVisits('root-deploy'), ...adminVisits()];
    const found: string[] = [];
    for (const width of WIDTHS) found.push(...(await violationsOf(admin, visits, width)));
    assert.equal(found.length, 0, found.join('\n'));
  });
});
