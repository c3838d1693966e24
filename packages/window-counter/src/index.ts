/**
 * One fixed-window counter for everything Tollgate counts per key: brute-force failures (core) and rate-limit hits
 * (gateway). A window opens at a key's first hit and lasts `windowMs`; every hit counts, and the caller decides what
 * a count means (a rate limit allows `count <= limit`; the brute-force guard takes back attempts it refused).
 *
 * Its own package because core and the gateway both use it and neither may depend on the other (the gateway
 * installs without the server's packages), and core must not depend on Redis: the Redis implementation lives in
 * @tollgate/redis, this interface and the in-process implementation here, with no dependency at all.
 */
export { type WindowCount, type WindowCounter, NO_WINDOW, assertWindowMs } from './window-counter.js';
export { type MemoryWindowCounterOptions, MemoryWindowCounter } from './memory.js';
