/**
 * The server's housekeeping loops. Both outlive any database outage: a failed round is logged and the next
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
  let running = false;
  let failing = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tollgate
      .reloadKeys()
      .then((changed) => {
        if (failing) logger.info('reloading signing keys works again');
        failing = false;
        if (changed) logger.info('signing keys reloaded');
      })
      .catch((error: unknown) => {
        if (!failing) logger.error({ err: error }, 'reloading signing keys failed; keeping the keys in memory');
        failing = true;
      })
      .finally(() => {
        running = false;
      });
  }, KEY_RELOAD_INTERVAL_MS);
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
