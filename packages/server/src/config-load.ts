/**
 * Builds the configuration from its sources, lowest precedence first: defaults (in the schema), the
 * config file (`--config tollgate.yaml|json`), environment variables, command-line flags. The merged
 * input is validated once against the one schema and frozen; every error names the field and the
 * source that set it.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { isPostgresLocation } from '@tollgate/store-sql';
import { parse as parseYaml } from 'yaml';
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

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Tree = Record<string, unknown>;

/** The merged raw input plus, for every field set, the source that set it. */
class Layers {
  readonly input: Tree = {};
  readonly origin = new Map<string, string>();

  set(field: string, value: unknown, source: string): void {
    const keys = field.split('.');
    let node = this.input;
    for (const key of keys.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Tree;
    }
    node[keys[keys.length - 1] as string] = value;
    this.origin.set(field, source);
  }

  /** The source of a field, of the nearest enclosing field set as a whole, or of anything set inside it. */
  sourceOf(field: string): string | undefined {
    const parts = field.split('.');
    for (let length = parts.length; length > 0; length--) {
      const source = this.origin.get(parts.slice(0, length).join('.'));
      if (source !== undefined) return source;
    }
    for (const [key, source] of this.origin) if (key.startsWith(`${field}.`)) return source;
    return undefined;
  }
}

export function loadConfig(sources: ConfigSources = {}): ServerConfig {
  const layers = new Layers();
  if (sources.configFile !== undefined) addFile(layers, sources.configFile);
  addEnvironment(layers, sources.env ?? {});
  addFlags(layers, sources.flags ?? {});
  const result = configSchema.safeParse(layers.input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => describeIssue(layers, issue)));
  }
  return deepFreeze(result.data);
}

function addFile(layers: Layers, file: string): void {
  const path = resolve(file);
  const content = readConfigFile(path);
  if (!isPlainObject(content)) throw new ConfigError([`${file}: must contain a mapping of settings`]);
  if ('encryptionKey' in content) {
    throw new ConfigError([
      `encryptionKey (from ${file}): not accepted in a config file; set TOLLGATE_ENCRYPTION_KEY or encryptionKeyFile`,
    ]);
  }
  for (const [field, value] of leaves(content)) {
    const relativeToFile =
      PATH_FIELDS.has(field) && typeof value === 'string' && value !== '' && !isPostgresLocation(value);
    layers.set(field, relativeToFile ? resolve(dirname(path), value) : value, file);
  }
}

function readConfigFile(path: string): unknown {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new ConfigError([`${path}: a config file must end in .yaml, .yml or .json`]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`]);
  }
  try {
    return extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'syntax error';
    throw new ConfigError([`${path}: not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${reason}`]);
  }
}

/** Flattens nested mappings into dotted fields; arrays and scalars are leaves. */
function leaves(tree: Tree, prefix = ''): Array<[string, unknown]> {
  return Object.entries(tree).flatMap(([key, value]) => {
    const field = `${prefix}${key}`;
    return isPlainObject(value) && Object.keys(value).length > 0 ? leaves(value, `${field}.`) : [[field, value]];
  });
}

function addEnvironment(layers: Layers, env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, field] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[name];
    // An empty variable counts as unset, as shells make it easy to export one by accident.
    if (value !== undefined && value !== '') layers.set(field, value, name);
  }
}

function addFlags(layers: Layers, flags: FlagValues): void {
  for (const [key, { flag, field }] of Object.entries(FLAGS)) {
    const value = flags[key as keyof FlagValues];
    if (value !== undefined) layers.set(field, value, flag);
  }
}

interface Issue {
  path: PropertyKey[];
  message: string;
  code: string;
  keys?: string[];
}

function describeIssue(layers: Layers, issue: Issue): string {
  const base = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return issue.keys
      .map((key) => {
        const field = base === '' ? key : `${base}.${key}`;
        return `${field}${sourceLabel(layers, field)}: is not a known setting`;
      })
      .join('; ');
  }
  const field = base === '' ? 'configuration' : base;
  return `${field}${sourceLabel(layers, field)}: ${issue.message}`;
}

function sourceLabel(layers: Layers, field: string): string {
  const source = layers.sourceOf(field);
  return source === undefined ? '' : ` (from ${source})`;
}

function isPlainObject(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
