import type { ApiAdmin } from '../admin/apis.js';
import type { ClientAdmin } from '../admin/clients.js';
import type { KeyAdmin } from '../admin/keys.js';
import type { UserAdmin } from '../admin/users.js';
import type { AuditLog } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import type { Store } from '../storage/index.js';
import type { BruteForceGuard } from '../throttle.js';
import type { ManagementConfig } from './contract.js';

/** What every management operation may use. */
export interface ManagementContext {
  store: Store;
  clock: Clock;
  config: ManagementConfig;
  issuer: string;
  audit: AuditLog;
  admin: { apis: ApiAdmin; users: UserAdmin; clients: ClientAdmin; keys: KeyAdmin };
  clients: ClientAuthenticator;
  guard: BruteForceGuard;
  /** Publishes new revocations on the stream at once (the feed's poke). */
  onRevoked: () => void;
}
