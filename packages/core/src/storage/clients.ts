/** OAuth clients (RFC 6749 2). */
export type GrantType = 'password' | 'client_credentials' | 'refresh_token';

export interface ClientRecord {
  /** The OAuth `client_id`. */
  id: string;
  name: string;
  /** argon2id PHC string of the client secret. */
  secretHash: string;
  scopes: string[];
  /** API identifiers the client may get tokens for; `null` means every registered API. */
  apis: string[] | null;
  grantTypes: GrantType[];
  createdAt: number;
}

export interface ClientStore {
  /** Throws `Conflict` if the id exists. */
  add(client: ClientRecord): Promise<void>;
  get(id: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  remove(id: string): Promise<boolean>;
  /** Changes the given fields; undefined when there is no such client. */
  update(
    id: string,
    changes: Partial<Pick<ClientRecord, 'name' | 'secretHash' | 'scopes' | 'apis'>>,
  ): Promise<ClientRecord | undefined>;
}
