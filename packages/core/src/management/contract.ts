/**
 * The management surface: API tokens, dashboard sessions, the
 * audit log and the admin operations, as the HTTP admin API, the dashboard and the CLI use them. Every operation
 * runs as an `Actor`, is authorised here (not in the transport) and, when it changes something, leaves an audit
 * event. All shapes are plain JSON, so the HTTP API returns them as they are and the dashboard imports these types.
 */
import type { ApiTokenUsageReport } from '@tollgate/jwt';
import type { AuditEventRecord, AuditFilter, GrantType } from '../storage/index.js';

/** Who acts. The CLI acts as the operator: an admin with no user id and no address. */
export interface Actor {
  /** User id; null for the operator. */
  userId: string | null;
  /** Username, or 'cli' for the operator. */
  name: string;
  isAdmin: boolean;
  /** Remote address; null from the CLI. */
  address: string | null;
}

export const OPERATOR: Actor = Object.freeze({ userId: null, name: 'cli', isAdmin: true, address: null });

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
  /** True when it expires within `EXPIRING_SOON_SECONDS` (7 days) or has expired. */
  expiringSoon: boolean;
  expired: boolean;
}

/** The only moment a token's secret exists in the clear: creation and regeneration. */
export interface CreatedApiToken {
  token: ApiTokenView;
  secret: string;
}

export interface ApiTokenInput {
  name: string;
  /** At least one registered API identifier; each must be one the owner may reach. */
  apis: string[];
  /** Each must be within the owner's scopes and offered by at least one of `apis`. */
  scopes: string[];
  /** Seconds from now; null = never (refused unless the server allows it); omitted = 90 days. */
  expiresInSeconds?: number | null;
  /**
   * Omitted: the actor (a user) owns it. Admins (and the operator) may name another user or a client
   * (service account).
   */
  owner?: { kind: 'user'; username: string } | { kind: 'client'; clientId: string };
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
  createdAt: number;
}

export interface ClientView {
  id: string;
  name: string;
  scopes: string[];
  apis: string[] | null;
  grantTypes: GrantType[];
  createdAt: number;
}

export interface CreatedClientView {
  client: ClientView;
  /** Shown once. */
  clientSecret: string;
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
  /** Echo in `X-CSRF-Token` on every POST/PATCH/PUT/DELETE. */
  csrfToken: string;
  /** Absolute expiry (epoch seconds); the session also ends after `idleTimeoutSeconds` without requests. */
  expiresAt: number;
  idleTimeoutSeconds: number;
  /** Whether "never" may be chosen as a token expiry. */
  allowNeverExpiringTokens: boolean;
  /** The issuer, for building token endpoint URLs and curl examples in downloaded credentials. */
  issuer: string;
}

export interface SignedIn {
  /** The cookie value. Never logged, never returned in a body. */
  sessionId: string;
  session: SessionView;
}

/** What a session id resolves to on each request. */
export interface ResumedSession {
  actor: Actor;
  session: SessionView;
}

/** Uses of API tokens a verifier saw, reported in batches (POST /api-tokens/usage): the shared wire shape. */
export type UsageReport = ApiTokenUsageReport;

/** Operations for one actor. Non-admins get `Forbidden` for admin operations and `NotFound` for others' tokens. */
export interface ActorOperations {
  readonly actor: Actor;
  tokens: {
    create(input: ApiTokenInput): Promise<CreatedApiToken>;
    /** Own tokens; with `all` (admins only) every token. */
    list(options?: { all?: boolean }): Promise<ApiTokenView[]>;
    get(id: string): Promise<ApiTokenView>;
    regenerate(id: string): Promise<CreatedApiToken>;
    revoke(id: string): Promise<void>;
    /** Requests per day over the last `days` days (1..366), today included. */
    usage(id: string, days: number): Promise<UsageSeries>;
  };
  apis: {
    /** Every signed-in user may list APIs (to choose them for a token). */
    list(): Promise<ApiView[]>;
    create(input: {
      identifier: string;
      scopes: string[];
      isDefault?: boolean;
      tokenTtlSeconds?: number;
    }): Promise<ApiView>;
    update(
      identifier: string,
      changes: { scopes?: string[]; isDefault?: boolean; tokenTtlSeconds?: number },
    ): Promise<ApiView>;
    remove(identifier: string): Promise<void>;
    /** Admin: API-token requests per day per API. */
    usage(days: number): Promise<UsageSeries[]>;
  };
  clients: {
    list(): Promise<ClientView[]>;
    create(input: {
      name: string;
      scopes: string[];
      apis?: string[] | null;
      grantTypes?: GrantType[];
    }): Promise<CreatedClientView>;
    update(id: string, changes: { name?: string; scopes?: string[]; apis?: string[] | null }): Promise<ClientView>;
    rotateSecret(id: string): Promise<CreatedClientView>;
    remove(id: string): Promise<void>;
  };
  users: {
    list(): Promise<UserView[]>;
    create(input: { username: string; password: string; scopes: string[]; isAdmin?: boolean }): Promise<UserView>;
    /** Disabling signs the user out everywhere; their API tokens stop working while disabled. */
    update(id: string, changes: { scopes?: string[]; disabled?: boolean; isAdmin?: boolean }): Promise<UserView>;
    /** Signs the user out everywhere. */
    resetPassword(id: string, password: string): Promise<void>;
    remove(id: string): Promise<void>;
  };
  keys: {
    list(): Promise<KeyView[]>;
    /** `now`: sign with the new key at once instead of after the propagation delay (emergencies only). */
    rotate(alg?: string, options?: { now?: boolean }): Promise<KeyView>;
    /** Withdraws a compromised key everywhere at once; a replacement signs at once if it was signing. */
    retire(kid: string): Promise<KeyView>;
  };
  audit: {
    list(filter: Partial<AuditFilter>): Promise<AuditEventView[]>;
  };
}

/** Dashboard sign-in. Cookies and CSRF checks are the transport's; the session rules are here. */
export interface SessionOperations {
  /**
   * Checks the password (argon2id, behind the brute-force guard) and opens a session. Unknown user, wrong password
   * and disabled user all give the same `Unauthenticated` error; too many failures give `TooManyAttempts`.
   * Audits `session.sign_in` (success or failure).
   */
  signIn(username: string, password: string, address: string): Promise<SignedIn>;
  /** Undefined when unknown, expired, idle too long, or the user is disabled or gone. Moves the idle clock on. */
  resume(sessionId: string): Promise<ResumedSession | undefined>;
  /** Ends the session (idempotent). Audits `session.sign_out`. */
  signOut(sessionId: string, address: string): Promise<void>;
}

/** What the `Tollgate` object adds for the management surface. */
export interface ManagementSurface {
  /** Operations authorised and audited for this actor. */
  as(actor: Actor): ActorOperations;
  readonly sessions: SessionOperations;
  /** POST /api-tokens/usage: a verifier's batch of API-token uses. Needs an authenticated confidential client. */
  reportApiTokenUsage(
    client: import('../service.js').PresentedClient,
    reports: readonly UsageReport[],
    remoteAddress: string,
  ): Promise<void>;
}

/** Server-side settings of the management surface (TollgateConfig.management; every field has a default). */
export interface ManagementConfig {
  /** Default lifetime of a new API token: 90 days. */
  apiTokenDefaultTtlSeconds: number;
  /** Whether a token may be created with no expiry. Default false. */
  allowNeverExpiringApiTokens: boolean;
  /** Absolute session lifetime. Default 8 hours. */
  sessionTtlSeconds: number;
  /** A session ends after this long without a request. Default 30 minutes. */
  sessionIdleTimeoutSeconds: number;
}
