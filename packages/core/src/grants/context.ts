import type { DpopReplayCache, VerifiedDpopProof } from '@tollgate/jwt';
import type { AuditLog } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { ActingClient, ClientAuthenticator } from '../clients/authenticate.js';
import type { TollgateEvents } from '../events/bus.js';
import type { KeyRing } from '../keys/keyring.js';
import type { TokenRequest, TokenResponse } from '../service.js';
import type { ApiRecord, Store } from '../storage/index.js';
import type { BruteForceGuard } from '../throttle.js';

/** What every grant handler may use. */
export interface GrantContext {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  clients: ClientAuthenticator;
  guard: BruteForceGuard;
  issuer: string;
  refreshTokenTtlSeconds: number;
  /** The absolute lifetime of a refresh-token family, from its first issue (see refresh-lifetime). */
  refreshTokenMaxLifetimeSeconds: number;
  passwordLogin: boolean;
  /** Called after a grant revoked tokens (a replayed refresh token), so the revocation stream publishes at once. */
  onRevoked: () => void;
  /** Where DPoP proofs sent to the token endpoint are remembered, so each is accepted once (RFC 9449 11.1). */
  dpopReplay: DpopReplayCache;
  /** Where a replayed refresh token or code is recorded (and so raised to webhooks). */
  audit: AuditLog;
  /** Told of each token issued, for metrics. */
  events: TollgateEvents;
}

/** What a grant decided: who the token is for, for which API, with which scopes. */
export interface Grant {
  subject: string;
  /** The username for user grants, null for client grants. */
  username: string | null;
  client: ActingClient;
  api: ApiRecord;
  scopes: string[];
  /** The request's DPoP proof, when it carried one: its key (`jkt`) is what the tokens are bound to (RFC 9449 6.1). */
  proof: VerifiedDpopProof | undefined;
}

/** `proof`: the request's DPoP proof, checked before the grant runs and remembered when it mints (see dpop.ts). */
export type GrantHandler = (
  context: GrantContext,
  request: TokenRequest,
  proof: VerifiedDpopProof | undefined,
) => Promise<TokenResponse>;
