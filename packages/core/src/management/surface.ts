/** The management surface the `Tollgate` object exposes: operations per actor, sessions, verifiers' usage reports. */
import type { ApiTokenUsageReport } from '@tollgate/jwt';
import { epochSeconds } from '../clock.js';
import type { PresentedClient } from '../service.js';
import { operationsFor } from './actor-operations.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, ManagementSurface } from './contract.js';
import { Sessions } from './sessions.js';
import { aggregateUsage, checkUsageReports } from './usage-report.js';

export class Management implements ManagementSurface {
  readonly sessions: Sessions;
  readonly #context: ManagementContext;

  constructor(context: ManagementContext) {
    this.#context = context;
    this.sessions = new Sessions(context);
  }

  as(actor: Actor): ActorOperations {
    return operationsFor(this.#context, actor);
  }

  /** Only confidential clients may report: a public client could inflate any token's counts. */
  async reportApiTokenUsage(
    client: PresentedClient,
    reports: readonly ApiTokenUsageReport[],
    remoteAddress: string,
  ): Promise<void> {
    await this.#context.clients.authenticate(client, remoteAddress, false);
    const entries = aggregateUsage(checkUsageReports(reports, epochSeconds(this.#context.clock)));
    if (entries.length > 0) await this.#context.store.apiTokens.recordUsage(entries);
  }

  /** Drops sessions past their absolute expiry or idle too long; returns how many. */
  purgeExpiredSessions(now: number): Promise<number> {
    return this.#context.store.sessions.removeExpired(now, now - this.#context.config.sessionIdleTimeoutSeconds);
  }
}
