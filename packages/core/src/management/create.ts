/** Builds the management layer from the core's settings and the parts it shares with the token flows. */
import type { AuditLog } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import type { KeyRing } from '../keys/keyring.js';
import type { ApiRecord, Store } from '../storage/index.js';
import type { BruteForceGuard } from '../throttle.js';
import type { TollgateConfig } from '../tollgate-config.js';
import type { Webhooks } from '../webhooks/webhooks.js';
import { resolveManagementConfig } from './config.js';
import { DEFAULT_KEY_PROPAGATION_DELAY_SECONDS } from './keys.js';
import { Management } from './surface.js';

/** The part of `TollgateConfig` the management operations read. */
export type ManagementSettings = Pick<
  TollgateConfig,
  | 'issuer'
  | 'signingAlgorithm'
  | 'keyPropagationDelaySeconds'
  | 'defaultAccessTokenTtlSeconds'
  | 'clockToleranceSeconds'
  | 'management'
>;

/** Shared with the token flows: one key ring, one client authenticator and one brute-force guard per process. */
export interface ManagementParts {
  store: Store;
  clock: Clock;
  keyRing: KeyRing;
  clients: ClientAuthenticator;
  guard: BruteForceGuard;
  onRevoked: () => void;
  adminApi: ApiRecord;
  audit: AuditLog;
  webhooks: Webhooks;
}

export function createManagement(settings: ManagementSettings, parts: ManagementParts): Management {
  return new Management({
    ...parts,
    config: resolveManagementConfig(settings.management),
    issuer: settings.issuer,
    keys: {
      defaultAlg: settings.signingAlgorithm,
      propagationDelaySeconds: settings.keyPropagationDelaySeconds ?? DEFAULT_KEY_PROPAGATION_DELAY_SECONDS,
      clockToleranceSeconds: settings.clockToleranceSeconds,
    },
    defaultAccessTokenTtlSeconds: settings.defaultAccessTokenTtlSeconds,
  });
}
