/**
 * The dashboard's first load, as a person on a fast network sees it:
 *   - bytes: every script, stylesheet and module preload `dist/index.html` references, raw and gzipped (what a
 *     browser downloads before anything is drawn);
 *   - time to interactive: from navigation start until the sign-in form's "Sign in" button is actionable
 *     (visible, stable, enabled, receiving events: Preact has rendered and wired it), in headless Chromium over
 *     loopback, in a fresh browser context each time so nothing is cached. Median of five cold loads, after one
 *     warm-up load that lets the server read its files once. DOMContentLoaded (performance.timing) beside it.
 * Only 127.0.0.1, every wait bounded, the browser always closed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';
import { formatInteger, markdownTable, median } from './markdown.js';

const DIST = fileURLToPath(new URL('../../../packages/dashboard/dist/', import.meta.url));
const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const COLD_LOADS = 5;
const LOAD_TIMEOUT_MS = 15_000;
const LAUNCH_TIMEOUT_MS = 30_000;

interface Asset {
  path: string;
  rawBytes: number;
  gzipBytes: number;
}

/** `src`/`href` of scripts, stylesheets and module preloads in the built index.html. */
function referencedAssets(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) found.push(match[1] as string);
  for (const match of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = match[0];
    if (!/\brel="(stylesheet|modulepreload)"/.test(tag)) continue;
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href !== undefined) found.push(href);
  }
  return [...new Set(found)];
}

/** `/dashboard/assets/x.js` or `./assets/x.js` → the file under dist. */
function fileOf(reference: string): string {
  const path = (reference.split(/[?#]/)[0] ?? '').replace(/^\.\//, '');
  const candidates = [path.replace(/^\/dashboard\//, ''), path.replace(/^\//, '')].map((relative) =>
    join(DIST, relative),
  );
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`index.html references ${reference}, which is not in ${DIST}`);
  return file;
}

function measureAssets(html: string): Asset[] {
  return referencedAssets(html).map((reference) => {
    const content = readFileSync(fileOf(reference));
    return { path: reference, rawBytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

function sizeTable(assets: readonly Asset[]): string {
  const total = (pick: (asset: Asset) => number) => assets.reduce((sum, asset) => sum + pick(asset), 0);
  return markdownTable(
    ['Referenced by index.html', 'Raw (KiB)', 'gzip -9 (KiB)'],
    [
      ...assets.map((asset) => [asset.path, kib(asset.rawBytes), kib(asset.gzipBytes)]),
      [
        `**JS + CSS, ${assets.length} files**`,
        `**${kib(total((a) => a.rawBytes))}**`,
        `**${kib(total((a) => a.gzipBytes))}**`,
      ],
    ],
  );
}

interface Load {
  interactiveMs: number;
  domContentLoadedMs: number;
}

async function coldLoad(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(LOAD_TIMEOUT_MS);
    await page.goto(url, { waitUntil: 'commit', timeout: LOAD_TIMEOUT_MS });
    // A trial click waits until the button is actionable and clicks nothing.
    await page.getByRole('button', { name: 'Sign in', exact: true }).click({ trial: true });
    // performance.now() counts from the navigation's time origin; the round trip to read it is ~1 ms.
    const interactiveMs = Number(await page.evaluate('performance.now()'));
    await page.waitForLoadState('domcontentloaded');
    const domContentLoadedMs = Number(
      await page.evaluate('performance.timing.domContentLoadedEventEnd - performance.timing.navigationStart'),
    );
    return { interactiveMs, domContentLoadedMs };
  } finally {
    await context.close();
  }
}

async function timeLoads(url: string): Promise<Load[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
  try {
    await coldLoad(browser, url);
    const loads: Load[] = [];
    for (let load = 1; load <= COLD_LOADS; load++) {
      process.stderr.write(`dashboard cold load ${load}/${COLD_LOADS}...\n`);
      loads.push(await coldLoad(browser, url));
    }
    return loads;
  } finally {
    await browser.close();
  }
}

function timeTable(loads: readonly Load[]): string {
  const row = (name: string, values: number[]) => [
    name,
    formatInteger(median(values)),
    formatInteger(Math.min(...values)),
    formatInteger(Math.max(...values)),
  ];
  return markdownTable(
    [`${loads.length} cold loads, fresh context each`, 'Median (ms)', 'Min (ms)', 'Max (ms)'],
    [
      row(
        'Time to interactive ("Sign in" actionable)',
        loads.map((load) => load.interactiveMs),
      ),
      row(
        'DOMContentLoaded',
        loads.map((load) => load.domContentLoadedMs),
      ),
    ],
  );
}

/** Markdown for the report; says what it skipped and why rather than failing the whole benchmark. */
export async function runDashboardBench(issuer: string): Promise<string> {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) {
    return `Skipped: ${index} does not exist (build it with \`npm run build -w @tollgate/dashboard\`).`;
  }
  const sizes = sizeTable(measureAssets(readFileSync(index, 'utf8')));
  if (!existsSync(CHROMIUM)) return `${sizes}\n\nTime to interactive skipped: no Chromium at ${CHROMIUM}.`;
  const url = new URL('/dashboard/', issuer);
  if (url.hostname !== '127.0.0.1') throw new Error(`the dashboard benchmark runs on loopback only, not ${url.host}`);
  return `${sizes}\n\n${timeTable(await timeLoads(url.href))}`;
}
