/**
 * The route table: the longest configured prefix wins, matched on whole segments of the normalised path
 * (`/data` matches `/data` and `/data/x`, never `/database`). Only the path decides; `Host` never does.
 */
import type { VerifyOptions } from '@tollgate/verify';
import type { RateWindow } from '@tollgate/verify/quota';
import type { GatewayConfig, GatewayRouteConfig } from './config.js';

export type { RateWindow } from '@tollgate/verify/quota';

export interface Route {
  /** Position in the config file, for logs and rate-limit keys. */
  index: number;
  prefix: string;
  /** Undefined: every method. */
  methods: ReadonlySet<string> | undefined;
  upstream: { origin: string; basePath: string };
  /** The API identifier tokens must carry; undefined only on public routes. */
  audience: string | undefined;
  /** `{ audience, dpop, dpopNonce }` for the verifier, made once rather than per request. */
  verifyOptions: VerifyOptions | undefined;
  scopes: readonly string[];
  anyScopes: readonly string[];
  public: boolean;
  stripPrefix: boolean;
  rateLimit: { perToken?: RateWindow | undefined; perClient?: RateWindow | undefined } | undefined;
  /** Credits a request costs an API token that carries credits. */
  creditCost: number;
  /** `[metadata key, header name]` pairs of an API token's metadata to pass upstream. */
  forwardMetadata: readonly (readonly [key: string, header: string])[];
  forwardExternalId: string | undefined;
}

export type RouteMatch =
  | { kind: 'route'; route: Route }
  | { kind: 'not_found' }
  /** The path matches a longer prefix when letter case is ignored: a case-insensitive upstream could serve it. */
  | { kind: 'case_mismatch' }
  | { kind: 'method_not_allowed'; allowed: readonly string[] };

export class RouteTable {
  readonly routes: readonly Route[];
  readonly #byPrefix = new Map<string, Route[]>();
  /** Every prefix lower-cased, to spot paths that differ from a longer one only in case. */
  readonly #lowerPrefixes = new Set<string>();
  readonly #upperCasePrefixes: boolean;

  constructor(config: Pick<GatewayConfig, 'routes' | 'audience'> & Partial<Pick<GatewayConfig, 'dpop' | 'dpopNonce'>>) {
    const defaults = {
      audience: config.audience,
      dpop: config.dpop ?? 'allowed',
      dpopNonce: config.dpopNonce ?? false,
    };
    this.routes = config.routes.map((entry, index) => compileRoute(entry, index, defaults));
    for (const route of this.routes) {
      const group = this.#byPrefix.get(route.prefix);
      if (group === undefined) this.#byPrefix.set(route.prefix, [route]);
      else group.push(route);
      this.#lowerPrefixes.add(route.prefix.toLowerCase());
    }
    this.#upperCasePrefixes = this.routes.some((route) => route.prefix !== route.prefix.toLowerCase());
  }

  /** `path` must already be normalised (path.ts). */
  match(method: string, path: string): RouteMatch {
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const prefix = longestPrefix(trimmed, (candidate) => this.#byPrefix.has(candidate));
    // `/ADMIN` must not slip past `/admin` to a shorter (public) route when the upstream ignores case.
    const lower = trimmed.toLowerCase();
    if (lower !== trimmed || this.#upperCasePrefixes) {
      const lowerPrefix = longestPrefix(lower, (candidate) => this.#lowerPrefixes.has(candidate));
      if (lowerPrefix !== undefined && lowerPrefix.length > (prefix?.length ?? 0)) return { kind: 'case_mismatch' };
    }
    const group = prefix === undefined ? undefined : this.#byPrefix.get(prefix);
    // The longest prefix decides alone: a method it does not allow is refused, never passed to a shorter one.
    return group === undefined ? { kind: 'not_found' } : chooseByMethod(group, method);
  }

  /** Distinct audiences of the protected routes: one verifier each. */
  audiences(): string[] {
    return [...new Set(this.routes.flatMap((route) => (route.audience === undefined ? [] : [route.audience])))];
  }
}

/** Walks up the path's segments (`/a/b`, `/a`, `/`) to the first one `known` accepts. */
function longestPrefix(path: string, known: (candidate: string) => boolean): string | undefined {
  let candidate = path;
  for (;;) {
    if (known(candidate)) return candidate;
    if (candidate === '/') return undefined;
    const cut = candidate.lastIndexOf('/');
    candidate = cut === 0 ? '/' : candidate.slice(0, cut);
  }
}

function chooseByMethod(group: readonly Route[], method: string): RouteMatch {
  const route = group.find((entry) => acceptsMethod(entry, method));
  if (route !== undefined) return { kind: 'route', route };
  const allowed = new Set(group.flatMap((entry) => [...(entry.methods ?? [])]));
  if (allowed.has('GET')) allowed.add('HEAD');
  return { kind: 'method_not_allowed', allowed: [...allowed].sort() };
}

/** RFC 9110 9.3.2: a route that serves GET serves HEAD too. */
function acceptsMethod(route: Route, method: string): boolean {
  const { methods } = route;
  return methods === undefined || methods.has(method) || (method === 'HEAD' && methods.has('GET'));
}

interface RouteDefaults {
  audience: string | undefined;
  dpop: GatewayConfig['dpop'];
  dpopNonce: boolean;
}

function compileRoute(entry: GatewayRouteConfig, index: number, defaults: RouteDefaults): Route {
  const audience = entry.public ? undefined : (entry.audience ?? defaults.audience);
  const dpop = entry.dpop ?? defaults.dpop;
  const dpopNonce = entry.dpopNonce ?? defaults.dpopNonce;
  return {
    index,
    prefix: entry.path,
    methods: entry.methods === undefined ? undefined : new Set(entry.methods),
    upstream: entry.upstream,
    audience,
    verifyOptions: audience === undefined ? undefined : Object.freeze({ audience, dpop, dpopNonce }),
    scopes: entry.scopes,
    anyScopes: entry.anyScopes,
    public: entry.public,
    stripPrefix: entry.stripPrefix,
    rateLimit: entry.rateLimit,
    creditCost: entry.creditCost ?? 1,
    forwardMetadata: Object.entries(entry.forwardMetadata ?? {}),
    forwardExternalId: entry.forwardExternalId,
  };
}

/** Every header name some route fills from a token's metadata or external id: a client may send none of them. */
export function ownerHeaderNames(routes: readonly Route[]): string[] {
  return routes.flatMap((route) => [
    ...route.forwardMetadata.map(([, header]) => header),
    ...(route.forwardExternalId === undefined ? [] : [route.forwardExternalId]),
  ]);
}

/** The path sent upstream: the upstream's base path, then the normalised path (without the prefix if stripped). */
export function upstreamPathFor(route: Route, path: string, query: string): string {
  const stripped = route.stripPrefix && route.prefix !== '/';
  // '' (the prefix itself), '/' (the prefix with a trailing slash) or '/more'.
  const rest = stripped ? path.slice(route.prefix.length) : path;
  const base = route.upstream.basePath;
  if (base === '') return (rest === '' ? '/' : rest) + query;
  return base + (rest === '/' && !stripped ? '' : rest) + query;
}
