/**
 * Client administration (admins only). Deleting a client revokes the API tokens it owns as a service account and the
 * refresh tokens (with their access tokens) issued to it, on the revocation stream (owner-revocation.ts).
 */
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { hashSecret, randomId, randomToken } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import type { ClientRecord } from '../storage/index.js';
import { isAdminScope } from '../admin-access/scopes.js';
import { requireAdmin, requireUnlimitedAdmin } from './authorize.js';
import { checkClientKind } from './client-rules.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, ClientChanges, ClientInput } from './contract.js';
import { checkDefinedScopes } from './defined-scopes.js';
import { revokeEverythingOf } from './owner-revocation.js';
import { checkDpopPolicy, checkName, checkScopes } from './validate.js';
import { type ClientView, type CreatedClientView, type CreatedPublicClientView, clientView } from './views.js';

/** Client secrets carry a prefix so secret scanners recognise a leaked one. */
export const CLIENT_SECRET_PREFIX = 'tgs_';

type ClientOperationsShape = ActorOperations['clients'];

export class ClientOperations implements ClientOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(): Promise<ClientView[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientList);
    return (await this.#context.store.clients.list()).map(clientView);
  }

  create(input: ClientInput & { public?: false }): Promise<CreatedClientView>;
  create(input: ClientInput): Promise<CreatedClientView | CreatedPublicClientView>;
  async create(input: ClientInput): Promise<CreatedClientView | CreatedPublicClientView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientCreate);
    if (input.scopes.some(isAdminScope))
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientCreate);
    await checkDefinedScopes(this.#context.store, input.scopes, 'client');
    const kind = checkClientKind(input);
    const apis = input.apis === undefined || input.apis === null ? null : await this.#checkApis(input.apis);
    const clientSecret = kind.public ? null : newClientSecret();
    const record: ClientRecord = {
      id: randomId('cl_'),
      name: checkName(input.name, 'client name', 200),
      secretHash: clientSecret === null ? '' : await hashSecret(clientSecret),
      scopes: checkScopes(input.scopes),
      apis,
      ...kind,
      dpop: checkDpopPolicy(input.dpop ?? 'allowed'),
      createdAt: epochSeconds(this.#context.clock),
    };
    await this.#context.store.clients.add(record);
    const client = clientView(record);
    await this.#audit(AUDIT_ACTIONS.clientCreate, client.id, {
      name: client.name,
      scopes: client.scopes,
      apis: client.apis,
      public: client.public,
      redirectUris: client.redirectUris,
      firstParty: client.firstParty,
      dpop: client.dpop,
    });
    return { client, clientSecret };
  }

  async update(id: string, changes: ClientChanges): Promise<ClientView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientUpdate, id);
    if (changes.scopes?.some(isAdminScope)) {
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientUpdate, id);
    }
    if (changes.scopes !== undefined) await checkDefinedScopes(this.#context.store, changes.scopes, 'client');
    const checked: ClientChanges = {};
    if (changes.name !== undefined) checked.name = checkName(changes.name, 'client name', 200);
    if (changes.scopes !== undefined) checked.scopes = checkScopes(changes.scopes);
    if (changes.apis !== undefined) checked.apis = changes.apis === null ? null : await this.#checkApis(changes.apis);
    if (changes.dpop !== undefined) checked.dpop = checkDpopPolicy(changes.dpop);
    const client = await this.#context.store.clients.update(id, checked);
    if (!client) throw notFound(id);
    const detail: Record<string, unknown> = {};
    if (changes.name !== undefined) detail.name = client.name;
    if (changes.scopes !== undefined) detail.scopes = client.scopes;
    if (changes.apis !== undefined) detail.apis = client.apis;
    if (changes.dpop !== undefined) detail.dpop = client.dpop;
    await this.#audit(AUDIT_ACTIONS.clientUpdate, id, detail);
    return clientView(client);
  }

  /** The old secret stops working at once: its hash is replaced. */
  async rotateSecret(id: string): Promise<CreatedClientView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientRotateSecret, id);
    // The new secret is the service account: one with admin scopes is handed out only to a full admin.
    if ((await this.#context.store.clients.get(id))?.scopes.some(isAdminScope)) {
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientRotateSecret, id);
    }
    if ((await this.#context.store.clients.get(id))?.public) throw new InvalidRequest('A public client has no secret');
    const clientSecret = newClientSecret();
    const client = await this.#context.store.clients.update(id, { secretHash: await hashSecret(clientSecret) });
    if (!client) throw notFound(id);
    await this.#audit(AUDIT_ACTIONS.clientRotateSecret, id, null);
    return { client: clientView(client), clientSecret };
  }

  async remove(id: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientDelete, id);
    if (!(await this.#context.store.clients.remove(id))) throw notFound(id);
    await this.#audit(AUDIT_ACTIONS.clientDelete, id, { ...(await revokeEverythingOf(this.#context, 'client', id)) });
  }

  async #checkApis(identifiers: readonly string[]): Promise<string[]> {
    const unique = [...new Set(identifiers)];
    for (const identifier of unique) {
      if (!(await this.#context.store.apis.get(identifier))) {
        throw new InvalidRequest(`apis: ${identifier} is not a registered API`);
      }
    }
    return unique;
  }

  #audit(action: AuditAction, target: string, detail: Record<string, unknown> | null): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, detail });
  }
}

function notFound(id: string): NotFound {
  return new NotFound(`No client with id ${id}`);
}

function newClientSecret(): string {
  return CLIENT_SECRET_PREFIX + randomToken(32);
}
