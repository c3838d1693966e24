/**
 * oidc-provider, panva's reference OAuth server, on loopback for the client's code-flow and DPoP tests while
 * Tollgate serves neither: the authorization code flow with PKCE (RFC 7636) and `iss` (RFC 9207), DPoP (RFC 9449)
 * with nonces required at the token endpoint and at userinfo, refresh tokens (offline_access), and one JWT API
 * through resource indicators (RFC 8707). The person at the browser is played by the interaction route: it signs
 * in as USER and consents to everything asked, or refuses when told to.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type InteractionDetails } from 'oidc-provider';
import type { CodeFlowServer } from './code-flow-server.js';

export const PEER_API = 'https://api.example.com/peer';
const USER = 'alice';
const NATIVE_CLIENT = 'cli-app';
const WEB_CLIENT = 'web-app';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function configuration(webRedirectUris: readonly string[]) {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const publicClient = {
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid offline_access read:data',
  };
  return {
    jwks: { keys: [{ ...signingKey, alg: 'RS256', use: 'sig' }] },
    clients: [
      // RFC 8252 7.3: a native app's loopback redirect matches on any port.
      {
        ...publicClient,
        client_id: NATIVE_CLIENT,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/callback'],
      },
      { ...publicClient, client_id: WEB_CLIENT, application_type: 'web', redirect_uris: [...webRedirectUris] },
    ],
    scopes: ['openid', 'offline_access', 'read:data'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Set, so the provider does not print a notice for each default.
    ttl: { AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 3600 },
    findAccount: async (_ctx: unknown, accountId: string) => ({ accountId, claims: async () => ({ sub: accountId }) }),
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({ scope: 'read:data', audience: PEER_API, accessTokenFormat: 'jwt' }),
      },
    },
  };
}

/** Signs the user in, or consents to exactly what the client asked for (scopes, claims, resources). */
async function interactionResult(provider: Provider, details: InteractionDetails): Promise<Record<string, unknown>> {
  if (details.prompt.name === 'login') return { login: { accountId: USER } };
  const clientId = String(details.params.client_id);
  const grant = new provider.Grant({ accountId: details.session?.accountId ?? USER, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

export interface OidcPeer extends CodeFlowServer {
  /** The next authorization ends in `access_denied`, as when the user refuses. */
  refuseNext(): void;
}

/**
 * Starts the peer. `webRedirectUris` are the web client's redirect URIs (a page served by the test), which the
 * provider must know when it starts; its token endpoint allows CORS from their origins (public clients).
 */
export async function startOidcPeer(webRedirectUris: readonly string[] = []): Promise<OidcPeer> {
  const server = createServer();
  const port = await listen(server);
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration(webRedirectUris));
  let refuse = false;
  const handle = provider.callback();
  const interact = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    const refusing = refuse;
    refuse = false;
    const result = refusing
      ? { error: 'access_denied', error_description: 'The user refused' }
      : await interactionResult(provider, details);
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/interaction/')) return handle(req, res);
    interact(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  return {
    issuer,
    nativeClientId: NATIVE_CLIENT,
    webClientId: WEB_CLIENT,
    scope: 'openid',
    resourceUrl: `${issuer}/me`,
    refuseNext: () => {
      refuse = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
