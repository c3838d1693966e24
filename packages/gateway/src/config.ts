/**
 * The gateway's one configuration schema: shape, defaults, bounds and messages. config-load.ts reads the
 * file and turns every issue into `file:line: field: what is wrong` (or names the variable the value came from);
 * this module only knows the shape.
 */
import { LOG_LEVELS, filePath, flag, integer, logLevel, redisUrl } from '@tollgate/config';
import { z } from 'zod';
import { isAddressOrCidr, isLoopbackHost } from '@tollgate/transport';
import { normalisePath } from './path.js';
import { checkMetricsListener, metricsSettings } from './metrics/metrics-config.js';

export { LOG_LEVELS };
export const DEFAULT_FORWARD_AUTH_PATH = '/_tollgate/auth';
/** Which proxy asks, and so which part of its check request names the original request (see forward-auth.ts). */
export const FORWARD_AUTH_MODES = ['nginx', 'traefik', 'envoy'] as const;
export type ForwardAuthMode = (typeof FORWARD_AUTH_MODES)[number];

/** RFC 9110 5.6.2: header names and methods are `token`s. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Headers the gateway manages itself; configuring an identity header with one of these names would break it. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
]);

const headerName = z
  .string({ error: 'must be a header name' })
  .regex(TOKEN, { error: 'must be a valid header name' })
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), { error: 'is a header the gateway manages itself' });

/** A list of scopes, as a YAML list or a space-separated string like the OAuth `scope` parameter. */
const scopeList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : value),
  z.array(
    z
      .string({ error: 'must be a scope name' })
      .regex(SCOPE_TOKEN, { error: 'must be a valid scope name (RFC 6749 3.3)' }),
    { error: 'must be a list of scopes' },
  ),
);

const method = z
  .string({ error: 'must be an HTTP method' })
  .regex(TOKEN, { error: 'must be an HTTP method such as GET' })
  .transform((name) => name.toUpperCase());

/** A route prefix must already be in the form request paths are normalised to, or it could never match. */
const routePath = z.string({ error: 'must be a path such as /data' }).superRefine((path, ctx) => {
  const normalised = normalisePath(path);
  const problem = 'problem' in normalised ? normalised.problem : undefined;
  if (!path.startsWith('/')) ctx.addIssue({ code: 'custom', message: 'must start with /' });
  else if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `is not a valid path: ${problem}` });
  else if ('path' in normalised && normalised.path !== path) {
    ctx.addIssue({ code: 'custom', message: `must be written in normal form (${normalised.path})` });
  } else if (path.length > 1 && path.endsWith('/')) {
    ctx.addIssue({ code: 'custom', message: 'must not end with / (a prefix matches whole segments anyway)' });
  }
});

const upstreamUrl = z.string({ error: 'must be an http(s) URL' }).transform((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
    return z.NEVER;
  }
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) {
    ctx.addIssue({ code: 'custom', message: 'must not contain credentials, a query or a fragment' });
    return z.NEVER;
  }
  // The base path is joined with request paths; a trailing slash would double up.
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
});

const issuerUrl = z.string({ error: 'must be the issuer URL' }).superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://auth.example.com' });
    return;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({ code: 'custom', message: 'must use https unless it is a loopback address' });
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: 'must use https' });
  }
});

/** RFC 9449: per API, plain bearer tokens are taken beside DPoP-bound ones (`allowed`) or refused (`required`). */
export const DPOP_MODES = ['allowed', 'required'] as const;
const dpopMode = z.enum(DPOP_MODES, { error: `must be one of ${DPOP_MODES.join(', ')}` });

/**
 * The URL clients address the gateway by, which DPoP proofs name (`htu`, RFC 9449 4.3): an origin, with a base path
 * when a proxy in front mounts the gateway under one. Kept as that origin and path, without a trailing slash.
 */
const publicUrl = upstreamUrl.transform(({ origin, basePath }) => `${origin}${basePath}`);

const rateWindow = z.strictObject({
  requests: integer(1, 1_000_000_000),
  windowSeconds: integer(1, 86_400),
});

const route = z.strictObject({
  /** Path prefix, matched on segment boundaries: `/data` matches `/data` and `/data/x`, never `/database`. */
  path: routePath,
  /** Default: every method. */
  methods: z.array(method, { error: 'must be a list of HTTP methods' }).min(1).optional(),
  upstream: upstreamUrl,
  /** The API identifier the token must be issued for; defaults to the top-level `audience`. */
  audience: z.string({ error: 'must be an API identifier' }).min(1).optional(),
  /** Every one of these is required. */
  scopes: scopeList.default([]),
  /** At least one of these is required. */
  anyScopes: scopeList.default([]),
  public: flag.default(false),
  /** Remove the route's prefix before forwarding (`/data/x` → upstream `/x`). */
  stripPrefix: flag.default(false),
  /**
   * API tokens' metadata members to pass upstream, each under the header named (`{ plan: X-Customer-Plan }`). A
   * member the token lacks sends no header. Client-sent copies of every such header are dropped on every route.
   */
  forwardMetadata: z
    .record(z.string({ error: 'must be a metadata key' }).min(1).max(40), headerName, {
      error: 'must map metadata keys to header names',
    })
    .optional(),
  /** The header that carries an API token's external id upstream (none when the token has none). */
  forwardExternalId: headerName.optional(),
  /** Per token (`jti`) and per client; for a user's API tokens "client" means the user (see rate-limit.ts). */
  rateLimit: z.strictObject({ perToken: rateWindow.optional(), perClient: rateWindow.optional() }).optional(),
  /** Credits a request here costs an API token that carries credits (default 1); tokens without credits pay none. */
  creditCost: integer(1, 1_000_000).optional(),
  /** This route's DPoP mode; default the top-level `dpop`. */
  dpop: dpopMode.optional(),
  /** Whether this route requires DPoP server nonces; default the top-level `dpopNonce`. */
  dpopNonce: flag.optional(),
});

const trustProxy = z
  .array(
    z.string({ error: 'must be an IP address or CIDR range' }).refine(isAddressOrCidr, {
      error: 'must be an IP address or CIDR range',
    }),
    { error: 'must be a list of IP addresses or CIDR ranges' },
  )
  .min(1, { error: 'must list at least one address' });

const fields = z.strictObject({
  listen: z
    .strictObject({
      host: z.string({ error: 'must be a host name or address' }).min(1).default('127.0.0.1'),
      port: integer(0, 65_535).default(8000),
      tls: z.strictObject({ certFile: filePath, keyFile: filePath }).optional(),
    })
    .prefault({}),
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-* headers are believed. */
  trustProxy: trustProxy.optional(),
  issuer: issuerUrl,
  audience: z.string({ error: 'must be an API identifier' }).min(1).optional(),
  /**
   * The URL clients address the gateway by, which DPoP proofs must name. Without it the origin is the request's
   * Host header (X-Forwarded-Host/Proto only from trustProxy peers), which a client chooses.
   */
  publicUrl: publicUrl.optional(),
  /** DPoP (RFC 9449) for every route: `allowed` (default) or `required`; a route may say otherwise. */
  dpop: dpopMode.default('allowed'),
  /** Require DPoP server nonces (RFC 9449 9) on every route; a route may say otherwise. */
  dpopNonce: flag.default(false),
  /**
   * The secret DPoP nonces are made with (at least 32 characters), the same on every gateway serving one API; may
   * come from TOLLGATE_GATEWAY_DPOP_NONCE_SECRET. Default: random per start, shared by the workers of one start.
   */
  dpopNonceSecret: z
    .string({ error: 'must be a string' })
    .min(32, { error: 'must be at least 32 characters' })
    .optional(),
  /**
   * A Tollgate client for the revocation stream, API-token introspection and usage reports (without it, API tokens
   * are refused); the secret may come from TOLLGATE_GATEWAY_CLIENT_SECRET.
   */
  client: z
    .strictObject({
      clientId: z.string({ error: 'must be a client id' }).min(1),
      clientSecret: z.string({ error: 'must be a string' }).min(1).optional(),
    })
    .optional(),
  identityHeaders: z
    .strictObject({
      subject: headerName.default('X-Tollgate-Subject'),
      client: headerName.default('X-Tollgate-Client'),
      scopes: headerName.default('X-Tollgate-Scopes'),
    })
    .prefault({}),
  /** Pass the bearer token on to upstreams. Off by default: upstreams get the identity headers instead. */
  forwardToken: flag.default(false),
  timeouts: z
    .strictObject({
      connectMs: integer(1, 600_000).default(5_000),
      /** Time to the upstream's response headers; beyond it the client gets 504. */
      upstreamMs: integer(1, 3_600_000).default(30_000),
      /** A response body or WebSocket tunnel that moves no data for this long is cut. */
      idleMs: integer(1, 3_600_000).default(60_000),
    })
    .prefault({}),
  /** The longest `exp - iat` a JWT may claim (the SDK's option of the same name); default 86 400, as the server's cap. */
  maxTokenLifetimeSeconds: integer(1, 31_536_000).optional(),
  /** Refuse every token (503) once the revocation stream has been down this long. Default: fail open. */
  failClosedAfterMs: integer(1_000, 86_400_000).optional(),
  /** A listener serving GET /metrics (docs/metrics.md); off by default. */
  metrics: metricsSettings,
  forwardAuth: z
    .strictObject({
      enabled: flag.default(false),
      path: routePath.default(DEFAULT_FORWARD_AUTH_PATH),
      /** Required when enabled: the gateway reads only this proxy's way of naming the original request. */
      mode: z.enum(FORWARD_AUTH_MODES, { error: `must be one of ${FORWARD_AUTH_MODES.join(', ')}` }).optional(),
    })
    .prefault({}),
  /**
   * Shared rate-limit counters, so gateways side by side enforce one limit (they must run the same routes); the URL
   * may come from REDIS_URL. Without it each gateway counts in memory. While Redis is down, counting is per gateway.
   */
  redis: z
    .strictObject({
      url: redisUrl,
      keyPrefix: z.string({ error: 'must be a string' }).min(1).default('tollgate:'),
    })
    .optional(),
  logLevel,
  routes: z.array(route, { error: 'must be a list of routes' }).min(1, { error: 'must list at least one route' }),
});

export const gatewayConfigSchema = fields.superRefine((config, ctx) => {
  const problem = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const { host, tls } = config.listen;
  if (tls === undefined && config.trustProxy === undefined && !isLoopbackHost(host)) {
    problem(['listen', 'host'], 'plain HTTP is served only on a loopback address: configure listen.tls or trustProxy');
  }
  if (config.client !== undefined && config.client.clientSecret === undefined) {
    problem(['client', 'clientSecret'], 'is required (or set TOLLGATE_GATEWAY_CLIENT_SECRET)');
  }
  const headers = Object.values(config.identityHeaders).map((name) => name.toLowerCase());
  if (new Set(headers).size !== headers.length) problem(['identityHeaders'], 'the three header names must differ');
  checkForwardAuth(config, problem);
  checkMetricsListener(config.metrics, problem);
  for (const [index, entry] of config.routes.entries()) checkRoute(entry, index, config, problem);
  checkOverlaps(config.routes, problem);
});

/**
 * A check request names the request to judge in headers any client could also send, so forward-auth answers only
 * the proxy that asks (trustProxy), and reads only that proxy's headers (one mode, never a guess between them).
 */
function checkForwardAuth(
  config: { forwardAuth: { enabled: boolean; mode?: ForwardAuthMode | undefined }; trustProxy?: string[] | undefined },
  problem: (path: PropertyKey[], message: string) => void,
): void {
  if (!config.forwardAuth.enabled) return;
  if (config.forwardAuth.mode === undefined) {
    problem(['forwardAuth', 'mode'], `is required with forward-auth: one of ${FORWARD_AUTH_MODES.join(', ')}`);
  }
  if (config.trustProxy === undefined) {
    problem(['trustProxy'], 'is required with forward-auth: list the proxy that asks (no one else is answered)');
  }
}

function checkRoute(
  entry: RouteConfig,
  index: number,
  config: { audience?: string | undefined; identityHeaders: Record<string, string> },
  problem: (path: PropertyKey[], message: string) => void,
): void {
  const identity = new Set(Object.values(config.identityHeaders).map((name) => name.toLowerCase()));
  const at = (field: string) => ['routes', index, field];
  const ownerHeaders = [...Object.values(entry.forwardMetadata ?? {}), entry.forwardExternalId ?? []].flat();
  const lower = ownerHeaders.map((name) => name.toLowerCase());
  if (new Set(lower).size !== lower.length) problem(at('forwardMetadata'), 'each header may carry one value');
  if (lower.some((name) => name.startsWith('x-tollgate-') || identity.has(name))) {
    problem(at('forwardMetadata'), 'must not name an identity header (X-Tollgate-* or identityHeaders)');
  }
  if (entry.public && ownerHeaders.length > 0) {
    problem(at('forwardMetadata'), 'a public route has no token whose metadata could be forwarded');
  }
  if (entry.public) {
    if (entry.scopes.length > 0 || entry.anyScopes.length > 0)
      problem(at('scopes'), 'a public route cannot require scopes');
    if (entry.rateLimit !== undefined)
      problem(at('rateLimit'), 'limits are per token or client: not on a public route');
    if (entry.creditCost !== undefined) problem(at('creditCost'), 'a public route has no token to charge');
  } else if (entry.audience === undefined && config.audience === undefined) {
    problem(at('audience'), 'is required (here or as the top-level audience) unless the route is public');
  }
}

/** Two routes with the same prefix must not both claim a method: which one applies would be a guess. */
function checkOverlaps(routes: readonly RouteConfig[], problem: (path: PropertyKey[], message: string) => void): void {
  routes.forEach((entry, index) => {
    const earlier = routes.findIndex(
      (other, otherIndex) =>
        otherIndex < index &&
        other.path === entry.path &&
        (other.methods === undefined ||
          entry.methods === undefined ||
          other.methods.some((name) => entry.methods?.includes(name))),
    );
    if (earlier !== -1) problem(['routes', index, 'path'], `overlaps routes[${earlier}] (same path and method)`);
  });
}

type RouteConfig = z.output<typeof route>;
export type GatewayRouteConfig = Readonly<RouteConfig>;
export type GatewayConfigInput = z.input<typeof fields>;
export type GatewayConfig = Readonly<z.output<typeof gatewayConfigSchema>>;
