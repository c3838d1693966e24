/**
 * Serving the gateway's metrics on `metrics.listen`. One gateway process serves its own registry. With `--workers N`
 * only the primary listens, and each scrape asks every worker for its counts over the cluster IPC channel and sums
 * them (prom-client's AggregatorRegistry): a scraper sees one gateway. A replaced worker starts from zero, which
 * Prometheus's rate() and increase() read as a counter reset.
 */
import { readFile } from 'node:fs/promises';
import { type MetricsListener, startMetricsListener } from '@tollgate/transport';
import { AggregatorRegistry } from 'prom-client';
import type { GatewayConfig } from '../config.js';
import { gatewayRegistry } from './gateway-metrics.js';

/** Starts the listener for this process's own counts; undefined when `metrics.listen` is not set. */
export function startLocalMetricsListener(config: GatewayConfig): Promise<MetricsListener | undefined> {
  return startListener(config, async () => ({
    contentType: gatewayRegistry.contentType,
    body: await gatewayRegistry.metrics(),
  }));
}

/** In the primary of `--workers N`: the listener for the sum of every worker's counts. */
export function startClusterMetricsListener(config: GatewayConfig): Promise<MetricsListener | undefined> {
  if (config.metrics.listen === undefined) return Promise.resolve(undefined);
  const aggregator = new AggregatorRegistry();
  return startListener(config, async () => ({
    contentType: aggregator.contentType,
    body: await aggregator.clusterMetrics(),
  }));
}

/** In a worker: answer the primary's requests for this worker's counts. */
export function answerMetricsRequests(): void {
  AggregatorRegistry.setRegistries([gatewayRegistry]);
  // Constructing one installs prom-client's IPC listener in this worker; the instance itself is not used.
  new AggregatorRegistry();
}

async function startListener(
  config: GatewayConfig,
  scrape: () => Promise<{ contentType: string; body: string }>,
): Promise<MetricsListener | undefined> {
  const listen = config.metrics.listen;
  if (listen === undefined) return undefined;
  const tls = listen.tls && { cert: await readFile(listen.tls.certFile), key: await readFile(listen.tls.keyFile) };
  return startMetricsListener({ host: listen.host, port: listen.port }, scrape, tls);
}
