/**
 * What the management operations answer with: plain JSON objects, never a secret hash, built fresh from the
 * records so no caller can change a stored value through them. Only the two `Created*` shapes carry a secret in
 * the clear, the one time it is shown.
 */
import type {
  ApiRecord,
  ApiTokenMetadata,
  AuditEventRecord,
  ClientRecord,
  DpopPolicy,
  GrantType,
  SigningKeyRecord,
  UserRecord,
} from '../storage/index.js';

export type ApiTokenOwner = { kind: 'user'; id: string; name: string } | { kind: 'client'; id: string; name: string };

/** An API token as every surface shows it (never the secret, never its hash). */
export interface ApiTokenView {
  id: string;
  name: string;
  owner: ApiTokenOwner;
  apis: string[];
  scopes: string[];
  createdAt: number;
  expiresAt: number | null;
  regeneratedAt: number | null;
  lastUsedAt: number | null;
  lastUsedAddress: string | null;
  requestCount: number;
  /** While the secret replaced by a regeneration with a grace period still works: when it stops; else null. */
  previousSecretExpiresAt: number | null;
  metadata: ApiTokenMetadata;
  externalId: string | null;
  /** The DPoP key the token is bound to (RFC 7638 thumbprint); null: a bearer token. */
  dpopJkt: string | null;
  /** Null: unlimited. */
  credits: ApiTokenCreditsView | null;
  /** The token's own rate limit; null: the route's per-token limit applies. */
  rateLimit: { requests: number; windowSeconds: number } | null;
  /** True when expired, or within the last 7 days or last quarter of its lifetime, whichever is shorter. */
  expiringSoon: boolean;
  expired: boolean;
}

/** A token's credits as of the answer: a refill due by then is shown applied. */
export interface ApiTokenCreditsView {
  remaining: number;
  refill: { amount: number; interval: 'day' | 'month' } | null;
  /** Epoch seconds of the next refill; null without one. */
  refillsAt: number | null;
}

/** The only moment a token's secret exists in the clear: creation and regeneration. */
export interface CreatedApiToken {
  token: ApiTokenView;
  secret: string;
}

export interface UsageDayCount {
  /** UTC `YYYY-MM-DD`. Every day of the window is present, with 0 when unused. */
  day: string;
  count: number;
}

export interface UsageSeries {
  /** Token id or API identifier. */
  key: string;
  label: string;
  days: UsageDayCount[];
  total: number;
}

export interface UserView {
  id: string;
  username: string;
  scopes: string[];
  disabled: boolean;
  isAdmin: boolean;
  createdAt: number;
}

export interface ApiView {
  identifier: string;
  scopes: string[];
  isDefault: boolean;
  tokenTtlSeconds: number;
  dpop: DpopPolicy;
  createdAt: number;
}

export interface ClientView {
  id: string;
  name: string;
  scopes: string[];
  apis: string[] | null;
  grantTypes: GrantType[];
  public: boolean;
  redirectUris: string[];
  firstParty: boolean;
  dpop: DpopPolicy;
  createdAt: number;
}

export interface CreatedClientView {
  client: ClientView;
  /** Shown once. */
  clientSecret: string;
}

/** A public client has no secret to show. */
export interface CreatedPublicClientView {
  client: ClientView;
  clientSecret: null;
}

export interface KeyView {
  kid: string;
  alg: string;
  createdAt: number;
  /** When it starts (or started) signing; a rotated key is published before, for the propagation delay. */
  activatesAt: number;
  /** When it stops (or stopped) signing; null while no newer key replaces it. */
  retiredAt: number | null;
  expiresAt: number | null;
  /** The key that signs new tokens now. */
  signing: boolean;
}

export type AuditEventView = AuditEventRecord;

/** The signed-in state the dashboard needs; returned by sign-in and by "who am I". */
export interface SessionView {
  user: UserView;
  /** The session's synchronizer token: state-changing requests must present it (the transport checks). */
  csrfToken: string;
  /** Absolute expiry (epoch seconds); the session also ends after `idleTimeoutSeconds` without requests. */
  expiresAt: number;
  idleTimeoutSeconds: number;
  /** Whether "never" may be chosen as a token expiry. */
  allowNeverExpiringTokens: boolean;
  /** The issuer, named in the credentials a person downloads for a new API token. */
  issuer: string;
}

export function userView(user: UserRecord): UserView {
  const { id, username, scopes, disabled, isAdmin, createdAt } = user;
  return { id, username, scopes: [...scopes], disabled, isAdmin, createdAt };
}

export function apiView(api: ApiRecord): ApiView {
  const { identifier, scopes, isDefault, tokenTtlSeconds, dpop, createdAt } = api;
  return { identifier, scopes: [...scopes], isDefault, tokenTtlSeconds, dpop, createdAt };
}

export function clientView(client: ClientRecord): ClientView {
  const { id, name, scopes, apis, grantTypes, createdAt } = client;
  return {
    id,
    name,
    scopes: [...scopes],
    apis: apis && [...apis],
    grantTypes: [...grantTypes],
    public: client.public,
    redirectUris: [...client.redirectUris],
    firstParty: client.firstParty,
    dpop: client.dpop,
    createdAt,
  };
}

export function keyView(key: SigningKeyRecord, signingKid: string | undefined): KeyView {
  const { kid, alg, createdAt, activatesAt, retiredAt, expiresAt } = key;
  return { kid, alg, createdAt, activatesAt, retiredAt, expiresAt, signing: kid === signingKid };
}
