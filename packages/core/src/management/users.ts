/**
 * User administration (admins only). Disabling, a password reset and deletion sign the user out everywhere; disabling
 * and deletion also put the user's tokens on the revocation stream (owner-revocation.ts). An admin cannot disable, demote or delete themselves, so a server cannot lose its
 * last admin by a slip of the mouse.
 */
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { InvalidRequest } from '../errors.js';
import { requireAdmin } from './authorize.js';
import { checkDefinedScopes } from './defined-scopes.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, UserView } from './contract.js';
import { revokeEverythingOf, suspendTokensOf } from './owner-revocation.js';
import { userView } from './views.js';

type UserOperationsShape = ActorOperations['users'];

export class UserOperations implements UserOperationsShape {
  readonly #context: ManagementContext;
  readonly #actor: Actor;

  constructor(context: ManagementContext, actor: Actor) {
    this.#context = context;
    this.#actor = actor;
  }

  async list(): Promise<UserView[]> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userList);
    return (await this.#context.admin.users.list()).map(userView);
  }

  async create(input: { username: string; password: string; scopes: string[]; isAdmin?: boolean }): Promise<UserView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userCreate, input.username);
    await checkDefinedScopes(this.#context.store, input.scopes);
    const user = await this.#context.admin.users.add(input);
    await this.#audit(AUDIT_ACTIONS.userCreate, user.username, { scopes: user.scopes, isAdmin: user.isAdmin });
    return userView(user);
  }

  async update(id: string, changes: { scopes?: string[]; disabled?: boolean; isAdmin?: boolean }): Promise<UserView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userUpdate, id);
    if (id === this.#actor.userId && (changes.disabled === true || changes.isAdmin === false)) {
      throw new InvalidRequest('You cannot disable yourself or take away your own admin rights');
    }
    if (changes.scopes !== undefined) await checkDefinedScopes(this.#context.store, changes.scopes);
    const before = await this.#context.admin.users.getById(id);
    const user = await this.#context.admin.users.update(id, changes);
    if (changes.disabled === true) {
      await this.#context.store.sessions.removeForUser(id);
      const revoked = await suspendTokensOf(this.#context, id);
      if (!before.disabled) await this.#audit(AUDIT_ACTIONS.userDisable, user.username, { ...revoked });
    } else if (changes.disabled === false && before.disabled) {
      await this.#audit(AUDIT_ACTIONS.userEnable, user.username, null);
    }
    if (changes.scopes !== undefined || changes.isAdmin !== undefined) {
      const detail: Record<string, unknown> = {};
      if (changes.scopes !== undefined) detail.scopes = user.scopes;
      if (changes.isAdmin !== undefined) detail.isAdmin = user.isAdmin;
      await this.#audit(AUDIT_ACTIONS.userUpdate, user.username, detail);
    }
    return userView(user);
  }

  async resetPassword(id: string, password: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userPasswordReset, id);
    const user = await this.#context.admin.users.setPassword(id, password);
    const sessions = await this.#context.store.sessions.removeForUser(id);
    await this.#audit(AUDIT_ACTIONS.userPasswordReset, user.username, { sessionsEnded: sessions });
  }

  async remove(id: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userDelete, id);
    if (id === this.#actor.userId) throw new InvalidRequest('You cannot delete your own account');
    const user = await this.#context.admin.users.getById(id);
    const revoked = await revokeEverythingOf(this.#context, 'user', id);
    await this.#context.store.sessions.removeForUser(id);
    await this.#context.admin.users.remove(user.username);
    await this.#audit(AUDIT_ACTIONS.userDelete, user.username, { id, ...revoked });
  }

  #audit(action: AuditAction, target: string, detail: Record<string, unknown> | null): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, detail });
  }
}
