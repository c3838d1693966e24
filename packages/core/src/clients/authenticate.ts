/**
 * Client authentication for the token, revocation and introspection endpoints (RFC 6749 2.3).
 * Client secrets are argon2id hashes at rest. Verifying argon2id on every client_credentials request
 * would cap the token endpoint at a few dozen requests per second per core, so a successful verification
 * is remembered in memory as the SHA-256 of the secret, bound to the stored hash: a rotated secret
 * (new hash) drops the memo, and the comparison stays constant-time.
 */
import { constantTimeEqual, sha256Hex, verifyAgainstDummy, verifySecret } from '../crypto/index.js';
import { InvalidClient } from '../errors.js';
import type { PresentedClient } from '../service.js';
import type { ClientStore, GrantType } from '../storage.js';
import type { BruteForceGuard } from '../throttle.js';

/** The built-in public client behind the simple `{username, password}` login. */
export const LOGIN_CLIENT_ID = 'tollgate-login';

export interface ActingClient {
  id: string;
  /** `null`: no client-level limit (the login client defers entirely to the user's own scopes). */
  scopes: readonly string[] | null;
  apis: readonly string[] | null;
  grantTypes: readonly GrantType[];
  confidential: boolean;
}

const LOGIN_CLIENT: ActingClient = Object.freeze({
  id: LOGIN_CLIENT_ID,
  scopes: null,
  apis: null,
  grantTypes: Object.freeze(['password', 'refresh_token'] as GrantType[]),
  confidential: false,
});

const MAX_SECRET_LENGTH = 512;
const MAX_MEMO_ENTRIES = 10_000;

export class ClientAuthenticator {
  readonly #clients: ClientStore;
  readonly #guard: BruteForceGuard;
  readonly #publicLogin: boolean;
  readonly #memo = new Map<string, { secretHash: string; digest: string }>();

  constructor(clients: ClientStore, guard: BruteForceGuard, options: { passwordLogin: boolean }) {
    this.#clients = clients;
    this.#guard = guard;
    this.#publicLogin = options.passwordLogin;
  }

  /**
   * Returns the client the request acts as. Without credentials that is the built-in login client, when
   * `allowPublic` and the login is enabled; otherwise `invalid_client`.
   */
  async authenticate(presented: PresentedClient, remoteAddress: string, allowPublic: boolean): Promise<ActingClient> {
    if (presented.method === 'none') return this.#publicClient(presented.clientId, allowPublic);
    const subject = { account: `client:${presented.clientId}`, address: remoteAddress };
    await this.#guard.admit(subject);
    const client = await this.#verify(presented.clientId, presented.clientSecret);
    if (!client) {
      await this.#guard.failed(subject);
      throw new InvalidClient('Client authentication failed', presented.method);
    }
    await this.#guard.succeeded(subject);
    return client;
  }

  #publicClient(clientId: string | undefined, allowPublic: boolean): ActingClient {
    if (clientId !== undefined && clientId !== LOGIN_CLIENT_ID) {
      throw new InvalidClient('This client must authenticate with its client secret', 'none');
    }
    if (!allowPublic || !this.#publicLogin) {
      throw new InvalidClient('Client authentication is required', 'none');
    }
    return LOGIN_CLIENT;
  }

  async #verify(clientId: string, secret: string): Promise<ActingClient | undefined> {
    const client = secret.length <= MAX_SECRET_LENGTH ? await this.#clients.get(clientId) : undefined;
    if (!client) {
      await verifyAgainstDummy(secret);
      return undefined;
    }
    const digest = sha256Hex(secret);
    const memo = this.#memo.get(client.id);
    let valid: boolean;
    if (memo && memo.secretHash === client.secretHash) {
      valid = constantTimeEqual(memo.digest, digest);
    } else {
      valid = await verifySecret(client.secretHash, secret);
      if (valid) this.#remember(client.id, client.secretHash, digest);
    }
    if (!valid) return undefined;
    return {
      id: client.id,
      scopes: client.scopes,
      apis: client.apis,
      grantTypes: client.grantTypes,
      confidential: true,
    };
  }

  #remember(clientId: string, secretHash: string, digest: string): void {
    if (this.#memo.size >= MAX_MEMO_ENTRIES) {
      const oldest = this.#memo.keys().next();
      if (!oldest.done) this.#memo.delete(oldest.value);
    }
    this.#memo.set(clientId, { secretHash, digest });
  }
}
