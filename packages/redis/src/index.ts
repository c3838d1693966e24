/**
 * What several Tollgate nodes share through Redis: the revocation nudge, brute-force counters and rate-limit windows.
 * Each part degrades to its in-process counterpart while Redis is unreachable, and never throws a Redis error.
 */
export { type RedisOptions, DEFAULT_KEY_PREFIX, redactUrl } from './connection.js';
export { createRedisRevocationSignal } from './signal.js';
export {
  type RedisWindowCounterOptions,
  type WindowCounterPurpose,
  createRedisWindowCounter,
} from './window-counter.js';
