/** The audit log of management changes. */
export type AuditOutcome = 'success' | 'failure';

export interface AuditEventRecord {
  /** Monotonic; newest has the largest. Assigned by the store. */
  id: number;
  at: number;
  /** User id of who acted; null for the operator (CLI) or an unknown user (failed login). */
  actorId: string | null;
  /** Username as it was then ('cli' for the operator; the attempted name for a failed login). */
  actorName: string;
  /** Dotted, stable: `session.sign_in`, `api_token.create`, `user.disable`, ... (see core/audit). */
  action: string;
  /** What it acted on (token id, username, client id, API identifier, kid); null when nothing. */
  target: string | null;
  /** Remote address, or null from the CLI. */
  address: string | null;
  outcome: AuditOutcome;
  /** Extra facts, never a secret. */
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  action?: string;
  /** Exact actor name. */
  actorName?: string;
  target?: string;
  outcome?: AuditOutcome;
  /** Epoch seconds, inclusive. */
  since?: number;
  until?: number;
  /** Cursor: only events with id < before. */
  before?: number;
  limit: number;
}

export interface AuditStore {
  /** Returns the id the event was given: observers (webhooks) name what they derive from it by it. */
  add(event: Omit<AuditEventRecord, 'id'>): Promise<number>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEventRecord[]>;
}
