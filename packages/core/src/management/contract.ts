/**
 * The management operations: API tokens, dashboard sessions, the audit log, users, clients, APIs and signing keys.
 * Every operation runs as an `Actor` and is authorised here, not by its caller; every one that changes something
 * leaves an audit event and publishes the revocations it implies. What they answer with is in views.ts.
 */
import type { ApiTokenUsageReport, RefillInterval } from '@tollgate/jwt';
import type { PresentedClient } from '../service.js';
import type { ApiTokenMetadata, AuditFilter, DpopPolicy, GrantType, WebhookEndpointChanges } from '../storage/index.js';
import type {
  ApiTokenView,
  ApiView,
  AuditEventView,
  ClientView,
  CreatedApiToken,
  CreatedClientView,
  CreatedPublicClientView,
  KeyView,
  SessionView,
  UsageSeries,
  UserView,
} from './views.js';
import type { CreatedWebhookEndpoint, WebhookDeliveryView, WebhookEndpointView } from './webhook-views.js';

/** Who acts. The CLI acts as the operator: an admin with no user id and no address. */
export interface Actor {
  /** User id; null for the operator. */
  userId: string | null;
  /** Username, or 'cli' for the operator. */
  name: string;
  isAdmin: boolean;
  /** Remote address; null from the CLI. */
  address: string | null;
  /**
   * The admin scopes of a bearer token the actor acts through; absent for a session and the operator, whom no scope
   * limits. Handing out admin rights or admin scopes needs `tollgate:admin` (authorize.ts).
   */
  scopes?: readonly string[];
}

export const OPERATOR: Actor = Object.freeze({ userId: null, name: 'cli', isAdmin: true, address: null });

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
  /** Owner-supplied facts for the APIs behind (api-token-metadata.ts has the limits); omitted = none. */
  metadata?: ApiTokenMetadata;
  /** The owner's id for whoever the token is for; omitted or null = none. */
  externalId?: string | null;
  /**
   * Binds the token to a DPoP key (RFC 9449): the RFC 7638 SHA-256 thumbprint of its public key. Verifiers then take
   * the token only with a proof made with that key. Omitted or null: a bearer token.
   */
  dpopJkt?: string | null;
  /** Credits the token spends per request (api-token-quotas.ts); omitted or null = unlimited. */
  credits?: ApiTokenCreditsInput | null;
  /** The token's own rate limit, in place of the API's or route's per-token one; omitted or null = none. */
  rateLimit?: ApiTokenRateLimitInput | null;
}

/**
 * Credits as the owner sets them: `remaining` is SET (on update too), and counts from now. With a refill,
 * `remaining` is set back to `refill.amount` at each UTC midnight (`day`) or first of the month (`month`).
 */
export interface ApiTokenCreditsInput {
  /** Required: optional in the type only so that a refill given alone is refused with a message that says why. */
  remaining?: number | undefined;
  refill?: { amount: number; interval: RefillInterval } | null;
}

export interface ApiTokenRateLimitInput {
  requests: number;
  windowSeconds: number;
}

/** What `tokens.update` may change; omitted fields stay as they are. */
export interface ApiTokenChanges {
  metadata?: ApiTokenMetadata;
  externalId?: string | null;
  /** Null: unlimited from now on. */
  credits?: ApiTokenCreditsInput | null;
  /** Null: the route's per-token limit applies again. */
  rateLimit?: ApiTokenRateLimitInput | null;
}

export interface ApiChanges {
  scopes?: string[];
  /** Making one API the default un-defaults the previous one. */
  isDefault?: boolean;
  tokenTtlSeconds?: number;
  dpop?: DpopPolicy;
}

export interface ApiInput {
  /** An absolute URI without a fragment (RFC 8707 2), e.g. https://api.example.com. */
  identifier: string;
  scopes: string[];
  isDefault?: boolean;
  /** Omitted: the server's default access-token lifetime. */
  tokenTtlSeconds?: number;
  /** Omitted: `allowed`, bearer and DPoP-bound tokens alike. */
  dpop?: DpopPolicy;
}

export interface ClientChanges {
  name?: string;
  scopes?: string[];
  /** Null: every registered API. */
  apis?: string[] | null;
  dpop?: DpopPolicy;
}

export interface ClientInput {
  name: string;
  scopes: string[];
  /** Omitted or null: every registered API. */
  apis?: string[] | null;
  /**
   * Defaults to `['client_credentials']`, or `['authorization_code', 'refresh_token']` for a public client or one
   * with redirect URIs.
   */
  grantTypes?: GrantType[];
  /** No secret (an SPA, a native app): only the code flow with PKCE, and refresh tokens. Default false. */
  public?: boolean;
  /** Where the code flow may send users back; matched exactly (a loopback IP redirect on any port). */
  redirectUris?: string[];
  /** False: a third-party client, whose users see a consent screen and which may not use the password grant. */
  firstParty?: boolean;
  /** `required`: only DPoP-bound tokens (RFC 9449 5.2 `dpop_bound_access_tokens`). Default `allowed`. */
  dpop?: DpopPolicy;
}

export interface WebhookEndpointInput {
  /** https, or http on a loopback host; no credentials, no fragment. */
  url: string;
  /** Event types to receive, at least one (webhooks/event-types.ts). */
  events: string[];
  /** Default true. */
  enabled?: boolean;
}

export interface UserChanges {
  scopes?: string[];
  disabled?: boolean;
  isAdmin?: boolean;
}

export interface UserInput {
  username: string;
  password: string;
  scopes: string[];
  isAdmin?: boolean;
}

/** Operations for one actor. Non-admins get `Forbidden` for admin operations and `NotFound` for others' tokens. */
export interface ActorOperations {
  readonly actor: Actor;
  tokens: {
    create(input: ApiTokenInput): Promise<CreatedApiToken>;
    /** Own tokens; with `all` (admins only) every token. */
    list(options?: { all?: boolean }): Promise<ApiTokenView[]>;
    get(id: string): Promise<ApiTokenView>;
    /**
     * A new secret, shown once. Without `graceSeconds` the old one stops working at once; with it (1 s to 7 days)
     * it keeps working until then, and an older secret still in its grace period stops at once.
     */
    regenerate(id: string, options?: { graceSeconds?: number }): Promise<CreatedApiToken>;
    update(id: string, changes: ApiTokenChanges): Promise<ApiTokenView>;
    revoke(id: string): Promise<void>;
    /** Requests per day over the last `days` days (1..366), today included. */
    usage(id: string, days: number): Promise<UsageSeries>;
  };
  apis: {
    /** Every signed-in user may list APIs (to choose them for a token). */
    list(): Promise<ApiView[]>;
    /** The first API registered becomes the default. */
    create(input: ApiInput): Promise<ApiView>;
    update(identifier: string, changes: ApiChanges): Promise<ApiView>;
    remove(identifier: string): Promise<void>;
    /** Admin: API-token requests per day per API. */
    usage(days: number): Promise<UsageSeries[]>;
  };
  clients: {
    list(): Promise<ClientView[]>;
    create(input: ClientInput & { public?: false }): Promise<CreatedClientView>;
    create(input: ClientInput): Promise<CreatedClientView | CreatedPublicClientView>;
    /** Tokens already issued keep what they were issued with until they expire. */
    update(id: string, changes: ClientChanges): Promise<ClientView>;
    /** A new secret, shown once; the old one stops working at once. */
    rotateSecret(id: string): Promise<CreatedClientView>;
    remove(id: string): Promise<void>;
  };
  users: {
    list(): Promise<UserView[]>;
    create(input: UserInput): Promise<UserView>;
    /** Disabling signs the user out everywhere; their API tokens stop working while disabled. */
    update(id: string, changes: UserChanges): Promise<UserView>;
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
  /** Admins only. */
  webhooks: {
    list(): Promise<WebhookEndpointView[]>;
    /** The signing secret is in the answer, this once. */
    create(input: WebhookEndpointInput): Promise<CreatedWebhookEndpoint>;
    update(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointView>;
    /** Its queued deliveries go with it. */
    remove(id: string): Promise<void>;
    /** Queues a `webhook.test` event for this endpoint; the delivery as queued. */
    test(id: string): Promise<WebhookDeliveryView>;
    /** Newest first, at most `limit` (1..500, default 50). */
    deliveries(id: string, limit?: number): Promise<WebhookDeliveryView[]>;
  };
}

export interface SignedIn {
  /** The session's secret: only its holder ever sees it; never logged, never part of a view. */
  sessionId: string;
  session: SessionView;
}

/** The callback's half of the dashboard's authorization code flow. */
export interface CodeSignIn {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** What a session id resolves to on each request. */
export interface ResumedSession {
  actor: Actor;
  session: SessionView;
}

/** Dashboard sign-in. How the session id travels and how requests prove they come from it is the transport's. */
export interface SessionOperations {
  /**
   * Checks the password (argon2id, behind the brute-force guard) and opens a session. Unknown user, wrong password
   * and disabled user all give the same `Unauthenticated` error; too many failures give `TooManyAttempts`.
   * Audits `session.sign_in` (success or failure).
   */
  signIn(username: string, password: string, address: string): Promise<SignedIn>;
  /**
   * Redeems a code of the built-in dashboard client (RFC 6749 4.1.3 with PKCE) and opens a session for the user who
   * signed in at the authorization endpoint. A bad, used or expired code, a redirect URI that differs or a wrong
   * verifier give `Unauthenticated`; with `dashboardSignIn: password` it is `Forbidden`. Audits `session.sign_in`.
   */
  signInWithCode(redemption: CodeSignIn, address: string): Promise<SignedIn>;
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
  /** A verifier's batch of API-token uses. Needs an authenticated confidential client. */
  reportApiTokenUsage(
    client: PresentedClient,
    reports: readonly ApiTokenUsageReport[],
    remoteAddress: string,
  ): Promise<void>;
}

export type DashboardSignIn = 'password' | 'oauth';
export const DASHBOARD_SIGN_IN_METHODS: readonly DashboardSignIn[] = Object.freeze(['password', 'oauth']);

/** Server-side settings of the management surface (TollgateConfig.management; every field has a default). */
export interface ManagementConfig {
  /** Default lifetime of a new API token: 90 days. */
  apiTokenDefaultTtlSeconds: number;
  /** Whether a token may be created with no expiry. Default false. */
  allowNeverExpiringApiTokens: boolean;
  /**
   * How people sign in to the dashboard: `password` (POST /api/v1/session) or `oauth` (the authorization code flow
   * through the hosted sign-in page, with the built-in dashboard client; the password sign-in is then refused).
   * Default `password`.
   */
  dashboardSignIn: DashboardSignIn;
  /** Absolute session lifetime. Default 8 hours. */
  sessionTtlSeconds: number;
  /** A session ends after this long without a request. Default 30 minutes. */
  sessionIdleTimeoutSeconds: number;
}
