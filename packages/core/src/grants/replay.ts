/**
 * What a grant does when a single-use credential comes back: a consumed refresh token (RFC 9700 4.14.2) or a redeemed
 * authorization code (RFC 6749 4.1.2). It means the credential leaked or raced, so what it issued is revoked, the
 * revocation stream is told at once, and the event is audited, which is how webhooks raise the security alert.
 */
import type { AuditAction } from '../audit/actions.js';
import type { GrantContext } from './context.js';

export interface ReplayedGrant {
  action: AuditAction;
  clientId: string;
  /** The user (or client, for a client grant) the credential was issued to. */
  subject: string;
  username: string | null;
  /** The refresh family revoked, when there was one. */
  familyId: string | null;
  remoteAddress: string;
}

export async function auditReplay(context: GrantContext, replay: ReplayedGrant): Promise<void> {
  context.onRevoked();
  await context.audit.record(
    { userId: null, name: replay.clientId, address: replay.remoteAddress },
    {
      action: replay.action,
      target: replay.username ?? replay.subject,
      outcome: 'failure',
      detail: {
        clientId: replay.clientId,
        subject: replay.subject,
        ...(replay.username === null ? {} : { username: replay.username }),
        ...(replay.familyId === null ? {} : { familyId: replay.familyId }),
      },
    },
  );
}
