/**
 * The one configuration schema: types, defaults, bounds and validation messages all come from here.
 * Sources are layered by config-load.ts (defaults < file < environment < flags); this module only
 * knows the shape. Security-relevant numbers are clamped to sane bounds rather than trusted.
 */
import { resolve } from 'node:path';
import {
  DASHBOARD_SIGN_IN_METHODS,
  DEFAULT_BRUTE_FORCE_LIMITS,
  SIGNING_ALGORITHMS,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  MIN_ACCESS_TOKEN_TTL_SECONDS,
} from '@tollgate/core';
import { LOG_LEVELS, filePath, flag, integer, logLevel, redisUrl } from '@tollgate/config';
import { isPostgresLocation } from '@tollgate/store-sql';
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { hostForUrl, isAddressOrCidr, isLoopbackHost } from '@tollgate/transport';
import { listenAddress } from './metrics/listen-address.js';

export { LOG_LEVELS, SIGNING_ALGORITHMS };

const KIB = 1024;
const MINUTE = 60;
/** Longer than a typical readiness-probe interval, so a client watching /readyz has stopped sending by then. */
const DEFAULT_DRAIN_DELAY = '5s';
const DAY = 86_400;

/** A duration (`15m`) within bounds, in seconds. `clamp` pulls out-of-range values in instead of refusing them. */
function duration(bounds: { min: number; max: number; clamp?: boolean }) {
  return z.unknown().transform((value, ctx) => {
    const seconds = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 15m, 12h or 30d' });
      return z.NEVER;
    }
    if (bounds.clamp) return Math.min(bounds.max, Math.max(bounds.min, seconds));
    if (seconds < bounds.min || seconds > bounds.max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

/** A `postgres://` URL or a SQLite file path. The value is never echoed: a URL may hold a password. */
const databaseLocation = z
  .string({ error: 'must be a postgres:// URL or a file path' })
  .min(1, { error: 'must not be empty' })
  .refine((location) => !isPostgresLocation(location) || URL.canParse(location), {
    error: 'must be a valid postgres:// URL (percent-encode special characters in the password)',
  });

/** `false`, or IP addresses / CIDR ranges of the proxies allowed to set X-Forwarded-* headers. */
const trustProxy = z.unknown().transform((value, ctx): false | string[] => {
  // `false` also as the environment spells it (TOLLGATE_TRUST_PROXY=false).
  if (value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false')) return false;
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
      : value;
  const bad = Array.isArray(list)
    ? list.find((entry) => typeof entry !== 'string' || !isAddressOrCidr(entry))
    : undefined;
  if (!Array.isArray(list) || list.length === 0 || bad !== undefined) {
    const what = bad === undefined ? '' : ` (${JSON.stringify(bad)} is neither)`;
    ctx.addIssue({ code: 'custom', message: `must be false or a list of IP addresses or CIDR ranges${what}` });
    return z.NEVER;
  }
  return list as string[];
});

const attemptLimit = (defaults: { slowAfter: number; blockAfter: number }) =>
  z
    .strictObject({
      slowAfter: integer(1, 100_000).default(defaults.slowAfter),
      blockAfter: integer(1, 100_000).default(defaults.blockAfter),
    })
    .refine((limit) => limit.slowAfter <= limit.blockAfter, { error: 'slowAfter must not exceed blockAfter' })
    .prefault({});

const bruteForce = z
  .strictObject({
    windowSeconds: integer(60, DAY).default(DEFAULT_BRUTE_FORCE_LIMITS.windowSeconds),
    account: attemptLimit(DEFAULT_BRUTE_FORCE_LIMITS.account),
    address: attemptLimit(DEFAULT_BRUTE_FORCE_LIMITS.address),
    delayStepMs: integer(0, 10_000).default(DEFAULT_BRUTE_FORCE_LIMITS.delayStepMs),
    maxDelayMs: integer(0, 30_000).default(DEFAULT_BRUTE_FORCE_LIMITS.maxDelayMs),
  })
  .prefault({});

/**
 * The management surface (API tokens and dashboard sessions). Session lengths follow OWASP's session
 * management guidance: an absolute lifetime plus a shorter idle timeout.
 */
const management = z
  .strictObject({
    apiTokenDefaultTtl: duration({ min: 3600, max: 5 * 365 * DAY }).prefault('90d'),
    allowNeverExpiringApiTokens: flag.default(false),
    sessionTtl: duration({ min: 5 * MINUTE, max: 7 * DAY }).prefault('8h'),
    // The core records activity at most once a minute, so a shorter idle timeout could not be honoured.
    sessionIdleTimeout: duration({ min: MINUTE, max: DAY }).prefault('30m'),
  })
  .transform((input) => ({
    apiTokenDefaultTtlSeconds: input.apiTokenDefaultTtl,
    allowNeverExpiringApiTokens: input.allowNeverExpiringApiTokens,
    sessionTtlSeconds: input.sessionTtl,
    sessionIdleTimeoutSeconds: input.sessionIdleTimeout,
  }))
  .prefault({});

/** How people sign in to the dashboard: a password form, or the authorization code flow (docs/api-tokens.md). */
const dashboard = z
  .strictObject({
    signIn: z
      .enum(DASHBOARD_SIGN_IN_METHODS, { error: `must be one of ${DASHBOARD_SIGN_IN_METHODS.join(', ')}` })
      .default('password'),
  })
  .prefault({});

/**
 * Webhook receivers (docs/webhooks.md#where-webhooks-may-connect): link-local, reserved and the like are always
 * refused; private networks (and loopback, on a server without a loopback issuer) only when allowed here.
 */
const webhooks = z.strictObject({ allowPrivateNetworks: flag.default(false) }).prefault({});

/** The private metrics listener (docs/metrics.md); off unless `listen` is set. */
const metrics = z.strictObject({ listen: listenAddress.optional() }).prefault({});

const fields = z.strictObject({
  host: z.string().min(1, { error: 'must not be empty' }).default('127.0.0.1'),
  port: integer(0, 65_535).default(8080),
  dataDir: filePath.default('./tollgate-data'),
  /**
   * Where the data lives: a `postgres://` / `postgresql://` URL (several nodes share it) or a SQLite file.
   * Defaults to `<dataDir>/tollgate.db`. DATABASE_URL and `--database` set it.
   */
  database: databaseLocation.optional(),
  /** The older spelling for a SQLite file; `database` wins when both are set. */
  databaseFile: filePath.optional(),
  /** Apply pending migrations when opening the database; when false, a schema that is behind is refused. */
  autoMigrate: flag.default(true),
  /** Redis shared by the nodes: revocation nudges and failed-login counters. Optional; down means degraded. */
  redis: redisUrl.optional(),
  /**
   * On SIGTERM, how long /readyz answers 503 (and every answer says `Connection: close`) while everything
   * is still served, so load balancers and keep-alive clients move away before the node closes its
   * connections. Without it, a request already on its way over a keep-alive connection is reset.
   */
  drainDelay: duration({ min: 0, max: 5 * MINUTE }).prefault(DEFAULT_DRAIN_DELAY),
  /**
   * After the drain delay, how long requests in flight get to finish; then their connections are cut and
   * the process exits whatever its clients do (a stop must never hang on a client).
   */
  shutdownGrace: duration({ min: 0, max: 5 * MINUTE }).prefault('10s'),
  /** Origin that becomes `iss`; defaults to `http://<host>:<port>` on loopback, required otherwise. */
  issuer: z.string().optional(),
  /** The key that encrypts private signing keys. Environment only (TOLLGATE_ENCRYPTION_KEY): keep it out of files. */
  encryptionKey: z.string().min(1, { error: 'must not be empty' }).optional(),
  encryptionKeyFile: filePath.optional(),
  tls: z.strictObject({ certFile: filePath, keyFile: filePath }).optional(),
  trustProxy: trustProxy.default(false),
  signingAlgorithm: z
    .enum(SIGNING_ALGORITHMS, { error: `must be one of ${SIGNING_ALGORITHMS.join(', ')}` })
    .default('EdDSA'),
  /**
   * How long a rotated key is published before it signs: longer than the verifiers' JWKS refetch interval (the SDK's
   * and the gateway's default is 10 s) and the JWKS `max-age` (60 s), so every verifier has it before its first token.
   */
  keyPropagationDelay: duration({ min: 0, max: DAY }).prefault('2m'),
  accessTokenTtl: duration({ min: MIN_ACCESS_TOKEN_TTL_SECONDS, max: MAX_ACCESS_TOKEN_TTL_SECONDS }).prefault('15m'),
  refreshTokenTtl: duration({ min: MINUTE, max: 365 * DAY }).prefault('30d'),
  /** A refresh-token family's absolute lifetime from its first issue: rotation never extends a token past it. */
  refreshTokenMaxLifetime: duration({ min: MINUTE, max: 5 * 365 * DAY }).prefault('90d'),
  clockTolerance: duration({ min: 0, max: 60, clamp: true }).prefault('5s'),
  passwordLogin: flag.default(true),
  bodyLimitBytes: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
    .transform((bytes) => Math.min(1024 * KIB, Math.max(KIB, bytes)))
    .default(64 * KIB),
  bruteForce,
  management,
  dashboard,
  webhooks,
  metrics,
  logLevel,
});

export const configSchema = fields.transform((input, ctx) => {
  const issuer = resolveIssuer(input.issuer, { host: input.host, port: input.port, tls: input.tls !== undefined });
  if ('problem' in issuer) {
    ctx.addIssue({ code: 'custom', path: ['issuer'], message: issuer.problem });
    return z.NEVER;
  }
  // The same rule as every listener: plain HTTP only where nobody else can listen in.
  const metricsHost = input.metrics.listen?.host;
  if (metricsHost !== undefined && input.tls === undefined && !isLoopbackHost(metricsHost)) {
    ctx.addIssue({
      code: 'custom',
      path: ['metrics', 'listen'],
      message: `plain HTTP is served only on a loopback address (${metricsHost} is not): configure tls or listen on 127.0.0.1`,
    });
    return z.NEVER;
  }
  const {
    accessTokenTtl,
    refreshTokenTtl,
    refreshTokenMaxLifetime,
    clockTolerance,
    drainDelay,
    shutdownGrace,
    keyPropagationDelay,
    ...rest
  } = input;
  const dataDir = resolve(input.dataDir);
  const database = databaseOf(input.database ?? input.databaseFile, dataDir);
  return {
    ...rest,
    dataDir,
    /** A PostgreSQL URL (may hold a password: log only `redactDatabaseLocation(database)`) or a SQLite file. */
    database,
    /** The SQLite file, or undefined when the database is PostgreSQL. */
    databaseFile: isPostgresLocation(database) ? undefined : database,
    drainDelaySeconds: drainDelay,
    shutdownGraceSeconds: shutdownGrace,
    encryptionKeyFile: input.encryptionKeyFile === undefined ? undefined : resolve(input.encryptionKeyFile),
    tls: input.tls && { certFile: resolve(input.tls.certFile), keyFile: resolve(input.tls.keyFile) },
    issuer: issuer.origin,
    /** True when the issuer was derived from host and port (so a port chosen at listen time can replace it). */
    issuerDerived: input.issuer === undefined,
    accessTokenTtlSeconds: accessTokenTtl,
    refreshTokenTtlSeconds: refreshTokenTtl,
    refreshTokenMaxLifetimeSeconds: refreshTokenMaxLifetime,
    clockToleranceSeconds: clockTolerance,
    keyPropagationDelaySeconds: keyPropagationDelay,
  };
});

function databaseOf(location: string | undefined, dataDir: string): string {
  if (location === undefined) return resolve(dataDir, 'tollgate.db');
  return isPostgresLocation(location) || location === ':memory:' ? location : resolve(location);
}

/** The raw shape each source may provide. */
export type ConfigInput = z.input<typeof fields>;
export type ServerConfig = Readonly<z.output<typeof configSchema>>;

/**
 * RFC 8414 2: the issuer is an https URL without query or fragment; Tollgate serves at its root, so it
 * must be a bare origin. Plain http is allowed only for loopback, for local development. Without one,
 * a loopback server is its own issuer.
 */
export function resolveIssuer(
  issuer: string | undefined,
  listener: { host: string; port: number; tls: boolean },
): { origin: string } | { problem: string } {
  if (issuer === undefined) {
    const { host, port, tls } = listener;
    if (!isLoopbackHost(host)) return { problem: `is required when host (${host}) is not a loopback address` };
    return { origin: `${tls ? 'https' : 'http'}://${hostForUrl(host)}:${port}` };
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return { problem: 'must be an absolute URL such as https://auth.example.com' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'must use https' };
  if (url.username || url.password || url.search || url.hash || issuer.includes('?') || issuer.includes('#')) {
    return { problem: 'must be an origin (scheme://host[:port]) without credentials, query or fragment' };
  }
  if (url.pathname !== '/') return { problem: 'must be an origin (scheme://host[:port]) without a path' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { problem: 'must use https unless it is a loopback address' };
  }
  return { origin: url.origin };
}
