export * from './bootstrap.js';
export { buildApp, type AppConfig, type AppOptions, type TollgateEndpoints } from './app.js';
export { PING_TIMEOUT_MS, Readiness, type ReadinessVerdict } from './readiness.js';
export { DatabaseUnavailable } from './http/unavailable.js';
export { createLogger, redactSecrets, type LoggerOptions } from './logging.js';
export {
  KEY_RELOAD_INTERVAL_MS,
  PURGE_INTERVAL_MS,
  startServer,
  type RunningServer,
  type StartOptions,
} from './start.js';
