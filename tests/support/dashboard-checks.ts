/**
 * What the dashboard's browser tests check on a page beyond what it shows: where focus is, whether every control is
 * within the screen, whether a token of text was broken across lines, and what axe-core (the standard
 * accessibility engine) finds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Locator, Page } from 'playwright-core';
import { UI_TIMEOUT_MS } from './dashboard-browser.js';
import { waitUntil } from './wait.js';

// The functions given to evaluate run in the page. These tests compile without the DOM's types, so the little of
// the DOM those functions use is declared here.
interface ClientBox {
  left: number;
  right: number;
  top: number;
  width: number;
  height: number;
}
interface PageElement {
  tagName: string;
  textContent: string | null;
  outerHTML: string;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): ClientBox;
  scrollWidth: number;
  clientWidth: number;
}
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number };
  querySelectorAll(selector: string): Iterable<PageElement>;
  createRange(): { selectNodeContents(node: PageElement): void; getClientRects(): Iterable<ClientBox> };
};

/**
 * Passes once `locator` is document.activeElement (focus moves after a render, so it is polled); fails naming
 * what has focus instead.
 */
export async function assertFocused(page: Page, locator: Locator, what: string): Promise<void> {
  const isFocused = () =>
    locator.evaluate((element: PageElement) => element === document.activeElement, undefined, { timeout: 1_000 });
  try {
    await waitUntil(what, async () => ((await isFocused()) ? true : undefined), {
      timeoutMs: UI_TIMEOUT_MS,
      intervalMs: 50,
    });
  } catch {
    const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200) ?? 'nothing');
    assert.fail(`${what}: focus is on ${focused}`);
  }
}

/** Controls (and the page itself) reaching past the left or right edge of a viewport `width` px wide. */
export function outsideViewport(page: Page, width: number): Promise<string[]> {
  return page.evaluate((viewportWidth) => {
    const found: string[] = [];
    const pageWidth = document.documentElement.scrollWidth;
    if (pageWidth > viewportWidth) found.push(`the page is ${pageWidth} px wide`);
    for (const element of document.querySelectorAll('button, a[href], input, select, textarea, [tabindex="0"]')) {
      const box = element.getBoundingClientRect();
      // Not laid out, or parked far left until focused (the skip link).
      if ((box.width === 0 && box.height === 0) || box.right <= 0) continue;
      if (box.left < 0 || box.right > viewportWidth) {
        const name = element.getAttribute('aria-label') ?? element.textContent?.trim();
        const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
        found.push(`${element.tagName.toLowerCase()} "${name}" spans x = ${span}`);
      }
    }
    return found;
  }, width);
}

/** The texts of elements matching `selector` that are laid out on more than one line. */
export function brokenAcrossLines(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((cells) => {
    const broken: string[] = [];
    for (const element of document.querySelectorAll(cells)) {
      const range = document.createRange();
      range.selectNodeContents(element);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) broken.push(`"${element.textContent}" on ${lines.size} lines`);
    }
    return broken;
  }, selector);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The impacts that fail a test: what keeps someone from using the page or seriously gets in their way. */
const BLOCKING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);

/**
 * axe-core's serious and critical violations on the page as it is now, in the elements `within` selects (a dialog
 * just opened on a page already checked) or the whole document. The engine goes in through evaluate (the devtools
 * protocol), which the dashboard's CSP does not govern, rather than a <script> the CSP would refuse.
 */
export async function seriousViolations(page: Page, within?: string): Promise<Result[]> {
  if (!(await page.evaluate<boolean>("typeof globalThis.axe?.run === 'function'"))) {
    await page.evaluate(`${AXE_SOURCE}\n;true`);
  }
  const context = within === undefined ? 'document' : JSON.stringify(within);
  const results = await page.evaluate<AxeResults>(`axe.run(${context}, { resultTypes: ['violations'] })`);
  return results.violations.filter((violation) => BLOCKING_IMPACTS.has(violation.impact ?? ''));
}

/** One line per violation and per element, for an assertion message. */
export function describeViolations(where: string, violations: readonly Result[]): string {
  return violations
    .flatMap((violation) => [
      `${where}: ${violation.id} (${violation.impact}): ${violation.help}`,
      ...violation.nodes.map((node) => `    ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`),
    ])
    .join('\n');
}

/**
 * Waits until every table too wide for its box has become a focusable region (components/table.tsx does it once its
 * ResizeObserver has seen the layout), so axe does not look in between. A function, not a string: the dashboard's
 * CSP forbids the eval a polled string predicate needs.
 */
export async function tablesSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.table-wrap')].every(
      (wrap) => wrap.scrollWidth <= wrap.clientWidth || wrap.getAttribute('role') === 'region',
    ),
  );
}
