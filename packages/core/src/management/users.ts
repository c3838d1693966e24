/**
 * User administration (admins only). Disabling, a password reset and deletion sign the user out everywhere; disabling
 * and deletion also put the user's tokens on the revocation stream (owner-revocation.ts). An admin cannot disable,
 * demote or delete themselves, so a server cannot lose its last admin by a slip of the mouse.
 */
import { AUDIT_ACTIONS, type AuditAction } from '../audit/actions.js';
import { epochSeconds } from '../clock.js';
import { hashSecret, randomId } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import type { UserRecord } from '../storage/index.js';
import { MAX_PASSWORD_LENGTH } from '../users/verify-password.js';
import { requireAdmin, requireUnlimitedAdmin } from './authorize.js';
import type { ManagementContext } from './context.js';
import type { Actor, ActorOperations, UserChanges, UserInput } from './contract.js';
import { checkDefinedScopes } from './defined-scopes.js';
import { revokeEverythingOf, suspendTokensOf } from './owner-revocation.js';
import { checkName, checkScopes } from './validate.js';
import { type UserView, userView } from './views.js';

/** OWASP ASVS 2.1.1: at least 8 characters; no composition rules. */
export const MIN_PASSWORD_LENGTH = 8;

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
    return (await this.#context.store.users.list()).map(userView);
  }

  async create(input: UserInput): Promise<UserView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userCreate, input.username);
    if (input.isAdmin === true) {
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userCreate, input.username);
    }
    await checkDefinedScopes(this.#context.store, input.scopes, 'user');
    const username = checkName(input.username, 'username', 256);
    const user: UserRecord = {
      id: randomId('usr_'),
      username,
      passwordHash: await hashSecret(checkPassword(input.password)),
      scopes: checkScopes(input.scopes),
      disabled: false,
      isAdmin: input.isAdmin === true,
      createdAt: epochSeconds(this.#context.clock),
    };
    await this.#context.store.users.add(user);
    await this.#audit(AUDIT_ACTIONS.userCreate, user.username, { scopes: user.scopes, isAdmin: user.isAdmin });
    return userView(user);
  }

  async update(id: string, changes: UserChanges): Promise<UserView> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userUpdate, id);
    if (changes.isAdmin !== undefined)
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userUpdate, id);
    if (id === this.#actor.userId && (changes.disabled === true || changes.isAdmin === false)) {
      throw new InvalidRequest('You cannot disable yourself or take away your own admin rights');
    }
    if (changes.scopes !== undefined) await checkDefinedScopes(this.#context.store, changes.scopes, 'user');
    const before = await this.#find(id);
    const checked: UserChanges = {};
    if (changes.scopes !== undefined) checked.scopes = checkScopes(changes.scopes);
    if (changes.disabled !== undefined) checked.disabled = changes.disabled;
    if (changes.isAdmin !== undefined) checked.isAdmin = changes.isAdmin;
    const user = await this.#context.store.users.update(id, checked);
    if (!user) throw notFound(id);
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
    // Whoever sets an admin's password can sign in as that admin.
    if ((await this.#find(id)).isAdmin) {
      await requireUnlimitedAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userPasswordReset, id);
    }
    const passwordHash = await hashSecret(checkPassword(password));
    const user = await this.#context.store.users.update(id, { passwordHash });
    if (!user) throw notFound(id);
    const sessions = await this.#context.store.sessions.removeForUser(id);
    await this.#audit(AUDIT_ACTIONS.userPasswordReset, user.username, { sessionsEnded: sessions });
  }

  async remove(id: string): Promise<void> {
    await requireAdmin(this.#context, this.#actor, AUDIT_ACTIONS.userDelete, id);
    if (id === this.#actor.userId) throw new InvalidRequest('You cannot delete your own account');
    const user = await this.#find(id);
    const revoked = await revokeEverythingOf(this.#context, 'user', id);
    await this.#context.store.sessions.removeForUser(id);
    if (!(await this.#context.store.users.remove(user.username))) {
      throw new NotFound(`No user named ${user.username}`);
    }
    await this.#audit(AUDIT_ACTIONS.userDelete, user.username, { id, ...revoked });
  }

  async #find(id: string): Promise<UserRecord> {
    const user = await this.#context.store.users.getById(id);
    if (!user) throw notFound(id);
    return user;
  }

  #audit(action: AuditAction, target: string, detail: Record<string, unknown> | null): Promise<void> {
    return this.#context.audit.record(this.#actor, { action, target, detail });
  }
}

function notFound(id: string): NotFound {
  return new NotFound(`No user with id ${id}`);
}

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidRequest(`The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}
