/**
 * One `Tollgate` per process, over a store: the token flows (token, revocation, introspection, JWKS), management
 * through `as(actor)` and `sessions` (management/, authorised and audited there), and the housekeeping a server runs.
 */
import {
  type ApiTokenUsageReport,
  type CreditsAnswer,
  type CreditsRequest,
  MemoryDpopReplayCache,
} from '@tollgate/jwt';
import { MemoryWindowCounter } from '@tollgate/window-counter';
import { type AdminBearerContext, type AdminBearerRequest, authorizeAdminBearer } from './admin-access/bearer.js';
import { adminApiRecord, withAdminApi } from './admin-access/resource.js';
import { AUDIT_ACTIONS } from './audit/actions.js';
import { AuditLog } from './audit/record.js';
import {
  type ApprovalContext,
  approveAuthorization,
  type Credentials,
  denyAuthorization,
} from './authorization/approve.js';
import { type BuiltInClient, dashboardClient } from './authorization/dashboard-client.js';
import { type AuthorizationRequest, checkAuthorizationRequest } from './authorization/request.js';
import { CatalogCache } from './catalog/catalog-cache.js';
import { epochSeconds, systemClock } from './clock.js';
import { TollgateEvents } from './events/bus.js';
import { ClientAuthenticator } from './clients/authenticate.js';
import type { GrantContext } from './grants/context.js';
import { handleTokenRequest } from './grants/index.js';
import { DEFAULT_REFRESH_TOKEN_MAX_LIFETIME_SECONDS } from './grants/refresh-lifetime.js';
import { KeyRing } from './keys/keyring.js';
import type { Actor, ActorOperations, ManagementSurface, SessionOperations } from './management/contract.js';
import { createManagement } from './management/create.js';
import { API_TOKEN_REVOCATION_RETENTION_SECONDS } from './management/api-token-rules.js';
import type { Management } from './management/surface.js';
import { authorizationServerMetadata } from './metadata.js';
import { DenyList } from './revocations/deny-list.js';
import { RevocationFeed } from './revocations/feed.js';
import type { RevocationSignal } from './revocations/signal.js';
import type { Store } from './storage/index.js';
import type {
  IntrospectionRequest,
  IntrospectionResponse,
  PresentedClient,
  RevocationRequest,
  TokenRequest,
  TokenResponse,
} from './service.js';
import { type BruteForceObserver, BruteForceGuard } from './throttle.js';
import { consumeApiTokenCredits } from './tokens/api-token-credits.js';
import { type IntrospectionContext, introspectToken } from './tokens/introspect.js';
import { revokeToken } from './tokens/revoke.js';
import { VerifiedAccessTokens } from './tokens/verified-access-tokens.js';
import type { TollgateConfig, TollgateDependencies } from './tollgate-config.js';
import { WEBHOOK_DELIVERY_RETENTION_SECONDS, type WebhookSender } from './webhooks/deliver.js';
import { webhookAddressPolicy, type WebhookAddressPolicy } from './webhooks/address-policy.js';
import { Webhooks } from './webhooks/webhooks.js';

const USED_CODE_MEMORY_SECONDS = 86_400;

export class Tollgate implements ManagementSurface {
  /** Revocations as a stream, for GET /revocations. */
  readonly revocationFeed: RevocationFeed;
  /** What happens here, for observers in this process (metrics, webhooks): see events/bus.ts. */
  readonly events: TollgateEvents;
  readonly #grants: GrantContext;
  readonly #approvals: ApprovalContext;
  readonly #lookup: IntrospectionContext;
  readonly #catalog: CatalogCache;
  readonly #denyList: DenyList;
  readonly #keyRing: KeyRing;
  readonly #issuer: string;
  readonly #management: Management;
  readonly #signal: RevocationSignal | undefined;
  readonly #adminBearer: AdminBearerContext;
  /** The built-in dashboard client, when the dashboard signs in through the authorization code flow. */
  readonly #dashboardClient: BuiltInClient | undefined;
  #unsubscribeSignal: (() => void) | undefined;
  readonly #webhooks: Webhooks;
  #stopWebhooks: (() => void) | undefined;

  private constructor(config: TollgateConfig, dependencies: TollgateDependencies, keyRing: KeyRing) {
    const clock = dependencies.clock ?? systemClock;
    this.events = dependencies.events ?? new TollgateEvents();
    this.#signal = dependencies.revocationSignal;
    // Another node's catalog changes arrive by the signal that carries revocations; this node's go out by it.
    this.#catalog = new CatalogCache(dependencies.store, () => this.#signal?.publish(), dependencies.catalogCache);
    const adminApi = adminApiRecord(config.issuer, config.defaultAccessTokenTtlSeconds);
    const store = storeWith(dependencies.store, this.#catalog.clients, withAdminApi(this.#catalog.apis, adminApi));
    const refreshTokenMaxLifetimeSeconds =
      config.refreshTokenMaxLifetimeSeconds ?? DEFAULT_REFRESH_TOKEN_MAX_LIFETIME_SECONDS;
    const attempts = dependencies.attempts ?? new MemoryWindowCounter({ now: clock });
    // One audit log for every flow, so each event written reaches the observers.
    const audit = new AuditLog(store.audit, clock, this.events);
    const guard = new BruteForceGuard(attempts, config.bruteForce, undefined, clock, lockoutAudit(audit, this.events));
    const clients = new ClientAuthenticator(store.clients, guard, { passwordLogin: config.passwordLogin });
    this.#keyRing = keyRing;
    this.#issuer = config.issuer;
    this.#webhooks = new Webhooks({
      store,
      clock,
      encryptionKey: dependencies.encryptionKey,
      addressPolicy: webhookAddressPolicy(config.issuer, config.webhooks?.allowPrivateNetworks),
      ...webhookErrors(dependencies),
    });
    this.#stopWebhooks = this.#webhooks.listen(this.events);
    this.#grants = {
      store,
      keys: keyRing,
      clock,
      clients,
      guard,
      issuer: config.issuer,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      refreshTokenMaxLifetimeSeconds,
      passwordLogin: config.passwordLogin,
      onRevoked: () => this.#revoked(),
      dpopReplay: dependencies.dpopReplay ?? new MemoryDpopReplayCache({ now: clock }),
      audit,
      events: this.events,
    };
    this.#dashboardClient = config.management?.dashboardSignIn === 'oauth' ? dashboardClient(config.issuer) : undefined;
    this.#approvals = { store, guard, clock, audit };
    this.revocationFeed = new RevocationFeed(store.revocations, { ...dependencies.revocationFeed, clock });
    this.#denyList = new DenyList(this.revocationFeed, store.revocations, { clock });
    this.#lookup = {
      store,
      audiences: async () => [...(await this.#catalog.apiIdentifiers()), adminApi.identifier],
      keys: keyRing,
      verified: new VerifiedAccessTokens(clock),
      clock,
      clients,
      denyList: this.#denyList,
      issuer: config.issuer,
      clockToleranceSeconds: config.clockToleranceSeconds,
      refreshTokenMaxLifetimeSeconds,
      audit,
    };
    // The signal carries no data: the feed reads the store, which stays the only source of revocations, clients and
    // APIs; until that read, the deny list and the catalog cache answer nothing from memory.
    this.#unsubscribeSignal = this.#signal?.subscribe(() => {
      this.#catalog.clear();
      this.#denyList.noteWrite();
      this.revocationFeed.poke();
    });
    this.#management = createManagement(config, {
      store: storeWith(
        dependencies.store,
        this.#catalog.managedClients,
        withAdminApi(this.#catalog.managedApis, adminApi),
      ),
      adminApi,
      clock,
      keyRing,
      clients,
      guard,
      audit,
      webhooks: this.#webhooks,
      onRevoked: () => this.#revoked(),
    });
    this.#adminBearer = {
      lookup: this.#lookup,
      audit,
      audience: adminApi.identifier,
    };
  }

  /** Loads the signing keys, creating the first one on a fresh store. */
  static async open(config: TollgateConfig, dependencies: TollgateDependencies): Promise<Tollgate> {
    const keyRing = new KeyRing(dependencies.store.keys, dependencies.encryptionKey, dependencies.clock ?? systemClock);
    await keyRing.ensureSigningKey(config.signingAlgorithm);
    return new Tollgate(config, dependencies, keyRing);
  }

  /** Management operations authorised and audited for this actor (admin API, dashboard, CLI as `OPERATOR`). */
  as(actor: Actor): ActorOperations {
    return this.#management.as(actor);
  }

  /**
   * The actor a bearer token presented to the admin API acts as, once it is valid, meant for the admin API and
   * holding `requiredScope`; `InvalidToken` or `InsufficientScope` (audited) otherwise. Then use `as(actor)`.
   */
  authorizeAdminBearer(request: AdminBearerRequest): Promise<Actor> {
    return authorizeAdminBearer(this.#adminBearer, request);
  }

  get sessions(): SessionOperations {
    return this.#management.sessions;
  }

  reportApiTokenUsage(
    client: PresentedClient,
    reports: readonly ApiTokenUsageReport[],
    remoteAddress: string,
  ): Promise<void> {
    return this.#management.reportApiTokenUsage(client, reports, remoteAddress);
  }

  token(request: TokenRequest): Promise<TokenResponse> {
    return handleTokenRequest(this.#grants, request);
  }

  /**
   * Checks an authorization request (RFC 6749 4.1.1). Throws a `TollgateError` the user must see when the client or
   * its redirect URI is not valid, and an `AuthorizationRedirect` (to the client, with the error) for the rest.
   */
  checkAuthorization(params: ReadonlyMap<string, string>, resources: readonly string[]): Promise<AuthorizationRequest> {
    return checkAuthorizationRequest(this.#grants.store, this.#issuer, params, resources, this.#dashboardClient);
  }

  /** Signs the user in and returns the redirect that carries a new code (RFC 6749 4.1.2). */
  approveAuthorization(
    request: AuthorizationRequest,
    credentials: Credentials,
    remoteAddress: string,
  ): Promise<string> {
    return approveAuthorization(this.#approvals, request, credentials, remoteAddress);
  }

  /** The redirect that tells the client the user declined (`access_denied`). */
  denyAuthorization(request: AuthorizationRequest): string {
    return denyAuthorization(request);
  }

  async revoke(request: RevocationRequest): Promise<void> {
    await revokeToken(this.#lookup, request);
    this.#revoked();
  }

  /** Authenticates a confidential client (RFC 6749 2.3) for endpoints outside the token flows, e.g. the revocation stream. */
  async authenticateClient(presented: PresentedClient, remoteAddress: string): Promise<{ clientId: string }> {
    const client = await this.#lookup.clients.authenticate(presented, remoteAddress, false);
    return { clientId: client.id };
  }

  async introspect(request: IntrospectionRequest): Promise<IntrospectionResponse> {
    const response = await introspectToken(this.#lookup, request);
    this.events.emit({ type: 'introspection', active: response.active });
    return response;
  }

  /** A verifier takes credits of an API token it accepted (tokens/api-token-credits.ts). */
  consumeApiTokenCredits(
    client: PresentedClient,
    request: CreditsRequest,
    remoteAddress: string,
  ): Promise<CreditsAnswer> {
    return consumeApiTokenCredits(this.#lookup, client, request, remoteAddress);
  }

  /** RFC 7517 JWK Set of every key whose tokens may still be live. */
  jwks(): { keys: Record<string, unknown>[] } {
    return this.#keyRing.jwks();
  }

  metadata(): Record<string, unknown> {
    return authorizationServerMetadata(this.#issuer);
  }

  /** Re-reads signing keys (a rotation by another process) and drops expired ones; true when they changed. */
  async reloadKeys(): Promise<boolean> {
    return this.#keyRing.reload();
  }

  /**
   * Revokes the previous secrets whose grace period has ended and pushes that out like any revocation, so verifiers
   * that cached the old secret refuse it too. A server runs this every quarter second; any node may.
   */
  async endGracePeriods(): Promise<number> {
    const { store, clock } = this.#grants;
    const now = epochSeconds(clock);
    const ended = await store.apiTokens.endGracePeriods(now, now + API_TOKEN_REVOCATION_RETENTION_SECONDS);
    if (ended > 0) this.#revoked();
    return ended;
  }

  /**
   * Housekeeping a server runs now and then: forget expired revocations, retired keys, grants and sessions, and
   * webhook deliveries finished more than 30 days ago.
   */
  async purgeExpired(): Promise<{
    revocations: number;
    keys: number;
    grants: number;
    sessions: number;
    webhookDeliveries: number;
  }> {
    const { store, clock } = this.#grants;
    const now = epochSeconds(clock);
    const revocations = await store.revocations.removeExpired(now);
    const keys = await store.keys.removeExpired(now);
    const grants = await store.grants.removeExpired(now);
    // A used code is kept a day past its expiry, so a late replay still revokes what it issued.
    await store.codes.removeExpired(now - USED_CODE_MEMORY_SECONDS);
    const sessions = await this.#management.purgeExpiredSessions(now);
    const webhookDeliveries = await store.webhooks.removeFinishedBefore(now - WEBHOOK_DELIVERY_RETENTION_SECONDS);
    return { revocations, keys, grants, sessions, webhookDeliveries };
  }

  /**
   * Sends the webhook deliveries that are due and records how each went (webhooks/deliver.ts). A server runs this
   * every half second; any node may, each delivery is claimed by one.
   */
  deliverWebhooks(send: WebhookSender): ReturnType<Webhooks['deliverDue']> {
    return this.#webhooks.deliverDue(send);
  }

  /**
   * Queues the webhooks of the audit events written in the last `windowSeconds` whose queuing was lost (a crash
   * between the two writes, or the database refusing the second); queues nothing twice. Any node may run it.
   */
  catchUpWebhooks(windowSeconds: number): Promise<number> {
    return this.#webhooks.catchUp(epochSeconds(this.#grants.clock) - windowSeconds);
  }

  /** Queues `api_token.expiring` once per token expiring within 7 days and endpoint that wants it. */
  queueExpiringApiTokenWebhooks(): Promise<number> {
    return this.#webhooks.queueExpiringApiTokens();
  }

  /** Where webhook deliveries may connect: the server's sender checks every address it connects to against it. */
  get webhookAddressPolicy(): WebhookAddressPolicy {
    return this.#webhooks.addressPolicy;
  }

  /** Resolves once the webhook events raised so far are stored. */
  webhooksSettled(): Promise<void> {
    return this.#webhooks.settled();
  }

  /** Stops listening to the revocation signal and ends the feed's subscriptions. Idempotent. */
  close(): void {
    this.#stopWebhooks?.();
    this.#stopWebhooks = undefined;
    this.#unsubscribeSignal?.();
    this.#unsubscribeSignal = undefined;
    this.#denyList.stop();
    this.revocationFeed.stop();
  }

  /** After a revocation was written here: this node's subscribers at once, other nodes through the signal. */
  #revoked(): void {
    this.#denyList.noteWrite();
    this.revocationFeed.poke();
    this.#signal?.publish();
    this.events.emit({ type: 'revocations_published' });
  }
}

/** Refusals are counted; a lockout is audited (and so raised to webhooks), as the operator of the guard. */
function lockoutAudit(audit: AuditLog, events: TollgateEvents): BruteForceObserver {
  return {
    refused: () => events.emit({ type: 'brute_force_refused' }),
    lockedOut: ({ kind, subject, address, untilMs }) => {
      const entry = {
        action: AUDIT_ACTIONS.bruteForceLockout,
        target: subject,
        outcome: 'failure' as const,
        detail: { kind, until: new Date(untilMs).toISOString() },
      };
      // Written in the background: the refusal must not wait for the store, and a failed write only loses the line.
      audit.record({ userId: null, name: 'brute-force guard', address }, entry).catch(() => {});
    },
  };
}

/** A failure to queue a webhook event goes where the bus reports its observers' errors. */
function webhookErrors(dependencies: TollgateDependencies): { onQueueError?: (error: unknown) => void } {
  return dependencies.onWebhookQueueError ? { onQueueError: dependencies.onWebhookQueueError } : {};
}

/** `store` with other client and API stores in front (catalog/catalog-cache.ts). */
function storeWith(store: Store, clients: Store['clients'], apis: Store['apis']): Store {
  return {
    apis,
    clients,
    users: store.users,
    keys: store.keys,
    grants: store.grants,
    codes: store.codes,
    revocations: store.revocations,
    apiTokens: store.apiTokens,
    sessions: store.sessions,
    audit: store.audit,
    webhooks: store.webhooks,
    close: () => store.close(),
  };
}

export function openTollgate(config: TollgateConfig, dependencies: TollgateDependencies): Promise<Tollgate> {
  return Tollgate.open(config, dependencies);
}
