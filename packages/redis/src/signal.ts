/**
 * The revocation nudge over Redis pub/sub (core's RevocationSignal). A message carries nothing: it only tells every
 * node to poll its store now. Pub/sub is fire-and-forget, so a node that was disconnected may have missed messages;
 * after each reconnect the signal fires once on its own, and the store poll covers the rest.
 */
import type { RevocationSignal } from '@tollgate/core';
import { type RedisOptions, OutageLog, closeAll, connect, keyPrefix } from './connection.js';

export function createRedisRevocationSignal(options: RedisOptions): RevocationSignal & { close(): Promise<void> } {
  const channel = `${keyPrefix(options)}revocations`;
  const publisher = connect(options, 'revocation-publisher');
  // A connection in subscriber mode can issue no other command, hence two.
  const subscriber = connect(options, 'revocation-subscriber');
  const outage = new OutageLog(
    options,
    'revocation signal',
    'other nodes learn of revocations by polling the store until it is back',
    [publisher, subscriber],
  );
  const listeners = new Set<() => void>();
  const fire = (): void => {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        options.logger.error({ error: String(error) }, 'revocation signal: a listener failed');
      }
    }
  };

  let connectedBefore = false;
  subscriber.on('ready', () => {
    const reconnected = connectedBefore;
    connectedBefore = true;
    subscriber.subscribe(channel).then(
      // Whatever was published while this node was away is on the store; one poll, once nothing more can be
      // missed, picks it up.
      () => {
        if (reconnected) fire();
      },
      (error: unknown) => outage.failed(error),
    );
  });
  subscriber.on('message', (received: string) => {
    if (received === channel) fire();
  });

  return {
    publish(): void {
      try {
        publisher.publish(channel, '1').then(
          () => outage.succeeded(),
          (error: unknown) => outage.failed(error),
        );
      } catch (error) {
        outage.failed(error);
      }
    },
    subscribe(onSignal: () => void): () => void {
      // Wrapped, so the same function subscribed twice is two subscriptions, each ended by its own function.
      const listener = (): void => onSignal();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      listeners.clear();
      outage.close();
      await closeAll([publisher, subscriber]);
    },
  };
}
