/**
 * Credit arithmetic, shared by every store so they agree to the second. A refill SETS `remaining` to its amount
 * (it does not add: unused credits do not pile up, as with Unkey) at each UTC midnight (`day`) or at 00:00 UTC on
 * the first of each month (`month`). Refills are applied lazily, when the credits are consumed or read.
 */
import type { ApiTokenCredits, CreditConsumption } from '../storage/index.js';

const DAY_SECONDS = 86_400;

/** The first refill boundary strictly after `after` (epoch seconds); undefined without a refill. */
export function nextRefillAt(credits: ApiTokenCredits): number | undefined {
  if (credits.refill === null) return undefined;
  const after = credits.refilledAt;
  if (credits.refill.interval === 'day') return (Math.floor(after / DAY_SECONDS) + 1) * DAY_SECONDS;
  const date = new Date(after * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 1000;
}

/** The credits as they stand at `now`: refilled when a boundary has passed since the last time they were set. */
export function creditsAt(credits: ApiTokenCredits, now: number): ApiTokenCredits {
  const due = nextRefillAt(credits);
  if (due === undefined || credits.refill === null || now < due) return credits;
  return { remaining: credits.refill.amount, refill: credits.refill, refilledAt: now };
}

/** Refill due by `now`, then `cost` taken only if that many remain. Pure: the store writes the result atomically. */
export function spendCredits(credits: ApiTokenCredits, cost: number, now: number): CreditConsumption {
  const current = creditsAt(credits, now);
  if (current.remaining < cost) return { allowed: false, credits: current };
  return { allowed: true, credits: { ...current, remaining: current.remaining - cost } };
}
