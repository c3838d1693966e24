/**
 * Client authentication for the token, revocation and introspection endpoints (RFC 6749 2.3).
 * Client secrets are argon2id hashes at rest. Verifying argon2id on every client_credentials request
 * would cap the token endpoint at a few dozen requests per second per core, so a successful verification
 * is remembered in memory as the SHA-256 of the secret, bound to the stored hash: a rotated secret
 * (new hash) drops the memo, and the comparison stays constant-time.
 */
import { digestsEqual, sha256Hex, verifyAgainstDummy, verifySecret } from '../crypto/index.js';
import { InvalidClient } from '../errors.js';
import type { PresentedClient } from '../service.js';
import type { ClientRecord, ClientStore, DpopPolicy, GrantType } from '../storage/index.js';
import type { AttemptSubject, BruteForceGuard } from '../throttle.js';

/** The built-in public client behind the simple `{username, password}` login. */
export const LOGIN_CLIENT_ID = 'tollgate-login';

export interface ActingClient {
  id: string;
  /** `null`: no client-level limit (the login client defers entirely to the user's own scopes). */
  scopes: readonly string[] | null;
  apis: readonly string[] | null;
  grantTypes: readonly GrantType[];
  confidential: boolean;
  /** `required`: only DPoP-bound tokens for this client (RFC 9449 5.2). */
  dpop: DpopPolicy;
}

const LOGIN_CLIENT: ActingClient = Object.freeze({
  id: LOGIN_CLIENT_ID,
  scopes: null,
  apis: null,
  grantTypes: Object.freeze(['password', 'refresh_token'] as GrantType[]),
  confidential: false,
  dpop: 'allowed',
});

const MAX_SECRET_LENGTH = 512;
const MAX_MEMO_ENTRIES = 10_000;

export class ClientAuthenticator {
  readonly #clients: ClientStore;
  readonly #guard: BruteForceGuard;
  readonly #publicLogin: boolean;
  readonly #memo = new Map<string, { secretHash: string; digest: string }>();
  readonly #inFlight = new Map<string, Promise<ActingClient | undefined>>();

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
    if (presented.method === 'none') {
      if (presented.clientId !== undefined && presented.clientId !== LOGIN_CLIENT_ID) {
        return this.#registeredPublicClient(presented.clientId, allowPublic);
      }
      return this.#loginClient(allowPublic);
    }
    const client = await this.#verifyOnce(presented.clientId, presented.clientSecret, remoteAddress);
    if (!client) throw new InvalidClient('Client authentication failed');
    return client;
  }

  /** A registered public client (RFC 6749 2.1) names itself by `client_id` alone; a confidential one may not. */
  async #registeredPublicClient(clientId: string, allowPublic: boolean): Promise<ActingClient> {
    const client = clientId.length <= MAX_SECRET_LENGTH ? await this.#clients.get(clientId) : undefined;
    if (client === undefined) throw new InvalidClient('Client authentication failed');
    if (!client.public) throw new InvalidClient('This client must authenticate with its client secret');
    if (!allowPublic) throw new InvalidClient('Client authentication is required');
    return actingClient(client);
  }

  #loginClient(allowPublic: boolean): ActingClient {
    if (!allowPublic || !this.#publicLogin) {
      throw new InvalidClient('Client authentication is required');
    }
    return LOGIN_CLIENT;
  }

  /**
   * Concurrent requests with the same credentials from one address share one verification, counted once: every
   * attempt is counted before argon2 runs, so a burst of a client's first requests (nothing remembered yet) would
   * otherwise count as that many failures in flight and be refused past `blockAfter`.
   */
  #verifyOnce(clientId: string, secret: string, remoteAddress: string): Promise<ActingClient | undefined> {
    const digest = sha256Hex(secret);
    const key = `${clientId}\n${remoteAddress}\n${digest}`;
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      const subject = { account: `client:${clientId}`, address: remoteAddress };
      pending = this.#verify(subject, clientId, secret, digest).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /** `digest` is the SHA-256 of `secret`, what the memo of verified secrets holds. */
  async #verify(
    subject: AttemptSubject,
    clientId: string,
    secret: string,
    digest: string,
  ): Promise<ActingClient | undefined> {
    const client = secret.length <= MAX_SECRET_LENGTH ? await this.#clients.get(clientId) : undefined;
    const memo = client === undefined ? undefined : this.#memo.get(client.id);
    if (client && !client.public && memo && memo.secretHash === client.secretHash) {
      if (!digestsEqual(memo.digest, digest)) {
        // Known wrong without argon2, but still a guess: counted (or refused) before the answer goes out.
        await this.#guard.admit(subject);
        return undefined;
      }
      const checked = await this.#guard.check(subject);
      await checked.succeeded();
      return actingClient(client);
    }
    const attempt = await this.#guard.admit(subject);
    let valid: boolean;
    try {
      // An unknown client costs one argon2 verification too, so it cannot be told from a wrong secret by timing.
      // A public client has no secret: whatever it sends is wrong, at the same cost.
      valid =
        client && !client.public ? await verifySecret(client.secretHash, secret) : await verifyAgainstDummy(secret);
    } catch (error) {
      await attempt.abandoned();
      throw error;
    }
    if (!client || !valid) return undefined;
    this.#remember(client.id, client.secretHash, digest);
    await attempt.succeeded();
    return actingClient(client);
  }

  #remember(clientId: string, secretHash: string, digest: string): void {
    if (this.#memo.size >= MAX_MEMO_ENTRIES) {
      const oldest = this.#memo.keys().next();
      if (!oldest.done) this.#memo.delete(oldest.value);
    }
    this.#memo.set(clientId, { secretHash, digest });
  }
}

function actingClient(client: ClientRecord): ActingClient {
  return {
    id: client.id,
    scopes: client.scopes,
    apis: client.apis,
    grantTypes: client.grantTypes,
    confidential: !client.public,
    dpop: client.dpop,
  };
}
