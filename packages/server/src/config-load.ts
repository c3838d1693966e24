/**
 * Builds the configuration from its sources, lowest precedence first: defaults (in the schema), the
 * config file (`--config tollgate.yaml|json`), environment variables, command-line flags. The merged
 * input is validated once against the one schema and frozen; every error names the field and the
 * source that set it: the file and line, the environment variable or the flag.
 */
import { ConfigProblems, Layers, describeProblem, readConfigFile, validate } from '@tollgate/config';
import { isPostgresLocation } from '@tollgate/store-sql';
import { type ServerConfig, configSchema } from './config.js';

/** Environment variables and the config field each one sets. */
export const ENVIRONMENT_VARIABLES = {
  TOLLGATE_HOST: 'host',
  TOLLGATE_PORT: 'port',
  TOLLGATE_DATA: 'dataDir',
  // The older variable is the same setting, so the layering (and `database` beating `databaseFile`) stays simple.
  TOLLGATE_DATABASE_FILE: 'database',
  DATABASE_URL: 'database',
  TOLLGATE_AUTO_MIGRATE: 'autoMigrate',
  REDIS_URL: 'redis',
  TOLLGATE_DRAIN_DELAY: 'drainDelay',
  TOLLGATE_SHUTDOWN_GRACE: 'shutdownGrace',
  TOLLGATE_ISSUER: 'issuer',
  TOLLGATE_ENCRYPTION_KEY: 'encryptionKey',
  TOLLGATE_ENCRYPTION_KEY_FILE: 'encryptionKeyFile',
  TOLLGATE_TLS_CERT_FILE: 'tls.certFile',
  TOLLGATE_TLS_KEY_FILE: 'tls.keyFile',
  TOLLGATE_TRUST_PROXY: 'trustProxy',
  TOLLGATE_SIGNING_ALGORITHM: 'signingAlgorithm',
  TOLLGATE_KEY_PROPAGATION_DELAY: 'keyPropagationDelay',
  TOLLGATE_ACCESS_TOKEN_TTL: 'accessTokenTtl',
  TOLLGATE_REFRESH_TOKEN_TTL: 'refreshTokenTtl',
  TOLLGATE_REFRESH_TOKEN_MAX_LIFETIME: 'refreshTokenMaxLifetime',
  TOLLGATE_CLOCK_TOLERANCE: 'clockTolerance',
  TOLLGATE_PASSWORD_LOGIN: 'passwordLogin',
  TOLLGATE_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  TOLLGATE_LOG_LEVEL: 'logLevel',
  TOLLGATE_API_TOKEN_DEFAULT_TTL: 'management.apiTokenDefaultTtl',
  TOLLGATE_ALLOW_NEVER_EXPIRING_API_TOKENS: 'management.allowNeverExpiringApiTokens',
  TOLLGATE_SESSION_TTL: 'management.sessionTtl',
  TOLLGATE_SESSION_IDLE_TIMEOUT: 'management.sessionIdleTimeout',
  TOLLGATE_DASHBOARD_SIGN_IN: 'dashboard.signIn',
  TOLLGATE_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'webhooks.allowPrivateNetworks',
  TOLLGATE_METRICS_LISTEN: 'metrics.listen',
} as const;

/** Command-line flags (as the CLI names them) and the config field each one sets. */
export const FLAGS = {
  host: { flag: '--host', field: 'host' },
  port: { flag: '--port', field: 'port' },
  data: { flag: '--data', field: 'dataDir' },
  database: { flag: '--database', field: 'database' },
  migrate: { flag: '--no-migrate', field: 'autoMigrate' },
  redis: { flag: '--redis', field: 'redis' },
  issuer: { flag: '--issuer', field: 'issuer' },
  tlsCert: { flag: '--tls-cert', field: 'tls.certFile' },
  tlsKey: { flag: '--tls-key', field: 'tls.keyFile' },
  logLevel: { flag: '--log-level', field: 'logLevel' },
  metricsListen: { flag: '--metrics-listen', field: 'metrics.listen' },
} as const;

export type FlagValues = Partial<Record<keyof typeof FLAGS, string>>;

export interface ConfigSources {
  /** The `--config` file, YAML or JSON. */
  configFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  flags?: FlagValues;
}

/** Fields holding paths: in a config file they are relative to the file's folder. */
const PATH_FIELDS = new Set([
  'dataDir',
  'database',
  'databaseFile',
  'encryptionKeyFile',
  'tls.certFile',
  'tls.keyFile',
]);

export class ConfigError extends ConfigProblems {
  constructor(problems: string[]) {
    super('configuration', problems);
    this.name = 'ConfigError';
  }
}

export function loadConfig(sources: ConfigSources = {}): ServerConfig {
  const layers = new Layers();
  if (sources.configFile !== undefined) addFile(layers, sources.configFile);
  addEnvironment(layers, sources.env ?? {});
  addFlags(layers, sources.flags ?? {});
  const result = validate(configSchema, layers);
  if ('problems' in result) throw new ConfigError(result.problems);
  return result.config;
}

function addFile(layers: Layers, file: string): void {
  const read = readConfigFile(file);
  if ('problem' in read) throw new ConfigError([read.problem]);
  if (Object.hasOwn(read.settings, 'encryptionKey')) {
    const problem = 'not accepted in a config file; set TOLLGATE_ENCRYPTION_KEY or encryptionKeyFile';
    throw new ConfigError([describeProblem(['encryptionKey'], problem, read.source)]);
  }
  layers.setFile(read, (field, value) => PATH_FIELDS.has(field) && !isPostgresLocation(value));
}

function addEnvironment(layers: Layers, env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, field] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[name];
    // An empty variable counts as unset, as shells make it easy to export one by accident.
    if (value !== undefined && value !== '') layers.set(field.split('.'), value, { setting: name });
  }
}

function addFlags(layers: Layers, flags: FlagValues): void {
  for (const [key, { flag, field }] of Object.entries(FLAGS)) {
    const value = flags[key as keyof FlagValues];
    if (value !== undefined) layers.set(field.split('.'), value, { setting: flag });
  }
}
