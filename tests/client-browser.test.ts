/**
 * @tollgate/client in a real browser (Debian's Chromium), loading the built ESM from a page server:
 * - two tabs sharing tokens in IndexedDB refresh once between them, because the Web Lock makes the second tab
 *   wait and then read the storage again, finding the first tab's new tokens (against a real Tollgate);
 * - the example page (examples/client-browser.html) signs in, calls an API and signs out;
 * - the redirect helpers run the code flow with PKCE and DPoP, keeping the verifier in sessionStorage and the
 *   non-extractable DPoP key in IndexedDB across the two page loads (against oidc-provider, a real server).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type * as ClientModule from '@tollgate/client';
import type * as BrowserModule from '@tollgate/client/browser';
import { type PageServer, startPageServer } from './support/client-pages.js';
import { type ClientWorld, startClientWorld, TOKEN_TTL_SECONDS } from './support/client-world.js';
import { launchBrowser, UI_TIMEOUT_MS } from './support/dashboard-browser.js';
import { REPO_ROOT } from './support/paths.js';
import { type OidcPeer, startOidcPeer } from './support/oidc-peer.js';
import { waitUntil } from './support/wait.js';

const REQUESTS_PER_TAB = 25;
const PAST_EXPIRY_MS = (TOKEN_TTL_SECONDS + 1) * 1000;

/** What the page (client-pages.ts) and the test put on the page's globalThis. */
interface PageGlobals {
  tollgateClient: typeof ClientModule;
  tollgateBrowser: typeof BrowserModule;
  sessionStorage: ClientModule.WebStorageLike;
  location: { href: string };
  navigator: { locks: { query(): Promise<{ held?: { name: string }[]; pending?: { name: string }[] }> } };
  client: ClientModule.TollgateClient;
  clockOffsetMs: number;
  statuses: Promise<number[]>;
}

/** Starts examples/serve-client-page.mjs on a free port; resolves once it says where it listens. */
function startExamplePageServer(env: Record<string, string>): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['serve-client-page.mjs'], {
    cwd: join(REPO_ROOT, 'examples'),
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`the example page server did not start: ${output}`)),
      UI_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the example page server exited with ${code}: ${output}`));
    });
  });
}

async function openApp(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/app.html`);
  await page.waitForFunction('document.title === "ready"', undefined, { timeout: UI_TIMEOUT_MS });
  return page;
}

describe('@tollgate/client in Chromium', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser?.close());

  describe('two tabs against Tollgate', () => {
    let world: ClientWorld;
    let pages: PageServer;
    let context: BrowserContext;
    before(async () => {
      world = await startClientWorld();
      pages = await startPageServer({ tollgate: world.server.url, api: world.readApi.url });
      context = await browser.newContext();
    });
    after(async () => {
      await context?.close();
      await pages?.close();
      await world?.stop();
    });

    /** A client in the page: tokens in IndexedDB (shared by the tabs), the token endpoint through the proxy. */
    function createTabClient(page: Page): Promise<void> {
      return page.evaluate(
        ({ issuer, origin }) => {
          const page = globalThis as unknown as PageGlobals;
          page.clockOffsetMs = 0;
          page.client = page.tollgateClient.createClient({
            issuer,
            metadata: { issuer, token_endpoint: `${origin}/tollgate/token` },
            storage: page.tollgateBrowser.indexedDbStorage(),
            now: () => Date.now() + page.clockOffsetMs,
          });
        },
        { issuer: world.server.url, origin: pages.origin },
      );
    }

    it(`refreshes once for ${2 * REQUESTS_PER_TAB} requests in two tabs across an expiry`, async () => {
      const tabs = [await openApp(context, pages.origin), await openApp(context, pages.origin)];
      for (const tab of tabs) await createTabClient(tab);
      const [first, second] = tabs as [Page, Page];
      await first.evaluate((user) => (globalThis as unknown as PageGlobals).client.login(user), world.user);

      await world.advanceServerClock(PAST_EXPIRY_MS);
      pages.holdRefreshes();
      for (const tab of tabs) {
        await tab.evaluate(
          ({ count, advanceMs }) => {
            const page = globalThis as unknown as PageGlobals;
            page.clockOffsetMs += advanceMs;
            const calls = Array.from({ length: count }, () => page.client.fetch('/api/echo').then((r) => r.status));
            page.statuses = Promise.all(calls);
          },
          { count: REQUESTS_PER_TAB, advanceMs: PAST_EXPIRY_MS },
        );
      }
      // One tab's refresh is under way (its answer held); the other must be queued on the lock, not refreshing.
      await waitUntil(
        'one refresh held and the other tab waiting for the Web Lock',
        async () => {
          const { pending = [] } = await second.evaluate(() =>
            (globalThis as unknown as PageGlobals).navigator.locks.query(),
          );
          return pages.refreshes() === 1 && pending.length === 1 ? true : undefined;
        },
        { timeoutMs: UI_TIMEOUT_MS },
      );
      pages.releaseRefreshes();

      for (const tab of tabs) {
        const statuses = await tab.evaluate(() => (globalThis as unknown as PageGlobals).statuses);
        assert.deepEqual(statuses, Array(REQUESTS_PER_TAB).fill(200));
      }
      assert.equal(pages.refreshes(), 1);
      const tokens = await Promise.all(
        tabs.map((tab) => tab.evaluate(() => (globalThis as unknown as PageGlobals).client.getAccessToken())),
      );
      assert.equal(tokens[0], tokens[1], 'both tabs use the one refreshed token');
    });

    it('runs the example page: signs in, calls the API, signs out', async () => {
      const example = await startExamplePageServer({
        TOLLGATE_ISSUER: world.server.url,
        API_URL: `${world.readApi.url}/data`,
      });
      try {
        const page = await context.newPage();
        await page.goto(example.url);
        const output = page.locator('#output');
        await page.getByLabel('Password').fill(world.user.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await output.filter({ hasText: 'Signed in' }).waitFor();
        await page.getByRole('button', { name: 'Call the API' }).click();
        await output.filter({ hasText: /^200 \{"subject":"usr_/ }).waitFor();
        await page.getByRole('button', { name: 'Sign out' }).click();
        await output.filter({ hasText: 'Signed out' }).waitFor();
      } finally {
        example.stop();
      }
    });
  });

  describe('the redirect helpers against oidc-provider', () => {
    let peer: OidcPeer;
    let pages: PageServer;
    let context: BrowserContext;
    before(async () => {
      // The page server first: the provider must know the web client's redirect URI when it starts.
      pages = await startPageServer({ tollgate: 'http://127.0.0.1:9', api: 'http://127.0.0.1:9' });
      peer = await startOidcPeer([`${pages.origin}/app.html`]);
      context = await browser.newContext();
    });
    after(async () => {
      await context?.close();
      await peer?.close();
      await pages?.close();
    });

    function createRedirectClient(page: Page): Promise<void> {
      return page.evaluate(
        ({ issuer, clientId }) => {
          const page = globalThis as unknown as PageGlobals;
          page.client = page.tollgateClient.createClient({
            issuer,
            clientId,
            storage: page.tollgateClient.webStorage(page.sessionStorage),
            dpopKeyPair: page.tollgateBrowser.indexedDbDpopKeyPair(),
          });
        },
        { issuer: peer.issuer, clientId: peer.webClientId },
      );
    }

    it('signs in through a redirect and back, with PKCE, DPoP and a clean address bar', async () => {
      const page = await openApp(context, pages.origin);
      await createRedirectClient(page);
      const redirectUri = `${pages.origin}/app.html`;
      const back = page.waitForURL((url) => url.searchParams.has('code'), { timeout: UI_TIMEOUT_MS });
      await page.evaluate(
        ({ redirectUri, scope }) => {
          const page = globalThis as unknown as PageGlobals;
          // Not awaited: it ends by leaving the page.
          void page.tollgateBrowser.startRedirectLogin(page.client, { redirectUri, scope });
        },
        { redirectUri, scope: peer.scope },
      );
      await back;
      await page.waitForFunction('document.title === "ready"', undefined, { timeout: UI_TIMEOUT_MS });
      await createRedirectClient(page);
      const outcome = await page.evaluate(async (resourceUrl) => {
        const page = globalThis as unknown as PageGlobals;
        const wasCallback = page.tollgateBrowser.isRedirectCallback();
        const tokens = await page.tollgateBrowser.completeRedirectLogin(page.client);
        const response = await page.client.fetch(resourceUrl);
        const keyPair = await page.tollgateBrowser.indexedDbDpopKeyPair()();
        return {
          wasCallback,
          tokenType: tokens.tokenType,
          status: response.status,
          subject: ((await response.json()) as { sub: string }).sub,
          address: page.location.href,
          pending: page.sessionStorage.getItem('tollgate.pendingAuthorization'),
          extractable: keyPair.privateKey.extractable,
          thumbprint: await page.client.dpopThumbprint(),
        };
      }, peer.resourceUrl);
      assert.equal(outcome.wasCallback, true);
      assert.equal(outcome.tokenType, 'DPoP');
      assert.equal(outcome.status, 200);
      assert.equal(outcome.subject, 'alice');
      assert.equal(outcome.address, redirectUri, 'code, state and iss are gone from the address bar');
      assert.equal(outcome.pending, null, 'the verifier was used once and removed');
      assert.equal(outcome.extractable, false);
      assert.match(outcome.thumbprint ?? '', /^[A-Za-z0-9_-]{43}$/);
    });
  });
});
