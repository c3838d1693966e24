/**
 * Runs the server: open store, key and core; listen; pick up key rotations made by other processes;
 * shut down gracefully on SIGTERM/SIGINT. Prints `Tollgate listening on <url>` once ready.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tollgate } from '@tollgate/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { endGracePeriodsPeriodically, purgePeriodically, reloadKeysPeriodically } from './background.js';
import { warnIfSigningAlgorithmDiffers } from './key-algorithm.js';
import { type ServerConfig, resolveIssuer } from './config.js';
import { createLogger } from './logging.js';
import { type MetricsListener, hostForUrl, isLoopbackHost, startMetricsListener } from '@tollgate/transport';
import { type OpenedTollgate, openTollgateFromConfig } from './open.js';
import { Readiness } from './readiness.js';
import { type SharedState, openSharedState } from './redis.js';
import { RequestsInFlight, closeWithin } from './shutdown.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { httpWebhookSender } from './webhook-sender.js';
import { runWebhookLoops } from './webhook-loops.js';

export { KEY_RELOAD_INTERVAL_MS, PURGE_INTERVAL_MS } from './background.js';

export interface StartOptions {
  /** Defaults to JSON lines on stdout at `config.logLevel`. */
  logger?: Logger;
  /** Install SIGTERM/SIGINT handlers that close the server and exit. Default true. */
  handleSignals?: boolean;
  /** Where the ready line goes; stdout by default. */
  announce?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  config: ServerConfig;
  app: FastifyInstance;
  tollgate: Tollgate;
  /**
   * Reports unready (/readyz 503), keeps serving for `drainDelay`, then stops accepting, ends the
   * revocation streams, lets in-flight requests finish for at most `shutdownGrace` (then cuts them off)
   * and closes the store. Idempotent.
   */
  close(): Promise<void>;
}

export async function startServer(initialConfig: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: initialConfig.logLevel });
  const config = await settlePort(initialConfig);
  const tls = config.tls && { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) };
  const shared = await openSharedState(config.redis, logger);
  let opened: OpenedTollgate;
  try {
    opened = await openTollgateFromConfig(config, {
      warn: (message) => logger.warn(message),
      onDatabaseOutage: (down, cause) => {
        if (down)
          logger.error({ err: cause }, 'the database stopped answering; refusing requests with 503 until it does');
        else logger.info('the database answers again');
      },
      dependencies: {
        attempts: shared.attempts,
        revocationSignal: shared.revocationSignal,
        dpopReplay: shared.dpopReplay,
        onWebhookQueueError: (error) => logger.error({ err: error }, 'queuing a webhook event failed'),
      },
    });
  } catch (error) {
    await shared.close();
    throw error;
  }
  const readiness = new Readiness({ ping: opened.ping, probeWrite: opened.probeWrite, logger });
  const metrics = new ServerMetrics();
  metrics.observe(opened.tollgate.events);
  let app: FastifyInstance | undefined;
  let inFlight: RequestsInFlight;
  let metricsListener: MetricsListener | undefined;
  try {
    const dashboard = { signIn: config.dashboard.signIn };
    const built = buildApp(opened.tollgate, config, logger, { readiness, dashboard, metrics, ...(tls ? { tls } : {}) });
    app = built;
    inFlight = new RequestsInFlight(built.server);
    await built.listen({ host: config.host, port: config.port });
    if (config.metrics.listen)
      metricsListener = await startMetricsListener(config.metrics.listen, () => metrics.scrape(), tls);
  } catch (error) {
    await Promise.allSettled([app?.close(), opened.close(), shared.close()]);
    throw error;
  }
  if (metricsListener) logger.info({ url: metricsListener.url }, 'metrics listener started');
  if (!tls && !isLoopbackHost(config.host)) {
    logger.warn(
      `Listening on ${config.host} without TLS: plain-HTTP requests are refused unless they come from loopback ` +
        'or from a trusted proxy that forwards X-Forwarded-Proto: https',
    );
  }
  await warnIfSigningAlgorithmDiffers(opened.tollgate, config.signingAlgorithm, logger).catch((error: unknown) =>
    logger.error({ err: error }, 'could not compare the signing key with signingAlgorithm'),
  );
  const stopReloading = reloadKeysPeriodically(opened.tollgate, logger);
  const stopPurging = purgePeriodically(opened.tollgate, logger);
  const stopEndingGrace = endGracePeriodsPeriodically(opened.tollgate, logger);
  const webhookSender = httpWebhookSender({ policy: opened.tollgate.webhookAddressPolicy });
  const stopWebhooks = runWebhookLoops(opened.tollgate, webhookSender.send, logger);
  const url = `${tls ? 'https' : 'http'}://${hostForUrl(config.host)}:${boundPort(app)}`;

  let removeSignalHandlers = () => {};
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      removeSignalHandlers();
      readiness.drain();
      if (config.drainDelaySeconds > 0) {
        logger.info({ drainDelaySeconds: config.drainDelaySeconds }, 'draining: /readyz now answers 503');
        await sleep(config.drainDelaySeconds * 1000);
      }
      stopReloading();
      stopPurging();
      stopEndingGrace();
      stopWebhooks();
      readiness.stop();
      await metricsListener?.close();
      await closeWithin(app, inFlight, config.shutdownGraceSeconds * 1000, logger);
      await opened.tollgate.webhooksSettled();
      // Idle connections close now; a delivery still in flight ends as before, within its own timeout.
      webhookSender
        .close()
        .catch((error: unknown) => logger.warn({ err: error }, 'closing webhook connections failed'));
      opened.tollgate.revocationFeed.stop();
      await releaseAll(opened, shared, logger);
    })();
    return closing;
  };
  if (options.handleSignals ?? true) removeSignalHandlers = exitOnSignals(close, logger);

  logger.info({ url, issuer: config.issuer, database: opened.database }, 'server started');
  (options.announce ?? ((line) => process.stdout.write(`${line}\n`)))(`Tollgate listening on ${url}`);
  return { url, config, app, tollgate: opened.tollgate, close };
}

/** The store and the Redis connections, each closed even when the other fails. */
async function releaseAll(opened: OpenedTollgate, shared: SharedState, logger: Logger): Promise<void> {
  const results = await Promise.allSettled([opened.close(), shared.close()]);
  for (const result of results) {
    if (result.status === 'rejected') logger.error({ err: result.reason }, 'closing a connection failed');
  }
}

/** SIGTERM/SIGINT: report unready, drain, stop accepting, let in-flight requests finish, close the store, exit. */
function exitOnSignals(close: () => Promise<void>, logger: Logger): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/**
 * Port 0 asks for any free port. The issuer is fixed before the core opens, so when it is derived from
 * host and port the port is chosen first (tests use this to run servers side by side).
 */
async function settlePort(config: ServerConfig): Promise<ServerConfig> {
  if (config.port !== 0 || !config.issuerDerived) return config;
  const port = await findFreePort(config.host);
  const issuer = resolveIssuer(undefined, { host: config.host, port, tls: config.tls !== undefined });
  if (!('origin' in issuer)) return config;
  return Object.freeze({ ...config, port, issuer: issuer.origin });
}

function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
