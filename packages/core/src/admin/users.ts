import { type Clock, epochSeconds } from '../clock.js';
import { hashSecret, randomId } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import { MAX_PASSWORD_LENGTH } from '../users/verify-password.js';
import type { UserInput } from '../service.js';
import type { UserRecord, UserStore } from '../storage/index.js';
import { checkName, checkScopes } from './validate.js';

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

/** OWASP ASVS 2.1.1: at least 8 characters; no composition rules. */
export const MIN_PASSWORD_LENGTH = 8;

export function publicUser({ passwordHash: _hash, ...user }: UserRecord): PublicUser {
  return user;
}

export type UserChanges = Partial<Pick<UserRecord, 'scopes' | 'disabled' | 'isAdmin'>>;

export class UserAdmin {
  readonly #users: UserStore;
  readonly #clock: Clock;

  constructor(users: UserStore, clock: Clock) {
    this.#users = users;
    this.#clock = clock;
  }

  async add(input: UserInput & { isAdmin?: boolean }): Promise<PublicUser> {
    const username = checkName(input.username, 'username', 256);
    const record: UserRecord = {
      id: randomId('usr_'),
      username,
      passwordHash: await hashSecret(checkPassword(input.password)),
      scopes: checkScopes(input.scopes),
      disabled: false,
      isAdmin: input.isAdmin === true,
      createdAt: epochSeconds(this.#clock),
    };
    await this.#users.add(record);
    return publicUser(record);
  }

  async list(): Promise<PublicUser[]> {
    return (await this.#users.list()).map(publicUser);
  }

  async getById(id: string): Promise<PublicUser> {
    const user = await this.#users.getById(id);
    if (!user) throw new NotFound(`No user with id ${id}`);
    return publicUser(user);
  }

  async update(id: string, changes: UserChanges): Promise<PublicUser> {
    const checked: UserChanges = {};
    if (changes.scopes !== undefined) checked.scopes = checkScopes(changes.scopes);
    if (changes.disabled !== undefined) checked.disabled = changes.disabled;
    if (changes.isAdmin !== undefined) checked.isAdmin = changes.isAdmin;
    const updated = await this.#users.update(id, checked);
    if (!updated) throw new NotFound(`No user with id ${id}`);
    return publicUser(updated);
  }

  async setPassword(id: string, password: string): Promise<PublicUser> {
    const updated = await this.#users.update(id, { passwordHash: await hashSecret(checkPassword(password)) });
    if (!updated) throw new NotFound(`No user with id ${id}`);
    return publicUser(updated);
  }

  async remove(username: string): Promise<void> {
    if (!(await this.#users.remove(username))) throw new NotFound(`No user named ${username}`);
  }
}

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidRequest(`The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}
