/**
 * Wires the token logic together: one `Tollgate` per process, over a store. The HTTP server, the CLI and
 * the dashboard all go through it. Management changes have one way in, `as(actor)`: the admin services below it
 * are private, so nothing outside core can change users, clients, APIs or keys without authorisation, audit and
 * the revocations those changes publish.
 */
import { retiredKeyRevocationId, type SigningAlgorithm } from '@tollgate/jwt';
import { MemoryWindowCounter, type WindowCounter } from '@tollgate/window-counter';
import { ApiAdmin } from './admin/apis.js';
import { ClientAdmin } from './admin/clients.js';
import { KeyAdmin } from './admin/keys.js';
import { UserAdmin } from './admin/users.js';
import { type Clock, epochSeconds, systemClock } from './clock.js';
import { ClientAuthenticator } from './clients/authenticate.js';
import type { EncryptionKey } from './crypto/index.js';
import type { GrantContext } from './grants/context.js';
import { handleTokenRequest } from './grants/index.js';
import { DEFAULT_REFRESH_TOKEN_MAX_LIFETIME_SECONDS } from './grants/refresh-lifetime.js';
import { KeyRing } from './keys/keyring.js';
import { AuditLog } from './audit/record.js';
import { resolveManagementConfig } from './management/config.js';
import type {
  Actor,
  ActorOperations,
  ManagementConfig,
  ManagementSurface,
  SessionOperations,
  UsageReport,
} from './management/contract.js';
import { Management } from './management/surface.js';
import { authorizationServerMetadata } from './metadata.js';
import { RevocationFeed, type RevocationFeedOptions } from './revocations/feed.js';
import type { RevocationSignal } from './revocations/signal.js';
import type {
  IntrospectionRequest,
  IntrospectionResponse,
  PresentedClient,
  RevocationRequest,
  TokenRequest,
  TokenResponse,
} from './service.js';
import type { Store } from './storage/index.js';
import { type BruteForceLimits, BruteForceGuard } from './throttle.js';
import { introspectToken } from './tokens/introspect.js';
import type { TokenLookupContext } from './tokens/lookup.js';
import { revokeToken } from './tokens/revoke.js';

/**
 * Longer than the verify SDK's and the gateway's JWKS refetch interval (10 s) and the JWKS `max-age` (60 s), with
 * margin: a verifier that refetched for some unknown kid just before a rotation can refetch again before the new
 * key's first token.
 */
export const DEFAULT_KEY_PROPAGATION_DELAY_SECONDS = 120;

export interface TollgateConfig {
  /** Origin (scheme://host[:port]) that becomes `iss` and the base of every endpoint URL. */
  issuer: string;
  /** Algorithm for newly generated signing keys. */
  signingAlgorithm: SigningAlgorithm;
  /** How long a rotated key is published before it signs (default DEFAULT_KEY_PROPAGATION_DELAY_SECONDS). */
  keyPropagationDelaySeconds?: number;
  refreshTokenTtlSeconds: number;
  /**
   * The absolute lifetime of a refresh-token family, from its first issue: rotation never extends a token past
   * it. Default 90 days.
   */
  refreshTokenMaxLifetimeSeconds?: number;
  /** Lifetime of access tokens for APIs added without their own. */
  defaultAccessTokenTtlSeconds: number;
  clockToleranceSeconds: number;
  /** The JSON `{username, password}` login and the password grant without client credentials. */
  passwordLogin: boolean;
  bruteForce: BruteForceLimits;
  /** API tokens and dashboard sessions; every field has a default (see management/config). */
  management?: Partial<ManagementConfig>;
}

export interface TollgateDependencies {
  store: Store;
  encryptionKey: EncryptionKey;
  clock?: Clock;
  /** Where failed-attempt counters live; in-process by default. */
  attempts?: WindowCounter;
  /**
   * Poll interval and timers of the revocation stream's feed (tests drive them by hand). The default 250 ms suits a
   * single node; with a `revocationSignal` other nodes' writes arrive by the signal, so polling is only the fallback
   * for when it is down and may be slower (e.g. 1000 ms).
   */
  revocationFeed?: Omit<RevocationFeedOptions, 'clock'>;
  /** The cross-node nudge (e.g. Redis pub/sub): published after each revocation written here; any signal polls the store. */
  revocationSignal?: RevocationSignal;
}

export class Tollgate implements ManagementSurface {
  /** Revocations as a stream, for GET /revocations. */
  readonly revocationFeed: RevocationFeed;
  readonly #grants: GrantContext;
  readonly #lookup: TokenLookupContext & { clients: ClientAuthenticator };
  readonly #keyRing: KeyRing;
  readonly #issuer: string;
  readonly #management: Management;
  readonly #signal: RevocationSignal | undefined;
  #unsubscribeSignal: (() => void) | undefined;

  private constructor(config: TollgateConfig, dependencies: TollgateDependencies, keyRing: KeyRing) {
    const { store } = dependencies;
    const clock = dependencies.clock ?? systemClock;
    const refreshTokenMaxLifetimeSeconds =
      config.refreshTokenMaxLifetimeSeconds ?? DEFAULT_REFRESH_TOKEN_MAX_LIFETIME_SECONDS;
    const attempts = dependencies.attempts ?? new MemoryWindowCounter({ now: clock });
    const guard = new BruteForceGuard(attempts, config.bruteForce, undefined, clock);
    const clients = new ClientAuthenticator(store.clients, guard, { passwordLogin: config.passwordLogin });
    this.#keyRing = keyRing;
    this.#issuer = config.issuer;
    this.#signal = dependencies.revocationSignal;
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
    };
    this.#lookup = {
      store,
      keys: keyRing,
      clock,
      clients,
      issuer: config.issuer,
      clockToleranceSeconds: config.clockToleranceSeconds,
      refreshTokenMaxLifetimeSeconds,
    };
    this.revocationFeed = new RevocationFeed(store.revocations, { ...dependencies.revocationFeed, clock });
    // The signal carries no data: the feed reads the store, which stays the only source of revocations.
    this.#unsubscribeSignal = this.#signal?.subscribe(() => this.revocationFeed.poke());
    // Reachable only through the management operations, which authorise, audit and publish revocations.
    const admin = {
      apis: new ApiAdmin(store.apis, clock, config.defaultAccessTokenTtlSeconds),
      users: new UserAdmin(store.users, clock),
      clients: new ClientAdmin(store.clients, store.apis, clock),
      keys: new KeyAdmin(keyRing, store.apis, clock, {
        defaultAlg: config.signingAlgorithm,
        defaultTtlSeconds: config.defaultAccessTokenTtlSeconds,
        clockToleranceSeconds: config.clockToleranceSeconds,
        propagationDelaySeconds: config.keyPropagationDelaySeconds ?? DEFAULT_KEY_PROPAGATION_DELAY_SECONDS,
        publishRetirement: async (kid, expiresAt) => {
          await store.revocations.add(retiredKeyRevocationId(kid), epochSeconds(clock), expiresAt);
          this.#revoked();
        },
      }),
    };
    this.#management = new Management({
      store,
      clock,
      config: resolveManagementConfig(config.management),
      issuer: config.issuer,
      audit: new AuditLog(store.audit, clock),
      admin,
      clients,
      guard,
      onRevoked: () => this.#revoked(),
    });
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

  get sessions(): SessionOperations {
    return this.#management.sessions;
  }

  reportApiTokenUsage(client: PresentedClient, reports: readonly UsageReport[], remoteAddress: string): Promise<void> {
    return this.#management.reportApiTokenUsage(client, reports, remoteAddress);
  }

  token(request: TokenRequest): Promise<TokenResponse> {
    return handleTokenRequest(this.#grants, request);
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

  introspect(request: IntrospectionRequest): Promise<IntrospectionResponse> {
    return introspectToken(this.#lookup, request);
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

  /** Housekeeping a server runs now and then: forget expired revocations, retired keys, grants and sessions. */
  async purgeExpired(): Promise<{ revocations: number; keys: number; grants: number; sessions: number }> {
    const { store, clock } = this.#grants;
    const now = epochSeconds(clock);
    const revocations = await store.revocations.removeExpired(now);
    const keys = await store.keys.removeExpired(now);
    const grants = await store.grants.removeExpired(now);
    const sessions = await this.#management.purgeExpiredSessions(now);
    return { revocations, keys, grants, sessions };
  }

  /** Stops listening to the revocation signal and ends the feed's subscriptions. Idempotent. */
  close(): void {
    this.#unsubscribeSignal?.();
    this.#unsubscribeSignal = undefined;
    this.revocationFeed.stop();
  }

  /** After a revocation was written here: this node's subscribers at once, other nodes through the signal. */
  #revoked(): void {
    this.revocationFeed.poke();
    this.#signal?.publish();
  }
}

export function openTollgate(config: TollgateConfig, dependencies: TollgateDependencies): Promise<Tollgate> {
  return Tollgate.open(config, dependencies);
}
