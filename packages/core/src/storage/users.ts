/** People who sign in. */
export interface UserRecord {
  /** Stable opaque id, used as the token's `sub`. */
  id: string;
  username: string;
  /** argon2id PHC string. */
  passwordHash: string;
  scopes: string[];
  disabled: boolean;
  /** May use the dashboard's admin pages and the admin HTTP API. */
  isAdmin: boolean;
  createdAt: number;
}

export interface UserStore {
  /** Throws `Conflict` if the username exists. */
  add(user: UserRecord): Promise<void>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  getById(id: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  remove(username: string): Promise<boolean>;
  /** Changes the given fields of the user with this id; undefined when there is none. */
  update(
    id: string,
    changes: Partial<Pick<UserRecord, 'passwordHash' | 'scopes' | 'disabled' | 'isAdmin'>>,
  ): Promise<UserRecord | undefined>;
}
