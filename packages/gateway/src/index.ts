/**
 * @tollgate/gateway: a reverse proxy that puts Tollgate bearer-token checks in front of APIs without auth
 * of their own, plus a forward-auth endpoint for nginx, Traefik and Envoy.
 */
export { startGateway, type GatewayOptions, type RunningGateway } from './start.js';
export {
  defaultWorkerCount,
  isGatewayWorker,
  startGatewayWorkers,
  startGatewayWorker,
  type RunningGatewayWorkers,
} from './workers.js';
export {
  loadGatewayConfig,
  parseGatewayConfig,
  GatewayConfigError,
  CLIENT_SECRET_VARIABLE,
  REDIS_URL_VARIABLE,
} from './config-load.js';
export {
  type GatewayConfig,
  type GatewayConfigInput,
  type GatewayRouteConfig,
  DEFAULT_FORWARD_AUTH_PATH,
  LOG_LEVELS,
} from './config.js';
export {
  WindowCounterRateLimiter,
  type RateLimiter,
  type RateLimitDecision,
} from './rate-limit.js';
export { normalisePath, normaliseRequestTarget } from './path.js';
export { countRefusal, REFUSAL_REASONS, type RefusalReason } from './metrics/gateway-metrics.js';
