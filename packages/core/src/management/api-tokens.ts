/**
 * API tokens for one actor. Owners see and manage their own tokens; admins every token. Anyone else gets the same
 * `NotFound` as for a token that does not exist, so ids cannot be probed. The secret exists in the clear only in the
 * answer to create and regenerate; the store keeps its SHA-256.
 */
import { generateApiToken } from '@tollgate/jwt';
import { printable } from './validate.js';
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { randomId, sha256Hex } from '../crypto/index.js';
import { Conflict, InvalidRequest, NotFound } from '../errors.js';
import type { ApiTokenRecord, ApiTokenRecordChanges } from '../storage/index.js';
import { checkDpopThumbprint, checkExternalId, checkTokenMetadata } from './api-token-metadata.js';
import { checkTokenCredits, checkTokenRateLimit } from './api-token-quotas.js';
import {
  checkTokenApis,
  checkTokenName,
  checkTokenScopes,
  graceEndsAt,
  isExpired,
  revocationExpiresAt,
  tokenExpiresAt,
} from './api-token-rules.js';
import { isAdminScope } from '../admin-access/scopes.js';
import { requireAdmin, requireUnlimitedAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, ApiTokenChanges, ApiTokenInput } from './contract.js';
import { type ResolvedOwner, resolveTokenOwner } from './token-owner.js';
import { apiTokenView, resolveOwners } from './token-views.js';
import { checkUsageDays, fillUsage, usageWindow } from './usage.js';
import type { ApiTokenView, CreatedApiToken, UsageSeries } from './views.js';

export const API_TOKEN_ID_PREFIX = 'tok_';
export const API_TOKEN_JTI_PREFIX = 'tgj_';

type TokenOperations = ActorOperations['tokens'];

export class ApiTokenOperations implements TokenOperations {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async create(input: ApiTokenInput): Promise<CreatedApiToken> {
    const { store, clock, config } = this.#context;
    const name = checkTokenName(input.name);
    const owner = await resolveTokenOwner(this.#context, this.#actor, input.owner);
    const apis = checkTokenApis(input.apis, [...(await store.apis.list()), this.#context.adminApi], owner);
    const scopes = checkTokenScopes(input.scopes, owner, apis);
    if (scopes.some(isAdminScope))
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiTokenCreate);
    const metadata = checkTokenMetadata(input.metadata ?? {});
    const externalId = checkExternalId(input.externalId ?? null);
    const dpopJkt = checkDpopThumbprint(input.dpopJkt ?? null);
    const now = epochSeconds(clock);
    const credits = checkTokenCredits(input.credits ?? null, now);
    const rateLimit = checkTokenRateLimit(input.rateLimit ?? null);
    const secret = generateApiToken();
    const record: ApiTokenRecord = {
      id: randomId(API_TOKEN_ID_PREFIX),
      name,
      ownerKind: owner.kind,
      ownerId: owner.id,
      createdBy: this.#actor.userId,
      tokenHash: sha256Hex(secret),
      jti: randomId(API_TOKEN_JTI_PREFIX),
      apis: apis.map((api) => api.identifier),
      scopes,
      createdAt: now,
      expiresAt: tokenExpiresAt(input.expiresInSeconds, config, now),
      regeneratedAt: null,
      lastUsedAt: null,
      lastUsedAddress: null,
      requestCount: 0,
      previous: null,
      metadata,
      externalId,
      dpopJkt,
      credits,
      rateLimit,
    };
    await store.apiTokens.add(record);
    await this.#audit(AUDIT_ACTIONS.apiTokenCreate, record.id, 'success', {
      name,
      owner: { kind: owner.kind, id: owner.id, name: owner.name },
      apis: record.apis,
      scopes,
      expiresAt: record.expiresAt,
      metadata,
      externalId,
      dpopJkt,
      credits,
      rateLimit,
    });
    return { token: apiTokenView(record, ownerOf(owner), now), secret };
  }

  async list(options: { all?: boolean } = {}): Promise<ApiTokenView[]> {
    const { store } = this.#context;
    if (options.all === true) await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiTokenListAll);
    // The operator owns no tokens, so its own list is every token.
    const userId = this.#actor.userId;
    const records =
      options.all === true || userId === null
        ? await store.apiTokens.list()
        : await store.apiTokens.listByOwner('user', userId);
    return this.#views(records);
  }

  async get(id: string): Promise<ApiTokenView> {
    const [view] = await this.#views([await this.#find(id)]);
    if (!view) throw new NotFound(notFoundText(id));
    return view;
  }

  async regenerate(id: string, options: { graceSeconds?: number } = {}): Promise<CreatedApiToken> {
    const { store, clock } = this.#context;
    const token = await this.#find(id, AUDIT_ACTIONS.apiTokenRegenerate);
    // The new secret is as good as the token: one with admin scopes is handed out only to a full admin.
    if (token.scopes.some(isAdminScope)) {
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiTokenRegenerate, token.id);
    }
    const now = epochSeconds(clock);
    const previousExpiresAt = graceEndsAt(options.graceSeconds, now);
    if (isExpired(token.expiresAt, now)) {
      throw new InvalidRequest('This token has expired; create a new one instead');
    }
    const secret = generateApiToken();
    const next = {
      tokenHash: sha256Hex(secret),
      jti: randomId(API_TOKEN_JTI_PREFIX),
      graceEndsAt: previousExpiresAt,
    };
    const updated = await store.apiTokens.regenerate(
      token.id,
      token.tokenHash,
      next,
      now,
      revocationExpiresAt(token.expiresAt, now),
    );
    if (!updated) throw new Conflict('The token was regenerated or revoked meanwhile; reload and try again');
    // Something was revoked unless this is a first regeneration with a grace period.
    if (previousExpiresAt === null || token.previous !== null) this.#context.onRevoked();
    await this.#audit(AUDIT_ACTIONS.apiTokenRegenerate, token.id, 'success', {
      name: token.name,
      previousSecretExpiresAt: previousExpiresAt,
    });
    const owner = (await resolveOwners(store, [updated]))(updated);
    return { token: apiTokenView(updated, owner, now), secret };
  }

  async update(id: string, changes: ApiTokenChanges): Promise<ApiTokenView> {
    const now = epochSeconds(this.#context.clock);
    const checked: ApiTokenRecordChanges = {};
    if (changes.metadata !== undefined) checked.metadata = checkTokenMetadata(changes.metadata);
    if (changes.externalId !== undefined) checked.externalId = checkExternalId(changes.externalId);
    if (changes.credits !== undefined) checked.credits = checkTokenCredits(changes.credits, now);
    if (changes.rateLimit !== undefined) checked.rateLimit = checkTokenRateLimit(changes.rateLimit);
    if (Object.keys(checked).length === 0) {
      throw new InvalidRequest('Give metadata, externalId, credits or rateLimit to change');
    }
    const token = await this.#find(id, AUDIT_ACTIONS.apiTokenUpdate);
    // A quota binds the token's owner: only an admin may lift it (or change it), never the owner themself.
    if (checked.credits !== undefined || checked.rateLimit !== undefined) {
      await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.apiTokenUpdate, token.id);
    }
    const updated = await this.#context.store.apiTokens.update(token.id, checked);
    if (!updated) throw new NotFound(notFoundText(id));
    await this.#audit(AUDIT_ACTIONS.apiTokenUpdate, token.id, 'success', { name: token.name, ...checked });
    const [view] = await this.#views([updated]);
    if (!view) throw new NotFound(notFoundText(id));
    return view;
  }

  async revoke(id: string): Promise<void> {
    const { store, clock } = this.#context;
    const token = await this.#find(id, AUDIT_ACTIONS.apiTokenRevoke);
    const now = epochSeconds(clock);
    const revoked = await store.apiTokens.revoke(token.id, now, revocationExpiresAt(token.expiresAt, now));
    if (!revoked) throw new NotFound(notFoundText(id));
    this.#context.onRevoked();
    await this.#audit(AUDIT_ACTIONS.apiTokenRevoke, token.id, 'success', { name: token.name });
  }

  async usage(id: string, days: number): Promise<UsageSeries> {
    const window = usageWindow(epochSeconds(this.#context.clock), checkUsageDays(days));
    const token = await this.#find(id);
    const fromDay = window[0] ?? '';
    const rows = await this.#context.store.apiTokens.listUsage({ fromDay, tokenId: token.id });
    return { key: token.id, label: token.name, ...fillUsage(window, rows) };
  }

  /** The token if this actor may see it; otherwise the same NotFound as for a missing one (audited for changes). */
  async #find(id: string, auditedAction?: AuditAction): Promise<ApiTokenRecord> {
    const token = await this.#context.store.apiTokens.get(id);
    const visible =
      token !== undefined &&
      (this.#actor.isAdmin || (token.ownerKind === 'user' && token.ownerId === this.#actor.userId));
    if (token && visible) return token;
    if (auditedAction) await this.#audit(auditedAction, printable(id), 'failure', { reason: 'not_found' });
    throw new NotFound(notFoundText(id));
  }

  async #views(records: readonly ApiTokenRecord[]): Promise<ApiTokenView[]> {
    const ownerOfRecord = await resolveOwners(this.#context.store, records);
    const now = epochSeconds(this.#context.clock);
    return records.map((record) => apiTokenView(record, ownerOfRecord(record), now));
  }

  #audit(
    action: AuditAction,
    target: string,
    outcome: 'success' | 'failure',
    detail: Record<string, unknown>,
  ): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, outcome, detail });
  }
}

function ownerOf(owner: ResolvedOwner): { kind: 'user' | 'client'; id: string; name: string } {
  return { kind: owner.kind, id: owner.id, name: owner.name };
}

function notFoundText(id: string): string {
  return `No API token with id ${printable(id)}`;
}
