/** OAuth clients (RFC 6749 2). */
import type { DpopPolicy } from './apis.js';

export type GrantType = 'password' | 'client_credentials' | 'refresh_token' | 'authorization_code';

export interface ClientRecord {
  /** The OAuth `client_id`. */
  id: string;
  name: string;
  /** argon2id PHC string of the client secret; empty for a public client, which has none. */
  secretHash: string;
  /**
   * A public client (RFC 6749 2.1): an SPA or a native app, which cannot keep a secret. It names itself by
   * `client_id` alone and may use only the authorization code grant (with PKCE) and refresh tokens.
   */
  public: boolean;
  /** Where the authorization endpoint may send the user back (RFC 6749 3.1.2), matched exactly. */
  redirectUris: string[];
  /** A first-party client is trusted by the users it serves: no consent screen. A third-party one asks. */
  firstParty: boolean;
  scopes: string[];
  /** API identifiers the client may get tokens for; `null` means every registered API. */
  apis: string[] | null;
  grantTypes: GrantType[];
  /** `required`: the token endpoint issues this client only DPoP-bound tokens (RFC 9449 5.2). */
  dpop: DpopPolicy;
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
    changes: Partial<Pick<ClientRecord, 'name' | 'secretHash' | 'scopes' | 'apis' | 'dpop'>>,
  ): Promise<ClientRecord | undefined>;
}
