import { type Clock, epochSeconds } from '../clock.js';
import { hashSecret, randomId } from '../crypto/index.js';
import { InvalidRequest, NotFound } from '../errors.js';
import { MAX_PASSWORD_LENGTH } from '../grants/password.js';
import type { UserInput } from '../service.js';
import type { UserRecord, UserStore } from '../storage.js';
import { checkName, checkScopes } from './validate.js';

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

/** OWASP ASVS 2.1.1: at least 8 characters; no composition rules. */
export const MIN_PASSWORD_LENGTH = 8;

export function publicUser({ passwordHash: _hash, ...user }: UserRecord): PublicUser {
  return user;
}

export class UserAdmin {
  readonly #users: UserStore;
  readonly #clock: Clock;

  constructor(users: UserStore, clock: Clock) {
    this.#users = users;
    this.#clock = clock;
  }

  async add(input: UserInput): Promise<PublicUser> {
    const username = checkName(input.username, 'username', 256);
    if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
      throw new InvalidRequest(`The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
    }
    const record: UserRecord = {
      id: randomId('usr_'),
      username,
      passwordHash: await hashSecret(input.password),
      scopes: checkScopes(input.scopes),
      disabled: false,
      createdAt: epochSeconds(this.#clock),
    };
    await this.#users.add(record);
    return publicUser(record);
  }

  async list(): Promise<PublicUser[]> {
    return (await this.#users.list()).map(publicUser);
  }

  async remove(username: string): Promise<void> {
    if (!(await this.#users.remove(username))) throw new NotFound(`No user named ${username}`);
  }
}
