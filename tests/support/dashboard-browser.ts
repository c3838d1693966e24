/**
 * Debian's Chromium driven by playwright-core, for the dashboard's browser tests: one launch per test file,
 * contexts that trust the throwaway certificate (so the Secure cookie is real), may read the clipboard and
 * accept downloads, and a screenshot of every page (test-results/screenshots; TOLLGATE_SCREENSHOT_DIR=docs/screenshots
 * refreshes the ones docs/api-tokens.md shows).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Download, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Outside the tracked tree by default, so a test run leaves `git status` clean. */
export const SCREENSHOTS_DIR = process.env.TOLLGATE_SCREENSHOT_DIR
  ? join(REPO_ROOT, process.env.TOLLGATE_SCREENSHOT_DIR)
  : join(REPO_ROOT, 'test-results', 'screenshots');
/** Every Playwright wait in these tests is bounded by this (actions, assertions, navigations). */
export const UI_TIMEOUT_MS = 10_000;

/** `extraArgs`: more Chromium switches, such as `--host-resolver-rules` to send a made-up host to a local server. */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export async function newDashboardContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
  return context;
}

/** Signs in through the form and waits for the signed-in shell (the Sign out button). */
export async function signIn(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/dashboard/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Overwrites <SCREENSHOTS_DIR>/<name>.png with what the viewport shows. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  // Let fonts and layout settle; the caret would otherwise make screenshots differ run to run.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), caret: 'hide', timeout: UI_TIMEOUT_MS });
}

/** Clicks `trigger` and returns the file the page saved, with its suggested name and text. */
export async function downloadFrom(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: UI_TIMEOUT_MS }), click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await savedPath(download), 'utf8') };
}

async function savedPath(download: Download): Promise<string> {
  const path = await download.path();
  if (path === null)
    throw new Error(`the download ${download.suggestedFilename()} failed: ${await download.failure()}`);
  return path;
}
