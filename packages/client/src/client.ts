/**
 * The client: gets tokens (JSON login, client_credentials, the code flow), keeps them in its storage, renews them
 * one at a time, and sends them to APIs through `client.fetch` or the axios interceptor. One client per process or
 * page and per storage: two clients sharing a storage in one Node process would not know of each other's refresh.
 */
import { DpopSigner } from './dpop/signer.js';
import { LoginRequiredError } from './errors.js';
import {
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  buildAuthorizationRequest,
  codeFromResponse,
  type PendingAuthorization,
} from './oauth/authorization.js';
import { type AuthorizationServerMetadata, discoverMetadata, endpointOf, offersDpop } from './oauth/metadata.js';
import { type EndpointContext, type FormParams, postToEndpoint, requestTokens } from './oauth/token-endpoint.js';
import type { TokenSet } from './oauth/token-set.js';
import { type ClientOptions, type NormalizedOptions, normalizeOptions } from './options.js';
import type { ResourceAccess } from './resource/access.js';
import type { FetchLike } from './lib/fetch-like.js';
import { authorizedFetch } from './resource/fetch.js';
import { TokenSession } from './session/session.js';

export interface TokenParams {
  /** Space-delimited scopes, or a list; default: whatever the server grants by default. */
  scope?: string | readonly string[];
  /** RFC 8707: the API the token is for; default: the server's default API. */
  resource?: string | readonly string[];
}

export interface LoginCredentials extends TokenParams {
  username: string;
  password: string;
}

function tokenParams(params: TokenParams): FormParams {
  const form: FormParams = {};
  if (params.scope !== undefined) form.scope = typeof params.scope === 'string' ? params.scope : params.scope.join(' ');
  if (params.resource !== undefined) form.resource = params.resource;
  return form;
}

export class TollgateClient implements ResourceAccess {
  /** A fetch that sends the access token; see resource/fetch.ts for what it retries and what it throws. */
  readonly fetch: FetchLike;
  readonly #options: NormalizedOptions;
  readonly #session: TokenSession;
  readonly #signer: DpopSigner;
  #metadata: Promise<AuthorizationServerMetadata> | undefined;
  /** How to get new tokens without a refresh token: set by clientCredentials(). */
  #reacquire: (() => Promise<TokenSet>) | undefined;

  constructor(options: ClientOptions) {
    this.#options = normalizeOptions(options);
    const { storage, lockName, refreshMarginSeconds, now } = this.#options;
    this.#session = new TokenSession({ storage, lockName, refreshMarginSeconds, now, renew: (t) => this.#renew(t) });
    this.#signer = new DpopSigner(now, this.#options.dpopKeyPair);
    this.fetch = authorizedFetch(this, this.#options.fetch);
  }

  /** The authorization server's metadata: as configured, or discovered once (a failure is tried again next time). */
  metadata(): Promise<AuthorizationServerMetadata> {
    if (this.#options.metadata !== undefined) return Promise.resolve(this.#options.metadata);
    if (this.#metadata === undefined) {
      this.#metadata = discoverMetadata(this.#options.fetch, this.#options.issuer);
      this.#metadata.catch(() => {
        this.#metadata = undefined;
      });
    }
    return this.#metadata;
  }

  /** The DPoP key's RFC 7638 thumbprint, when this client uses DPoP with this server (else undefined). */
  async dpopThumbprint(): Promise<string | undefined> {
    const signer = await this.#dpopSigner();
    return signer === undefined ? undefined : (await signer.key()).thumbprint;
  }

  /** Tollgate's JSON login (`{"username", "password"}`): the tokens belong to the server's public login client. */
  async login(credentials: LoginCredentials): Promise<TokenSet> {
    if (this.#options.identity.clientSecret !== undefined) {
      throw new TypeError('login() is the public JSON login: use a client without clientSecret');
    }
    const { username, password, scope, resource } = credentials;
    if (resource !== undefined && typeof resource !== 'string') throw new TypeError('login() takes one resource');
    const json: Record<string, string> = { username, password };
    if (scope !== undefined) json.scope = typeof scope === 'string' ? scope : scope.join(' ');
    if (resource !== undefined) json.resource = resource;
    return this.#obtain({ json });
  }

  /** RFC 6749 4.4. With no refresh token to use, renewal asks again with the same parameters. */
  async clientCredentials(params: TokenParams = {}): Promise<TokenSet> {
    const form = { grant_type: 'client_credentials', ...tokenParams(params) };
    this.#reacquire = async () => requestTokens(await this.#context(), await this.#tokenEndpoint(), this.#form(form));
    return this.#obtain(this.#form(form));
  }

  /** The first half of the code flow: the URL to send the user to, and what completing it will need. */
  async authorizationRequest(options: AuthorizationRequestOptions): Promise<AuthorizationRequest> {
    const clientId = this.#requireClientId();
    const endpoint = endpointOf(await this.metadata(), 'authorization_endpoint');
    return buildAuthorizationRequest(endpoint, clientId, options, await this.dpopThumbprint());
  }

  /** The second half: checks the redirect back (state, RFC 9207 iss) and exchanges the code (RFC 6749 4.1.3). */
  async completeAuthorization(callbackUrl: string, pending: PendingAuthorization): Promise<TokenSet> {
    const metadata = await this.metadata();
    const code = codeFromResponse(callbackUrl, pending, {
      issuer: this.#options.issuer,
      issRequired: metadata.authorization_response_iss_parameter_supported === true,
    });
    const form: FormParams = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.codeVerifier,
    };
    if (pending.resource !== undefined) form.resource = pending.resource;
    this.#requireClientId();
    return this.#obtain(this.#form(form));
  }

  /** The current tokens, renewed first when within the refresh margin of expiry. */
  tokens(): Promise<TokenSet> {
    return this.#session.current();
  }

  async getAccessToken(): Promise<string> {
    return (await this.#session.current()).accessToken;
  }

  /**
   * Signs out: revokes the refresh token (or else the access token) where the server has a revocation endpoint
   * (RFC 7009), and forgets the tokens whether or not the server could be reached.
   */
  async logout(): Promise<void> {
    const tokens = await this.#session.stored();
    try {
      const endpoint = tokens === undefined ? undefined : (await this.metadata()).revocation_endpoint;
      if (tokens !== undefined && typeof endpoint === 'string') {
        const [token, hint] =
          tokens.refreshToken === undefined
            ? [tokens.accessToken, 'access_token']
            : [tokens.refreshToken, 'refresh_token'];
        await postToEndpoint(await this.#context(tokens), endpoint, this.#form({ token, token_type_hint: hint }));
      }
    } finally {
      this.#reacquire = undefined;
      await this.#session.clear();
    }
  }

  current(): Promise<TokenSet> {
    return this.#session.current();
  }

  renewAfter(rejected: TokenSet): Promise<TokenSet> {
    return this.#session.renewAfter(rejected);
  }

  async headersFor(method: string, url: string, tokens: TokenSet): Promise<Record<string, string>> {
    if (tokens.tokenType === 'Bearer') return { authorization: `Bearer ${tokens.accessToken}` };
    // RFC 9449 7.1: the DPoP scheme, and a proof bound to this request and, through `ath`, to this token.
    const proof = await this.#signer.proof(method, url, tokens.accessToken);
    return { authorization: `DPoP ${tokens.accessToken}`, dpop: proof };
  }

  rememberNonce(url: string, nonce: string | null | undefined): void {
    this.#signer.nonces.remember(url, nonce);
  }

  async #renew(current: TokenSet): Promise<TokenSet> {
    if (current.refreshToken !== undefined) {
      const form = { grant_type: 'refresh_token', refresh_token: current.refreshToken };
      const next = await requestTokens(await this.#context(current), await this.#tokenEndpoint(), this.#form(form));
      // RFC 6749 6: a response without a new refresh token (or scope) leaves the old one in force.
      return { ...next, refreshToken: next.refreshToken ?? current.refreshToken, scope: next.scope ?? current.scope };
    }
    if (this.#reacquire !== undefined) return this.#reacquire();
    throw new LoginRequiredError('The access token expired and there is no refresh token: sign in again');
  }

  async #obtain(body: Parameters<typeof requestTokens>[2]): Promise<TokenSet> {
    const tokens = await requestTokens(await this.#context(), await this.#tokenEndpoint(), body);
    await this.#session.store(tokens);
    return tokens;
  }

  #form(form: FormParams): { form: FormParams; authenticate: true } {
    return { form, authenticate: true };
  }

  async #tokenEndpoint(): Promise<string> {
    return endpointOf(await this.metadata(), 'token_endpoint');
  }

  /** DPoP tokens keep their key: a refresh of one is proved with it even if the server stopped advertising DPoP. */
  async #context(tokens?: TokenSet): Promise<EndpointContext> {
    const signer = tokens?.tokenType === 'DPoP' ? this.#signer : await this.#dpopSigner();
    const { fetch, identity, now } = this.#options;
    return { fetch, client: identity, dpop: signer, now };
  }

  async #dpopSigner(): Promise<DpopSigner | undefined> {
    const { dpop } = this.#options;
    const enabled = dpop === 'auto' ? offersDpop(await this.metadata()) : dpop;
    return enabled ? this.#signer : undefined;
  }

  #requireClientId(): string {
    const { clientId } = this.#options.identity;
    if (clientId === undefined) throw new TypeError('the code flow needs options.clientId');
    return clientId;
  }
}

export function createClient(options: ClientOptions): TollgateClient {
  return new TollgateClient(options);
}
