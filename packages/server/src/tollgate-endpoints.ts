/** What the HTTP surface uses of the core: the OAuth endpoints and the management surface (admin API). */
import type { ManagementSurface, Tollgate } from '@tollgate/core';
import type { RevocationStreamSource } from './routes/revocations.js';

export type TollgateEndpoints = Pick<
  Tollgate,
  | 'token'
  | 'revoke'
  | 'introspect'
  | 'jwks'
  | 'metadata'
  | 'checkAuthorization'
  | 'approveAuthorization'
  | 'denyAuthorization'
  | 'authorizeAdminBearer'
  | 'consumeApiTokenCredits'
> &
  ManagementSurface &
  RevocationStreamSource;
