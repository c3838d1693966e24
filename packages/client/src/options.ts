/** createClient's options, checked once and eagerly: a caller mistake is a TypeError at start-up. */
import type { DpopKeyPairSource } from './dpop/signer.js';
import type { ClientAuthMethod, ClientIdentity } from './oauth/client-auth.js';
import type { AuthorizationServerMetadata } from './oauth/metadata.js';
import type { FetchLike } from './lib/fetch-like.js';
import { memoryStorage, type TokenStorage } from './session/storage.js';

export interface ClientOptions {
  /** The authorization server's issuer identifier (RFC 8414 2), e.g. `https://auth.example.com`. */
  issuer: string;
  /** Leave out for Tollgate's JSON login: its tokens belong to the built-in public client. */
  clientId?: string;
  clientSecret?: string;
  /** Default `client_secret_basic` with a secret, `none` without (RFC 6749 2.3.1). */
  clientAuthMethod?: ClientAuthMethod;
  /**
   * The server's metadata, when it cannot be discovered (a page reaching the server through a proxy): at least
   * `issuer` and `token_endpoint`. Without it, it is fetched from the issuer once (RFC 8414 3).
   */
  metadata?: AuthorizationServerMetadata;
  /** Default: memory. `webStorage(sessionStorage)` keeps them per tab; `indexedDbStorage()` shares them between tabs. */
  storage?: TokenStorage;
  /** Renew this long before `expires_in` runs out (at most half the token's lifetime). Default 60. */
  refreshMarginSeconds?: number;
  /**
   * DPoP (RFC 9449): `'auto'` (default) proves possession when the server's metadata offers ES256 DPoP, `true`
   * always, `false` never. APIs get proofs whenever the token is a DPoP token.
   */
  dpop?: boolean | 'auto';
  /** The DPoP key pair (non-extractable private key), or how to load it; default a fresh one per client. */
  dpopKeyPair?: DpopKeyPairSource;
  /** Name of the Web Lock that serialises refreshes across tabs; default derived from issuer and client id. */
  lockName?: string;
  /** For tests and custom transports; defaults to globalThis.fetch. Used for the server and for APIs. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
}

export interface NormalizedOptions {
  issuer: string;
  identity: ClientIdentity;
  metadata: AuthorizationServerMetadata | undefined;
  storage: TokenStorage;
  refreshMarginSeconds: number;
  dpop: boolean | 'auto';
  dpopKeyPair: DpopKeyPairSource | undefined;
  lockName: string;
  fetch: FetchLike;
  now: () => number;
}

const DEFAULT_REFRESH_MARGIN_SECONDS = 60;
const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

function issuerOption(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError('options.issuer must be an absolute URL');
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('options.issuer must be https');
  // RFC 8414 2: no query or fragment.
  if (url.search !== '' || url.hash !== '') throw new TypeError('options.issuer must have no query or fragment');
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(`options.${name} must be a non-empty string`);
  return value;
}

function identityOption(options: ClientOptions): ClientIdentity {
  const clientId = optionalString(options.clientId, 'clientId');
  const clientSecret = optionalString(options.clientSecret, 'clientSecret');
  if (clientSecret !== undefined && clientId === undefined) throw new TypeError('options.clientSecret needs clientId');
  const method = options.clientAuthMethod ?? (clientSecret === undefined ? 'none' : 'client_secret_basic');
  if (!AUTH_METHODS.includes(method))
    throw new TypeError(`options.clientAuthMethod must be ${AUTH_METHODS.join(', ')}`);
  if (method !== 'none' && clientSecret === undefined) throw new TypeError(`${method} needs options.clientSecret`);
  return { clientId, clientSecret, method };
}

function metadataOption(value: unknown, issuer: string): AuthorizationServerMetadata | undefined {
  if (value === undefined) return undefined;
  const metadata = value as Partial<AuthorizationServerMetadata> | null;
  if (typeof metadata !== 'object' || metadata === null || metadata.issuer !== issuer) {
    throw new TypeError('options.metadata must be an object whose issuer is options.issuer');
  }
  return metadata as AuthorizationServerMetadata;
}

function functionOption<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') throw new TypeError(`options.${name} must be a function`);
  return value as T;
}

export function normalizeOptions(options: ClientOptions): NormalizedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const issuer = issuerOption(options.issuer);
  const identity = identityOption(options);
  const margin = options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS;
  if (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0) {
    throw new TypeError('options.refreshMarginSeconds must be a number >= 0');
  }
  const dpop = options.dpop ?? 'auto';
  if (dpop !== true && dpop !== false && dpop !== 'auto')
    throw new TypeError("options.dpop must be a boolean or 'auto'");
  return {
    issuer,
    identity,
    metadata: metadataOption(options.metadata, issuer),
    storage: options.storage ?? memoryStorage(),
    refreshMarginSeconds: margin,
    dpop,
    dpopKeyPair: options.dpopKeyPair,
    lockName: optionalString(options.lockName, 'lockName') ?? `tollgate-client:${issuer}:${identity.clientId ?? ''}`,
    fetch: functionOption(options.fetch, 'fetch', (input, init) => globalThis.fetch(input, init)),
    now: functionOption(options.now, 'now', Date.now),
  };
}
