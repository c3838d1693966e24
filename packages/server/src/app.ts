/**
 * The Fastify application: transport rules first (HTTPS policy, body parsing, caching, errors), then
 * one thin route per endpoint. Built separately from `listen` so tests can `inject` requests.
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { registerBodyParsers } from './http/body.js';
import { applyCacheHeaders } from './http/endpoints.js';
import { refuseNulCharacters } from './http/nul-guard.js';
import { NO_SCHEMA_COMPILERS } from './http/schema-compilers.js';
import { createErrorHandler, notFound } from './http/errors.js';
import { applySecurityHeaders } from './http/security-headers.js';
import { trustedProxies } from '@tollgate/transport';
import { createTransportSecurityHook } from './http/transport-security.js';
import { pathOf } from './logging.js';
import type { Readiness } from './readiness.js';
import { logRequestCompleted } from './request-log.js';
import { registerAdminApi } from './routes/admin/index.js';
import { registerApiTokenCreditsRoute } from './routes/api-token-credits.js';
import { registerApiTokenUsageRoute } from './routes/api-token-usage.js';
import { registerAuthorizeRoute } from './routes/authorize.js';
import { type DashboardOptions, registerDashboardRoutes } from './routes/dashboard.js';
import { registerDashboardSignInRoutes } from './routes/dashboard-sign-in.js';
import { registerDiscoveryRoute } from './routes/discovery.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIntrospectRoute } from './routes/introspect.js';
import { registerJwksRoute } from './routes/jwks.js';
import { registerRevocationsRoute } from './routes/revocations.js';
import { registerRevokeRoute } from './routes/revoke.js';
import { registerTokenRoute } from './routes/token.js';
import type { TollgateEndpoints } from './tollgate-endpoints.js';
import { OpenStreams } from './http/open-streams.js';
import { countHttpAnswer } from './metrics/http-metrics.js';
import { registerMetricsRoute } from './metrics/metrics-route.js';
import type { ServerMetrics } from './metrics/server-metrics.js';

export type { TollgateEndpoints };

export type AppConfig = Pick<ServerConfig, 'bodyLimitBytes' | 'trustProxy'>;

export interface AppOptions {
  /** PEM certificate and key: the app then serves HTTPS itself. */
  tls?: { cert: Buffer; key: Buffer };
  /** Where the dashboard's built files are; by default the @tollgate/dashboard package's. */
  dashboard?: DashboardOptions;
  /** Answers /readyz; without one the app always reports itself ready. */
  readiness?: Pick<Readiness, 'check' | 'draining' | 'noteFailure'>;
  /** Counts requests and serves GET /metrics to a token with the `tollgate:metrics` scope; without, no /metrics. */
  metrics?: ServerMetrics;
}

/** Requests that take longer than this to arrive in full are cut off (slow-client protection). */
const REQUEST_TIMEOUT_MS = 30_000;

export function buildApp(
  tollgate: TollgateEndpoints,
  config: AppConfig,
  logger: Logger,
  options: AppOptions = {},
): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger,
    // Requests are logged once, by the onResponse hook below, without query string or headers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy === false ? false : [...config.trustProxy],
    requestTimeout: REQUEST_TIMEOUT_MS,
    // While closing, requests already on an open connection are still answered normally (and in RFC 6749
    // shape) rather than with Fastify's own 503 body; new connections are refused by the closed listener.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: NO_SCHEMA_COMPILERS },
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  }) as unknown as FastifyInstance;

  app.addHook('onRequest', applySecurityHeaders);
  app.addHook('onRequest', createTransportSecurityHook(trustedProxies(config.trustProxy)));
  app.addHook('onSend', applyCacheHeaders);
  const readiness = options.readiness;
  if (readiness) {
    // While draining, each answer closes its connection: clients reconnect elsewhere, and no idle keep-alive
    // connection holds the process open once the listener is closed.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (readiness.draining) reply.header('connection', 'close');
      done(null, payload);
    });
    // A write refused for want of disk space turns /readyz 503 until writes work again.
    app.addHook('onError', (_request, _reply, error, done) => {
      readiness.noteFailure(error);
      done();
    });
  }
  const metrics = options.metrics;
  // One hook for the line and the count: Fastify builds request.routeOptions anew at each read, and each hook costs.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions;
    const status = reply.statusCode;
    // Load balancers probe every few seconds: a passing probe is not worth an info line.
    const quiet = route.config?.anyTransport === true && status < 400;
    const elapsedMs = reply.elapsedTime;
    logRequestCompleted(request.log, quiet ? 'debug' : 'info', {
      method: request.method,
      path: route.url ?? pathOf(request.url),
      status,
      responseTimeMs: Math.round(elapsedMs * 100) / 100,
      remoteAddress: request.ip,
    });
    if (metrics) countHttpAnswer(metrics, request.method, route.url, status, elapsedMs);
    done();
  });
  registerBodyParsers(app);
  app.addHook('preHandler', refuseNulCharacters);
  app.setErrorHandler(createErrorHandler(config.bodyLimitBytes));
  app.setNotFoundHandler(notFound);

  registerHealthRoutes(app, options.readiness);
  registerAuthorizeRoute(app, tollgate);
  registerTokenRoute(app, tollgate);
  registerRevokeRoute(app, tollgate);
  registerIntrospectRoute(app, tollgate);
  registerDiscoveryRoute(app, tollgate);
  registerJwksRoute(app, tollgate);
  const revocationStreams = new OpenStreams();
  options.metrics?.watchRevocationStreams(revocationStreams);
  registerRevocationsRoute(
    app,
    { authenticateClient: tollgate.authenticateClient.bind(tollgate), revocationFeed: tollgate.revocationFeed },
    { openStreams: revocationStreams },
  );
  if (options.metrics) registerMetricsRoute(app, tollgate, options.metrics, config.bodyLimitBytes);
  registerApiTokenUsageRoute(app, tollgate);
  registerApiTokenCreditsRoute(app, tollgate);
  registerAdminApi(app, tollgate, config.bodyLimitBytes);
  registerDashboardSignInRoutes(app, tollgate, options.dashboard?.signIn ?? 'password');
  registerDashboardRoutes(app, options.dashboard);
  return app;
}
