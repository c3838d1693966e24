/**
 * Starts the gateway: one verifier for the issuer, serving every route's audience (ready before the first
 * request), one connection pool per upstream origin, and a bare node:http / node:https server whose handlers
 * are proxy.ts (requests, forward-auth) and websocket.ts (upgrades).
 */
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { type Server, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createRedisDpopReplayCache, createRedisWindowCounter } from '@tollgate/redis';
import { type DpopOptions, MemoryDpopReplayCache, type Verifier, createVerifier } from '@tollgate/verify';
import { MemoryWindowCounter, type WindowCounter } from '@tollgate/window-counter';
import type { DestinationStream, Logger } from 'pino';
import { AccessLog, createGatewayLogger, streamOf } from './access-log.js';
import type { GatewayConfig } from './config.js';
import { headerPolicy } from './headers.js';
import { type MetricsListener, hostForUrl, isLoopbackHost, trustedProxies } from '@tollgate/transport';
import { startCounting } from './metrics/gateway-metrics.js';
import { startLocalMetricsListener } from './metrics/metrics-listener.js';
import { createRequestHandler } from './proxy.js';
import type { ForwardAuthEndpoint, GatewayRuntime } from './runtime.js';
import { type RateLimiter, WindowCounterRateLimiter } from './rate-limit.js';
import { ownerHeaderNames, RouteTable } from './routes.js';
import { UpstreamPools } from './upstream.js';
import { createUpgradeHandler } from './websocket.js';

/** In-flight requests get this long to finish on close; then their connections are cut. */
const CLOSE_GRACE_MS = 10_000;

export interface GatewayOptions {
  /** Defaults to JSON lines on stdout at `config.logLevel`. */
  logger?: Logger;
  /** Where the default logger writes (tests capture it). */
  logDestination?: DestinationStream;
  /** Defaults to Redis when `config.redis` is set, else counting with `counter`. */
  rateLimiter?: RateLimiter;
  /** Counts rate-limit hits when `config.redis` is not set. Default: this process's memory (workers.ts: the primary's). */
  counter?: WindowCounter;
  /** Passed to every verifier (tests, custom transports). */
  fetch?: typeof fetch;
  now?: () => number;
}

export interface RunningGateway {
  url: string;
  /** Where GET /metrics is served (`metrics.listen`); undefined when off, and in a worker (the primary serves it). */
  metricsUrl?: string;
  /** Stops accepting, lets in-flight requests finish (up to a grace period), closes tunnels and pools. Idempotent. */
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const logger = options.logger ?? createGatewayLogger({ level: config.logLevel, destination: options.logDestination });
  const routes = new RouteTable(config);
  // A worker counts too: the primary of `--workers N` sums the workers' counts when scraped.
  if (config.metrics.listen !== undefined) startCounting();
  const audiences = routes.audiences();
  // Only protected routes see proofs: a gateway of public routes opens no Redis connection for them.
  const replayCache = audiences.length === 0 ? undefined : createReplayCache(config, logger, options);
  const verifier =
    replayCache &&
    (await startVerifier(config, audiences, { ...options, replayCache }).catch(closeAndRethrow(replayCache)));
  const limiter = options.rateLimiter ?? createRateLimiter(config, logger, options);
  const pools = new UpstreamPools(
    routes.routes.map((route) => route.upstream.origin),
    config.timeouts,
  );
  const runtime: GatewayRuntime = {
    routes,
    verifier,
    limiter,
    logger,
    accessLog: new AccessLog(logger, streamOf(logger)),
    policy: headerPolicy(config.identityHeaders, config.forwardToken, ownerHeaderNames(routes.routes)),
    pools,
    isTrustedProxy: trustedProxies(config.trustProxy),
    forwardAuth: forwardAuthEndpoint(config),
    publicUrl: config.publicUrl,
  };
  const tunnels = new Set<Duplex>();
  const server = await createServer(config);
  const handleRequest = createRequestHandler(runtime);
  server.on('request', (req, res) => handleRequest(req, res));
  server.on('checkContinue', (req, res) => handleRequest(req, res, true));
  server.on('upgrade', createUpgradeHandler(runtime, { ...config.timeouts, tunnels }));

  let metricsListener: MetricsListener | undefined;
  try {
    await listen(server, config.listen.host, config.listen.port);
    // With --workers N the primary serves every worker's counts (workers.ts); a worker serves none.
    if (cluster.isPrimary) metricsListener = await startLocalMetricsListener(config);
  } catch (error) {
    server.close();
    await Promise.all([pools.close(), limiter.close?.(), verifier?.close(), replayCache?.close?.()]);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `${config.listen.tls ? 'https' : 'http'}://${hostForUrl(config.listen.host)}:${port}`;
  if (!config.listen.tls && !isLoopbackHost(config.listen.host)) {
    logger.warn('listening without TLS: plain HTTP is refused unless it comes from loopback or a trusted proxy');
  }
  logger.info({ url, routes: routes.routes.length, metricsUrl: metricsListener?.url }, 'gateway started');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= shutDown(server, tunnels, async () => {
      await metricsListener?.close();
      await pools.close();
      await verifier?.close();
      await limiter.close?.();
      await replayCache?.close?.();
      await flushLog(logger);
    });
    return closing;
  };
  return { url, close, ...(metricsListener ? { metricsUrl: metricsListener.url } : {}) };
}

/** How long close() waits for buffered log lines to be written (a stdout nobody reads must not hold it up). */
const LOG_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Writes the log lines still buffered (log-stream.ts in @tollgate/transport) and waits for the write: the process may
 * exit right after close(), and the exit-time flush cannot finish a write under way on the thread pool (a socket or
 * terminal stdout; a pipe's writes are never under way, see log-sinks.ts).
 */
function flushLog(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, LOG_FLUSH_TIMEOUT_MS);
    timer.unref();
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function forwardAuthEndpoint({ forwardAuth }: GatewayConfig): ForwardAuthEndpoint | undefined {
  if (!forwardAuth.enabled || forwardAuth.mode === undefined) return undefined;
  return { path: forwardAuth.path, mode: forwardAuth.mode };
}

/** Shared through Redis when configured (per process, in memory, while Redis is down); otherwise `options.counter`. */
function createRateLimiter(config: GatewayConfig, logger: Logger, { now, counter }: GatewayOptions): RateLimiter {
  const clock = now === undefined ? {} : { now };
  if (config.redis === undefined) return new WindowCounterRateLimiter(counter ?? new MemoryWindowCounter(clock), clock);
  const memory = new MemoryWindowCounter(clock);
  const shared = createRedisWindowCounter({
    url: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    logger,
    purpose: 'rate',
    fallback: memory,
    ...clock,
  });
  return new WindowCounterRateLimiter(shared, clock);
}

type ReplayCache = NonNullable<DpopOptions['replayCache']> & { close?: () => Promise<void> };

/**
 * DPoP proofs seen (RFC 9449 11.1): in Redis when configured, so a proof used at one gateway or worker is refused at
 * every other; in this process's memory otherwise (and while Redis is unreachable).
 */
function createReplayCache(config: GatewayConfig, logger: Logger, { now }: GatewayOptions): ReplayCache {
  const clock = now === undefined ? {} : { now };
  const memory = new MemoryDpopReplayCache(clock);
  if (config.redis === undefined) return memory;
  return createRedisDpopReplayCache({
    url: config.redis.url,
    keyPrefix: config.redis.keyPrefix,
    logger,
    fallback: memory,
    ...clock,
  });
}

/** How the verifier checks DPoP proofs: the replay cache, and the nonce secret every worker of a start shares. */
function dpopOptions(config: GatewayConfig, replayCache: ReplayCache): DpopOptions {
  const secret = config.dpopNonceSecret;
  return { replayCache, ...(secret === undefined ? {} : { nonceSecret: new TextEncoder().encode(secret) }) };
}

/** Closes what was opened for a start that failed, then fails as it did. */
function closeAndRethrow(resource: { close?: () => Promise<void> }): (error: unknown) => Promise<never> {
  return async (error) => {
    await resource.close?.();
    throw error;
  };
}

/** The one verifier for the issuer, with every protected route's audience. */
async function startVerifier(
  config: GatewayConfig,
  audiences: readonly string[],
  options: GatewayOptions & { replayCache: ReplayCache },
): Promise<Verifier> {
  const verifier = createVerifier({
    issuer: config.issuer,
    audience: audiences,
    dpop: dpopOptions(config, options.replayCache),
    ...(config.client?.clientSecret === undefined
      ? {}
      : { client: { clientId: config.client.clientId, clientSecret: config.client.clientSecret } }),
    ...(config.failClosedAfterMs === undefined ? {} : { failClosedAfterMs: config.failClosedAfterMs }),
    ...(config.maxTokenLifetimeSeconds === undefined
      ? {}
      : { maxTokenLifetimeSeconds: config.maxTokenLifetimeSeconds }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  try {
    // Fail at start, with the SDK's clear error, rather than refuse every request later.
    await verifier.ready();
  } catch (error) {
    await verifier.close();
    throw error;
  }
  return verifier;
}

async function createServer(config: GatewayConfig): Promise<Server> {
  const tls = config.listen.tls;
  if (tls === undefined) return createHttpServer();
  const [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
  return createHttpsServer({ cert, key });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(server: Server, tunnels: Set<Duplex>, release: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  for (const socket of tunnels) socket.destroy();
  const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  grace.unref();
  await closed;
  clearTimeout(grace);
  await release();
}
