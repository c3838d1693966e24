/**
 * The DPoP replay cache (DpopReplayCache of @tollgate/verify) on Redis, so a proof used at one gateway is refused at
 * every other (RFC 9449 11.1: "servers can store ... the jti value of each DPoP proof for the time window in which
 * the respective DPoP proof JWT would be accepted").
 *
 * One atomic command per proof: `SET <key> 1 PX <ms> NX` sets only a key that does not exist, so of any number of
 * concurrent calls with one key, on any number of nodes, exactly one gets `OK`; Redis's own expiry forgets the key.
 * Keys are `<prefix>dpop-jti:<SHA-256 of the replay key>`: fixed length whatever the caller passes, and no text a
 * client chose (a raw `jti`, say) ever reaches Redis (RFC 9449 11.1: "store only a hash thereof").
 *
 * Degradation, by design and as the rest of this package: while Redis is unreachable (or hangs), proofs are
 * remembered in the in-process `fallback`, so replays are refused per node (a replay to another node goes through
 * until Redis is back). Once it is back, keys the fallback took during the outage are still checked there until
 * they expire, so a proof first seen during the outage cannot be replayed at this node afterwards either.
 */
import { createHash } from 'node:crypto';
import { type RedisOptions, OutageLog, closeAll, connect, keyPrefix } from './connection.js';

/** The DpopReplayCache contract, restated so this package need not depend on the SDK that defines it. */
export interface ReplayCache {
  checkAndRemember(key: string, expiresAtMs: number): Promise<boolean>;
}

export interface RedisDpopReplayCacheOptions extends RedisOptions {
  /** Remembers proofs while Redis is unreachable; usually a MemoryDpopReplayCache. */
  fallback: ReplayCache;
  /** Epoch milliseconds, to turn an expiry into Redis's time to live. Default `Date.now`. */
  now?: () => number;
}

function checkEntry(key: unknown, expiresAtMs: unknown): void {
  if (typeof key !== 'string' || key === '') throw new TypeError('a replay key must be a non-empty string');
  if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) {
    throw new TypeError('expiresAtMs must be a finite number of epoch milliseconds');
  }
}

export function createRedisDpopReplayCache(options: RedisDpopReplayCacheOptions): ReplayCache & {
  close(): Promise<void>;
} {
  const { fallback } = options;
  const now = options.now ?? Date.now;
  const prefix = `${keyPrefix(options)}dpop-jti:`;
  const redis = connect(options, 'dpop-replay');
  const outage = new OutageLog(options, 'DPoP replay cache', 'proofs are remembered per node until it is back', [
    redis,
  ]);
  /** Until then the fallback may hold live keys from an outage, and is consulted too. */
  let fallbackLiveUntilMs = Number.NEGATIVE_INFINITY;

  /** True: new in Redis; false: seen; undefined: Redis failed (already logged) or hangs (skipped without waiting). */
  async function rememberShared(key: string, ttlMs: number): Promise<boolean | undefined> {
    if (outage.hung) return undefined;
    const redisKey = prefix + createHash('sha256').update(key).digest('base64url');
    try {
      const answer = await redis.set(redisKey, '1', 'PX', ttlMs, 'NX');
      outage.succeeded();
      return answer === 'OK';
    } catch (error) {
      outage.failed(error);
      return undefined;
    }
  }

  return {
    async checkAndRemember(key, expiresAtMs) {
      checkEntry(key, expiresAtMs);
      const ttlMs = Math.ceil(expiresAtMs - now());
      // Already outside its window: nothing to remember (the proof itself is refused as stale).
      if (ttlMs <= 0) return true;
      const fresh = await rememberShared(key, ttlMs);
      if (fresh === undefined) {
        fallbackLiveUntilMs = Math.max(fallbackLiveUntilMs, expiresAtMs);
        return fallback.checkAndRemember(key, expiresAtMs);
      }
      if (fresh && now() < fallbackLiveUntilMs) return fallback.checkAndRemember(key, expiresAtMs);
      return fresh;
    },
    close: () => {
      outage.close();
      return closeAll([redis]);
    },
  };
}
