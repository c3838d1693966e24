/** API administration (admins change; everyone signed in may list, to choose APIs for a token) and API usage. */
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '@tollgate/jwt';
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { InvalidRequest, NotFound } from '../errors.js';
import { isResourceIdentifier } from '../grants/audience.js';
import type { ApiRecord } from '../storage/apis.js';
import { requireAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, ApiChanges, ApiInput } from './contract.js';
import { checkUsageDays, fillUsage, usageWindow } from './usage.js';
import { checkDpopPolicy, checkRange, checkScopes } from './validate.js';
import { type ApiView, type UsageSeries, apiView } from './views.js';

export const MIN_ACCESS_TOKEN_TTL_SECONDS = 60;
/** What verifiers accept by default (`maxTokenLifetimeSeconds`): a longer TTL would mint tokens they all refuse. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = MAX_ACCESS_TOKEN_LIFETIME_SECONDS;

type ApiOperationsShape = ActorOperations['apis'];

export class ApiOperations implements ApiOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(): Promise<ApiView[]> {
    return (await this.#context.store.apis.list()).map(apiView);
  }

  /**
   * "Default if there is none yet" is decided by the store, inside the insert's transaction: reading the default
   * here first would let two concurrent creates (CLI processes, server nodes) both see none.
   */
  async create(input: ApiInput): Promise<ApiView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiCreate, input.identifier);
    if (!isResourceIdentifier(input.identifier)) {
      throw new InvalidRequest(
        'An API identifier must be an absolute URI without a fragment, e.g. https://api.example.com',
      );
    }
    const record: ApiRecord = {
      identifier: input.identifier,
      scopes: checkScopes(input.scopes),
      isDefault: input.isDefault === true,
      tokenTtlSeconds: checkTokenTtl(input.tokenTtlSeconds ?? this.#context.defaultAccessTokenTtlSeconds),
      dpop: checkDpopPolicy(input.dpop ?? 'allowed'),
      createdAt: epochSeconds(this.#context.clock),
    };
    const api = await this.#context.store.apis.add(record, { defaultIfNone: true });
    await this.#audit(AUDIT_ACTIONS.apiCreate, api.identifier, {
      scopes: api.scopes,
      isDefault: api.isDefault,
      tokenTtlSeconds: api.tokenTtlSeconds,
      dpop: api.dpop,
    });
    return apiView(api);
  }

  /** Making one API the default un-defaults the previous one (the store does both at once). */
  async update(identifier: string, changes: ApiChanges): Promise<ApiView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiUpdate, identifier);
    const checked: ApiChanges = {};
    if (changes.scopes !== undefined) checked.scopes = checkScopes(changes.scopes);
    if (changes.tokenTtlSeconds !== undefined) checked.tokenTtlSeconds = checkTokenTtl(changes.tokenTtlSeconds);
    if (changes.isDefault !== undefined) checked.isDefault = changes.isDefault;
    if (changes.dpop !== undefined) checked.dpop = checkDpopPolicy(changes.dpop);
    const api = await this.#context.store.apis.update(identifier, checked);
    if (!api) throw new NotFound(`No API with identifier ${identifier}`);
    const detail: Record<string, unknown> = {};
    if (changes.scopes !== undefined) detail.scopes = api.scopes;
    if (changes.isDefault !== undefined) detail.isDefault = api.isDefault;
    if (changes.tokenTtlSeconds !== undefined) detail.tokenTtlSeconds = api.tokenTtlSeconds;
    if (changes.dpop !== undefined) detail.dpop = api.dpop;
    await this.#audit(AUDIT_ACTIONS.apiUpdate, identifier, detail);
    return apiView(api);
  }

  async remove(identifier: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiDelete, identifier);
    if (!(await this.#context.store.apis.remove(identifier))) {
      throw new NotFound(`No API with identifier ${identifier}`);
    }
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

function checkTokenTtl(seconds: number): number {
  return checkRange(seconds, 'token lifetime (seconds)', MIN_ACCESS_TOKEN_TTL_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS);
}
