import { Conflict } from '../../errors.js';
import type { UserRecord, UserStore } from '../../storage/index.js';
import { CONFLICTING_RECORD, compareText, copyOf } from './records.js';

type UserChanges = Partial<Pick<UserRecord, 'passwordHash' | 'scopes' | 'disabled' | 'isAdmin'>>;

export class MemoryUserStore implements UserStore {
  /** By id; usernames are unique too. */
  readonly #users = new Map<string, UserRecord>();

  async add(user: UserRecord): Promise<void> {
    if (this.#byUsername(user.username)) throw new Conflict(`A user named ${user.username} already exists`);
    if (this.#users.has(user.id)) throw new Conflict(CONFLICTING_RECORD);
    this.#users.set(user.id, copyOf(user));
  }

  async getByUsername(username: string): Promise<UserRecord | undefined> {
    const user = this.#byUsername(username);
    return user && copyOf(user);
  }

  async getById(id: string): Promise<UserRecord | undefined> {
    const user = this.#users.get(id);
    return user && copyOf(user);
  }

  async list(): Promise<UserRecord[]> {
    return [...this.#users.values()].sort((a, b) => compareText(a.username, b.username)).map(copyOf);
  }

  async remove(username: string): Promise<boolean> {
    const user = this.#byUsername(username);
    return user !== undefined && this.#users.delete(user.id);
  }

  async update(id: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const user = this.#users.get(id);
    if (user === undefined) return undefined;
    if (changes.passwordHash !== undefined) user.passwordHash = changes.passwordHash;
    if (changes.scopes !== undefined) user.scopes = [...changes.scopes];
    if (changes.disabled !== undefined) user.disabled = changes.disabled;
    if (changes.isAdmin !== undefined) user.isAdmin = changes.isAdmin;
    return copyOf(user);
  }

  #byUsername(username: string): UserRecord | undefined {
    return [...this.#users.values()].find((user) => user.username === username);
  }
}
