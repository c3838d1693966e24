/**
 * Runs the server: open store, key and core; listen; pick up key rotations made by other processes;
 * shut down gracefully on SIGTERM/SIGINT. Prints `Tollgate listening on <url>` once ready.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Tollgate } from '@tollgate/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { type ServerConfig, resolveIssuer } from './config.js';
import { createLogger } from './logging.js';
import { hostForUrl, isLoopbackHost } from './loopback.js';
import { openTollgateFromConfig } from './open.js';

/** `tollgate keys rotate` in another process is visible to this one within about this long. */
export const KEY_RELOAD_INTERVAL_MS = 1000;
/** Expired revocations and retired keys are dropped this often. */
export const PURGE_INTERVAL_MS = 10 * 60 * 1000;

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
  /** Stops accepting, lets in-flight requests finish, closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(initialConfig: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: initialConfig.logLevel });
  const config = await settlePort(initialConfig);
  const tls = config.tls && { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) };
  const opened = await openTollgateFromConfig(config, { warn: (message) => logger.warn(message) });
  let app: FastifyInstance;
  try {
    app = buildApp(opened.tollgate, config, logger, tls ? { tls } : {});
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await opened.close();
    throw error;
  }
  if (!tls && !isLoopbackHost(config.host)) {
    logger.warn(
      `Listening on ${config.host} without TLS: plain-HTTP requests are refused unless they come from loopback ` +
        'or from a trusted proxy that forwards X-Forwarded-Proto: https',
    );
  }
  const stopReloading = reloadKeysPeriodically(opened.tollgate, logger);
  const stopPurging = purgePeriodically(opened.tollgate, logger);
  const url = `${tls ? 'https' : 'http'}://${hostForUrl(config.host)}:${boundPort(app)}`;

  let removeSignalHandlers = () => {};
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopReloading();
      stopPurging();
      removeSignalHandlers();
      await app.close();
      opened.tollgate.revocationFeed.stop();
      await opened.close();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) removeSignalHandlers = exitOnSignals(close, logger);

  logger.info({ url, issuer: config.issuer }, 'server started');
  (options.announce ?? ((line) => process.stdout.write(`${line}\n`)))(`Tollgate listening on ${url}`);
  return { url, config, app, tollgate: opened.tollgate, close };
}

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the store, exit. */
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

/** Re-reads signing keys every second; a failure is logged and retried, never thrown. */
function reloadKeysPeriodically(tollgate: Tollgate, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tollgate
      .reloadKeys()
      .then((changed) => {
        if (changed) logger.info('signing keys reloaded');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'reloading signing keys failed'))
      .finally(() => {
        running = false;
      });
  }, KEY_RELOAD_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function purgePeriodically(tollgate: Tollgate, logger: Logger): () => void {
  const timer = setInterval(() => {
    tollgate
      .purgeExpired()
      .then((purged) => logger.debug(purged, 'purged expired revocations and keys'))
      .catch((error: unknown) => logger.error({ err: error }, 'purging expired entries failed'));
  }, PURGE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
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
