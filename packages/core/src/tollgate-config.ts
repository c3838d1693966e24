/** What a `Tollgate` is opened with: its settings, and the store and services it runs over. */
import type { DpopReplayCache, SigningAlgorithm } from '@tollgate/jwt';
import type { WindowCounter } from '@tollgate/window-counter';
import type { CatalogCacheOptions } from './catalog/catalog-cache.js';
import type { Clock } from './clock.js';
import type { EncryptionKey } from './crypto/index.js';
import type { TollgateEvents } from './events/bus.js';
import type { ManagementConfig } from './management/contract.js';
import type { RevocationFeedOptions } from './revocations/feed.js';
import type { RevocationSignal } from './revocations/signal.js';
import type { Store } from './storage/index.js';
import type { BruteForceLimits } from './throttle.js';

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
  /** Webhook receivers in private networks (RFC 1918, 100.64.0.0/10, fc00::/7) are refused unless allowed. */
  webhooks?: { allowPrivateNetworks?: boolean };
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
  /**
   * The cross-node nudge (e.g. Redis pub/sub): published after each revocation, and each change to a client or an API,
   * written here; any signal polls the store and drops the clients and APIs held in memory.
   */
  revocationSignal?: RevocationSignal;
  /** How long clients and APIs are kept in memory (default CATALOG_MAX_AGE_MS), and the clock that ages them. */
  catalogCache?: CatalogCacheOptions;
  /**
   * Where the token endpoint remembers DPoP proofs, so each is accepted once (RFC 9449 11.1). In-process by default;
   * share one between nodes (createRedisDpopReplayCache) so a proof cannot be used again at another.
   */
  dpopReplay?: DpopReplayCache;
  /** Where observers (metrics, webhooks) subscribe; a fresh one with none by default (`tollgate.events`). */
  events?: TollgateEvents;
  /** Told when a webhook event could not be queued (the database was away); the audit log still has the event. */
  onWebhookQueueError?: (error: unknown) => void;
}
