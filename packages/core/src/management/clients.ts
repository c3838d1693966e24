/**
 * Client administration (admins only). Deleting a client revokes the API tokens it owns as a service account and the
 * refresh tokens (with their access tokens) issued to it, on the revocation stream (owner-revocation.ts).
 */
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { NotFound } from '../errors.js';
import type { GrantType } from '../storage/index.js';
import { requireAdmin } from './authorize.js';
import { checkDefinedScopes } from './defined-scopes.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, ClientView, CreatedClientView } from './contract.js';
import { revokeEverythingOf } from './owner-revocation.js';
import { clientView } from './views.js';

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
    return (await this.#context.admin.clients.list()).map(clientView);
  }

  async create(input: {
    name: string;
    scopes: string[];
    apis?: string[] | null;
    grantTypes?: GrantType[];
  }): Promise<CreatedClientView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientCreate);
    await checkDefinedScopes(this.#context.store, input.scopes);
    const { clientId, clientSecret } = await this.#context.admin.clients.add(input);
    const stored = await this.#context.admin.clients.get(clientId);
    if (!stored) throw new NotFound(`No client with id ${clientId}`);
    const client = clientView(stored);
    await this.#audit(AUDIT_ACTIONS.clientCreate, clientId, {
      name: client.name,
      scopes: client.scopes,
      apis: client.apis,
    });
    return { client, clientSecret };
  }

  async update(id: string, changes: { name?: string; scopes?: string[]; apis?: string[] | null }): Promise<ClientView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientUpdate, id);
    if (changes.scopes !== undefined) await checkDefinedScopes(this.#context.store, changes.scopes);
    const client = await this.#context.admin.clients.update(id, changes);
    const detail: Record<string, unknown> = {};
    if (changes.name !== undefined) detail.name = client.name;
    if (changes.scopes !== undefined) detail.scopes = client.scopes;
    if (changes.apis !== undefined) detail.apis = client.apis;
    await this.#audit(AUDIT_ACTIONS.clientUpdate, id, detail);
    return clientView(client);
  }

  async rotateSecret(id: string): Promise<CreatedClientView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientRotateSecret, id);
    const { client, clientSecret } = await this.#context.admin.clients.rotateSecret(id);
    await this.#audit(AUDIT_ACTIONS.clientRotateSecret, id, null);
    return { client: clientView(client), clientSecret };
  }

  async remove(id: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.clientDelete, id);
    await this.#context.admin.clients.remove(id);
    await this.#audit(AUDIT_ACTIONS.clientDelete, id, { ...(await revokeEverythingOf(this.#context, 'client', id)) });
  }

  #audit(action: AuditAction, target: string, detail: Record<string, unknown> | null): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, detail });
  }
}
