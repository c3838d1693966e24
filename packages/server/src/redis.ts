/**
 * What this node shares with the others through Redis, when `redis` is configured: the revocation nudge
 * (other nodes' revocations reach this node's streams at once instead of at the next store poll), the
 * brute-force counters (limits hold across nodes instead of per node) and the DPoP proofs the token endpoint
 * has seen (a proof used at one node is refused at every other). Redis down is a degradation the
 * package logs and rides out; it never fails a request or readiness.
 */
import type { RevocationSignal } from '@tollgate/core';
import { type DpopReplayCache, MemoryDpopReplayCache } from '@tollgate/jwt';
import { MemoryWindowCounter, type WindowCounter } from '@tollgate/window-counter';
import type { Logger } from 'pino';

export interface SharedState {
  attempts?: WindowCounter;
  revocationSignal?: RevocationSignal;
  dpopReplay?: DpopReplayCache;
  close(): Promise<void>;
}

export async function openSharedState(redisUrl: string | undefined, logger: Logger): Promise<SharedState> {
  if (redisUrl === undefined) return { close: async () => {} };
  // Loaded only when configured, so a single node without Redis never loads the client.
  const redis = await import('@tollgate/redis');
  const revocationSignal = redis.createRedisRevocationSignal({ url: redisUrl, logger });
  const attempts = redis.createRedisWindowCounter({
    url: redisUrl,
    logger,
    purpose: 'attempts',
    fallback: new MemoryWindowCounter(),
  });
  const dpopReplay = redis.createRedisDpopReplayCache({ url: redisUrl, logger, fallback: new MemoryDpopReplayCache() });
  logger.info(
    { redis: redis.redactUrl(redisUrl) },
    'sharing revocation signals, attempt counters and DPoP proofs seen through Redis',
  );
  return {
    attempts,
    revocationSignal,
    dpopReplay,
    close: async () => {
      await Promise.allSettled([revocationSignal.close(), attempts.close(), dpopReplay.close()]);
    },
  };
}
