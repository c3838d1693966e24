import type { SigningAlgorithm } from '@tollgate/jwt';
import type { AuditLog } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import type { KeyRing } from '../keys/keyring.js';
import type { ApiRecord, Store } from '../storage/index.js';
import type { BruteForceGuard } from '../throttle.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import type { ManagementConfig } from './contract.js';

/** How signing keys are rotated and retired. */
export interface KeySettings {
  /** Algorithm of a rotated key when none is named. */
  defaultAlg: SigningAlgorithm;
  /** How long a rotated key is published before it signs; longer than any verifier's JWKS refetch interval. */
  propagationDelaySeconds: number;
  clockToleranceSeconds: number;
}

/** What every management operation may use. */
export interface ManagementContext {
  store: Store;
  clock: Clock;
  config: ManagementConfig;
  issuer: string;
  audit: AuditLog;
  clients: ClientAuthenticator;
  guard: BruteForceGuard;
  keyRing: KeyRing;
  keys: KeySettings;
  /** Lifetime of access tokens for APIs registered without their own. */
  defaultAccessTokenTtlSeconds: number;
  /** Tollgate's own admin API (admin-access/resource.ts): an API tokens may be for, though never listed. */
  adminApi: ApiRecord;
  /** Publishes new revocations on the stream at once: this node's feed, other nodes through the signal. */
  onRevoked: () => void;
  /** Queues test events; holds the key that encrypts endpoint secrets. */
  webhooks: Webhooks;
}
