/** The server's webhook loops (beside background.ts): deliver what is due, and queue `api_token.expiring` notices. */
import type { Tollgate, WebhookSender } from '@tollgate/core';
import type { Logger } from 'pino';
import { repeatQuietly } from './background.js';

/** A queued event reaches its endpoint within about this long. */
export const WEBHOOK_DELIVERY_INTERVAL_MS = 500;
/** Tokens that came within 7 days of expiry are noticed within this long. */
export const EXPIRING_SCAN_INTERVAL_MS = 10_000;
/**
 * How often the recent audit log is read for events whose webhooks were not queued (a crash between the two writes,
 * the database refusing the second), and how far back: a server started after a crash looks back a day; running, it
 * looks back ten minutes, well beyond its own interval and any database outage it rode out.
 */
export const CATCH_UP_INTERVAL_MS = 30_000;
export const CATCH_UP_AT_START_SECONDS = 86_400;
export const CATCH_UP_WINDOW_SECONDS = 600;

type WebhookTollgate = Pick<Tollgate, 'deliverWebhooks' | 'queueExpiringApiTokenWebhooks' | 'catchUpWebhooks'>;

export function runWebhookLoops(tollgate: WebhookTollgate, send: WebhookSender, logger: Logger): () => void {
  const stopDelivering = repeatQuietly(
    () => tollgate.deliverWebhooks(send),
    WEBHOOK_DELIVERY_INTERVAL_MS,
    logger,
    { works: 'delivering webhooks works again', fails: 'delivering webhooks failed; they stay queued' },
    (round) => {
      if (round.delivered + round.retrying + round.failed > 0) logger.debug(round, 'webhook deliveries attempted');
      if (round.failed > 0) logger.warn({ failed: round.failed }, 'webhook deliveries given up after the last retry');
    },
  );
  const stopScanning = repeatQuietly(
    () => tollgate.queueExpiringApiTokenWebhooks(),
    EXPIRING_SCAN_INTERVAL_MS,
    logger,
    { works: 'queuing expiring-token webhooks works again', fails: 'queuing expiring-token webhooks failed' },
    (queued) => {
      if (queued > 0) logger.info({ queued }, 'api_token.expiring webhooks queued');
    },
  );
  let lookBackSeconds = CATCH_UP_AT_START_SECONDS;
  const stopCatchingUp = repeatQuietly(
    async () => {
      const queued = await tollgate.catchUpWebhooks(lookBackSeconds);
      lookBackSeconds = CATCH_UP_WINDOW_SECONDS;
      return queued;
    },
    CATCH_UP_INTERVAL_MS,
    logger,
    { works: 'catching up on webhook events works again', fails: 'catching up on webhook events failed' },
    (queued) => {
      if (queued > 0) logger.warn({ queued }, 'webhook events whose queuing was lost are queued now');
    },
  );
  return () => {
    stopDelivering();
    stopScanning();
    stopCatchingUp();
  };
}
