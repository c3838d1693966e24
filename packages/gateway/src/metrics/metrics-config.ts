/**
 * `metrics.listen`: where the gateway serves GET /metrics (docs/metrics.md). Off unless set; shaped like `listen`.
 * Plain HTTP only on a loopback address, as for `listen`, but no trustProxy escape: a scraper talks to it directly.
 */
import { filePath, integer } from '@tollgate/config';
import { isLoopbackHost } from '@tollgate/transport';
import { z } from 'zod';

export const metricsSettings = z
  .strictObject({
    listen: z
      .strictObject({
        host: z.string({ error: 'must be a host name or address' }).min(1).default('127.0.0.1'),
        port: integer(0, 65_535).default(9465),
        tls: z.strictObject({ certFile: filePath, keyFile: filePath }).optional(),
      })
      .optional(),
  })
  .prefault({});

export function checkMetricsListener(
  metrics: z.output<typeof metricsSettings>,
  problem: (path: PropertyKey[], message: string) => void,
): void {
  const listen = metrics.listen;
  if (listen === undefined || listen.tls !== undefined || isLoopbackHost(listen.host)) return;
  problem(
    ['metrics', 'listen', 'host'],
    'plain HTTP is served only on a loopback address: configure metrics.listen.tls',
  );
}
