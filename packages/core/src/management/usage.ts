/** Usage series over a window of UTC days: every day present, 0 when unused, so charts need no gap logic. */
import { checkRange } from './validate.js';
import type { UsageDayCount } from './views.js';

const DAY_SECONDS = 86_400;
export const MAX_USAGE_DAYS = 366;

/** `YYYY-MM-DD` of an epoch-seconds instant, in UTC (the day verifiers' reports are aggregated by). */
export function utcDay(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 10);
}

export function checkUsageDays(days: number): number {
  return checkRange(days, 'days', 1, MAX_USAGE_DAYS);
}

/** The `days` UTC days ending today, oldest first. */
export function usageWindow(now: number, days: number): string[] {
  const window: string[] = [];
  for (let back = days - 1; back >= 0; back--) window.push(utcDay(now - back * DAY_SECONDS));
  return window;
}

/** Sums rows into the window; rows outside it are ignored. */
export function fillUsage(
  window: readonly string[],
  rows: ReadonlyArray<{ day: string; count: number }>,
): { days: UsageDayCount[]; total: number } {
  const counts = new Map(window.map((day) => [day, 0]));
  for (const row of rows) {
    const current = counts.get(row.day);
    if (current !== undefined) counts.set(row.day, current + row.count);
  }
  const days = window.map((day) => ({ day, count: counts.get(day) ?? 0 }));
  return { days, total: days.reduce((sum, entry) => sum + entry.count, 0) };
}
