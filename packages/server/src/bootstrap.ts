/**
 * What a process needs to open Tollgate from its configuration, without the HTTP stack: the CLI's
 * admin commands import this (`@tollgate/server/bootstrap`) so they start without loading Fastify.
 */
export {
  configSchema,
  resolveIssuer,
  LOG_LEVELS,
  SIGNING_ALGORITHMS,
  type ConfigInput,
  type ServerConfig,
} from './config.js';
export {
  ConfigError,
  ENVIRONMENT_VARIABLES,
  FLAGS,
  loadConfig,
  type ConfigSources,
  type FlagValues,
} from './config-load.js';
export { formatDuration, parseDuration } from './duration.js';
export {
  ENCRYPTION_KEY_WARNING,
  EncryptionKeyError,
  GENERATED_KEY_FILE,
  resolveEncryptionKey,
  type EncryptionKeySource,
  type ResolvedEncryptionKey,
} from './encryption-key.js';
export {
  openStoreAsIs,
  openStoreFromConfig,
  openTollgateFromConfig,
  NoTollgateDataError,
  SchemaBehindError,
  tollgateConfigOf,
  type OpenedTollgate,
  type OpenOptions,
} from './open.js';
