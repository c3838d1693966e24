/**
 * When a failed delivery is tried again: the schedule the Standard Webhooks spec suggests ("Retry schedule":
 * immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), each delay stretched by up to 10 % at random so that
 * endpoints coming back after an outage are not hit by every retry at once. After the last, the delivery fails.
 */
const RETRY_DELAYS_SECONDS = Object.freeze([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]);

export const MAX_WEBHOOK_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
const JITTER_FRACTION = 0.1;

/** Seconds to wait after failed attempt number `attempt` (1-based); undefined once there is no attempt left. */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_DELAYS_SECONDS[attempt - 1];
  if (base === undefined) return undefined;
  return base + Math.floor(base * JITTER_FRACTION * random());
}
