/**
 * The dashboard's new-token form driven as a person does, for tests that need a token made in the browser, and an
 * API to spend it on.
 */
import type { Page } from 'playwright-core';
import type { DashboardServer } from './dashboard-server.js';
import { type ProtectedApi, startProtectedApi } from './protected.js';
import { USER_API } from './seed.js';

/** The seeded user API behind the verify SDK, which reports each token's use to the server. */
export function protectUserApi(tollgate: DashboardServer): Promise<ProtectedApi> {
  const { server, seed, fetch } = tollgate;
  return startProtectedApi({ issuer: server.url, audience: USER_API, client: seed.backend, fetch });
}

export interface TokenChoices {
  api?: string;
  scope?: string;
  /** A value of the Expires list: '7', '30', '90', '365', 'custom'. */
  expires?: string;
}

/** Opens the form (unless it is open) and fills it in, without submitting. */
export async function fillTokenForm(page: Page, name: string, choices: TokenChoices = {}): Promise<void> {
  const nameField = page.getByLabel('Name');
  if ((await nameField.count()) === 0) await page.getByRole('button', { name: '+ API token' }).click();
  await nameField.fill(name);
  await page.getByRole('checkbox', { name: choices.api ?? USER_API }).check();
  await page.getByRole('checkbox', { name: choices.scope ?? 'read:data' }).check();
  if (choices.expires !== undefined) await page.getByLabel('Expires').selectOption(choices.expires);
}

/** Makes a token, returns its secret and leaves the secret panel open. */
export async function createToken(page: Page, name: string, choices: TokenChoices = {}): Promise<string> {
  await fillTokenForm(page, name, choices);
  await page.getByRole('button', { name: 'Create token' }).click();
  return (await page.getByTestId('new-secret').textContent()) ?? '';
}
