/** API administration (admins change; everyone signed in may list, to choose APIs for a token) and API usage. */
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, ApiView, UsageSeries } from './contract.js';
import { checkUsageDays, fillUsage, usageWindow } from './usage.js';
import { apiView } from './views.js';

type ApiOperationsShape = ActorOperations['apis'];
type ApiChanges = { scopes?: string[]; isDefault?: boolean; tokenTtlSeconds?: number };

export class ApiOperations implements ApiOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(): Promise<ApiView[]> {
    return (await this.#context.admin.apis.list()).map(apiView);
  }

  async create(input: { identifier: string } & ApiChanges): Promise<ApiView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiCreate, input.identifier);
    const api = await this.#context.admin.apis.add({ ...input, scopes: input.scopes ?? [] });
    await this.#audit(AUDIT_ACTIONS.apiCreate, api.identifier, {
      scopes: api.scopes,
      isDefault: api.isDefault,
      tokenTtlSeconds: api.tokenTtlSeconds,
    });
    return apiView(api);
  }

  async update(identifier: string, changes: ApiChanges): Promise<ApiView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiUpdate, identifier);
    const api = await this.#context.admin.apis.update(identifier, changes);
    const detail: Record<string, unknown> = {};
    if (changes.scopes !== undefined) detail.scopes = api.scopes;
    if (changes.isDefault !== undefined) detail.isDefault = api.isDefault;
    if (changes.tokenTtlSeconds !== undefined) detail.tokenTtlSeconds = api.tokenTtlSeconds;
    await this.#audit(AUDIT_ACTIONS.apiUpdate, identifier, detail);
    return apiView(api);
  }

  async remove(identifier: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiDelete, identifier);
    await this.#context.admin.apis.remove(identifier);
    await this.#audit(AUDIT_ACTIONS.apiDelete, identifier, null);
  }

  /**
   * One series per registered API (zeros included), plus any removed API that still has usage in the window; the
   * busiest first.
   */
  async usage(days: number): Promise<UsageSeries[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiUsage);
    const window = usageWindow(epochSeconds(this.#context.clock), checkUsageDays(days));
    const rows = await this.#context.store.apiTokens.listUsage({ fromDay: window[0] ?? '' });
    const identifiers = new Set((await this.#context.store.apis.list()).map((api) => api.identifier));
    for (const row of rows) identifiers.add(row.api);
    const series = [...identifiers].map((identifier) => ({
      key: identifier,
      label: identifier,
      ...fillUsage(
        window,
        rows.filter((row) => row.api === identifier),
      ),
    }));
    return series.sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  }

  #audit(action: AuditAction, target: string, detail: Record<string, unknown> | null): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, detail });
  }
}
