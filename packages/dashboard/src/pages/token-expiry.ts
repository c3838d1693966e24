/**
 * The expiry a new API token is given: a number of days, a custom date (the token lasts to the end of that local
 * day) or never. A custom date is checked here against the server's bounds, so the person reads which dates they
 * may choose rather than the admin API's "expiresInSeconds must be…".
 */
import { DAY_SECONDS, formatDate, nowSeconds } from '../format.js';

/** core's MIN_API_TOKEN_TTL_SECONDS and MAX_API_TOKEN_TTL_SECONDS (the bundle cannot import core's values). */
const MIN_LIFETIME_SECONDS = 3600;
const MAX_LIFETIME_SECONDS = 5 * 365 * DAY_SECONDS;

export const EXPIRY_CHOICES: readonly (readonly [string, string])[] = [
  ['7', '7 days'],
  ['30', '30 days'],
  ['90', '90 days'],
  ['365', '1 year'],
  ['custom', 'Custom date…'],
];
export const NEVER_CHOICE = ['never', 'Never'] as const;
export const CUSTOM_EXPIRY_HINT = 'The token works until the end of that day; at most 5 years from now.';

/** Epoch seconds of the end (23:59:59 local) of a YYYY-MM-DD day; null when not a date. */
function endOfDay(date: string): number | null {
  const end = new Date(`${date}T23:59:59`);
  return Number.isNaN(end.getTime()) ? null : Math.floor(end.getTime() / 1000);
}

/** YYYY-MM-DD of the local day an epoch second falls on. */
function localDate(epochSeconds: number): string {
  const day = new Date(epochSeconds * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** The first and last days a custom expiry may be, as epoch seconds within them. */
function customDateBounds(now: number): { first: number; last: number } {
  const today = endOfDay(localDate(now)) ?? now;
  const first = today - now >= MIN_LIFETIME_SECONDS ? now : now + DAY_SECONDS;
  const latest = now + MAX_LIFETIME_SECONDS;
  const lastDayEnd = endOfDay(localDate(latest)) ?? latest;
  return { first, last: lastDayEnd <= latest ? latest : latest - DAY_SECONDS };
}

/**
 * `expiresInSeconds` for the admin API from the chosen expiry; throws an Error for people when a custom date is
 * missing or out of bounds.
 */
export function expiresInSeconds(choice: string, customDate: string, now = nowSeconds()): number | null {
  if (choice === 'never') return null;
  if (choice !== 'custom') return Number(choice) * DAY_SECONDS;
  const end = endOfDay(customDate);
  const seconds = end === null ? null : end - now;
  if (seconds === null || seconds < MIN_LIFETIME_SECONDS || seconds > MAX_LIFETIME_SECONDS) {
    const { first, last } = customDateBounds(now);
    throw new Error(`Choose an expiry date from ${formatDate(first)} to ${formatDate(last)}.`);
  }
  return seconds;
}
