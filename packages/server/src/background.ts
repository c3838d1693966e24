/**
 * The server's housekeeping loops. All outlive any database outage: a failed round is logged and the next
 * one runs on schedule, and nothing learnt before the outage (the keys in memory) is thrown away meanwhile.
 */
import type { Tollgate } from '@tollgate/core';
import type { Logger } from 'pino';

/** `tollgate keys rotate` in another process is visible to this one within about this long. */
export const KEY_RELOAD_INTERVAL_MS = 1000;
/** Expired revocations and retired keys are dropped this often. */
export const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Re-reads signing keys every second. While the database is down the keys in memory keep signing and the
 * JWKS keeps being served; the failure is logged once when it starts and once when reloading works again,
 * not every second.
 */
export function reloadKeysPeriodically(tollgate: Pick<Tollgate, 'reloadKeys'>, logger: Logger): () => void {
  return repeatQuietly(
    () => tollgate.reloadKeys(),
    KEY_RELOAD_INTERVAL_MS,
    logger,
    { works: 'reloading signing keys works again', fails: 'reloading signing keys failed; keeping the keys in memory' },
    (changed) => {
      if (changed) logger.info('signing keys reloaded');
    },
  );
}

/** A grace period that has ended is revoked within this long (plus the revocation stream's delivery). */
export const GRACE_SWEEP_INTERVAL_MS = 250;

/**
 * Ends the API-token grace periods that are due (see Tollgate.endGracePeriods), four times a second, so an old
 * secret is refused everywhere within a second of its end. Every node does it; each ends a given period once.
 */
export function endGracePeriodsPeriodically(tollgate: Pick<Tollgate, 'endGracePeriods'>, logger: Logger): () => void {
  return repeatQuietly(
    () => tollgate.endGracePeriods(),
    GRACE_SWEEP_INTERVAL_MS,
    logger,
    { works: 'ending API-token grace periods works again', fails: 'ending API-token grace periods failed' },
    (ended) => {
      if (ended > 0) logger.info({ ended }, 'API-token grace periods ended');
    },
  );
}

/**
 * Runs `task` every `intervalMs`, never two at once; a failure is logged when failing starts and when it stops,
 * not every round.
 */
export function repeatQuietly<T>(
  task: () => Promise<T>,
  intervalMs: number,
  logger: Logger,
  messages: { works: string; fails: string },
  onDone: (result: T) => void,
): () => void {
  let running = false;
  let failing = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .then((result) => {
        if (failing) logger.info(messages.works);
        failing = false;
        onDone(result);
      })
      .catch((error: unknown) => {
        if (!failing) logger.error({ err: error }, messages.fails);
        failing = true;
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function purgePeriodically(tollgate: Pick<Tollgate, 'purgeExpired'>, logger: Logger): () => void {
  const timer = setInterval(() => {
    tollgate
      .purgeExpired()
      .then((purged) => logger.debug(purged, 'purged expired revocations and keys'))
      .catch((error: unknown) => logger.error({ err: error }, 'purging expired entries failed'));
  }, PURGE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
