/**
 * What several Tollgate nodes share through Redis: the revocation nudge, brute-force counters, rate-limit windows and
 * the DPoP replay cache.
 * Each part degrades to its in-process counterpart while Redis is unreachable, and never throws a Redis error.
 */
export { type RedisOptions, DEFAULT_KEY_PREFIX, redactUrl } from './connection.js';
export { createRedisRevocationSignal } from './signal.js';
export {
  type RedisWindowCounterOptions,
  type WindowCounterPurpose,
  createRedisWindowCounter,
} from './window-counter.js';
export {
  type RedisDpopReplayCacheOptions,
  type ReplayCache,
  createRedisDpopReplayCache,
} from './dpop-replay.js';
