/**
 * A stand-in Tollgate issuer: RFC 8414 metadata and a JWKS over node:http, and tokens signed with
 * @tollgate/jwt's signAccessToken under an Ed25519 key made with node:crypto. Enough for the verify SDK.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AccessTokenClaims, signAccessToken } from '@tollgate/jwt';

export const API = 'https://api.example.test';
export const OTHER_API = 'https://other.example.test';

export interface TestIssuer {
  url: string;
  /** A valid access token for `API` (override any claim). */
  token(claims?: Partial<AccessTokenClaims>): Promise<string>;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = 'test-key-1';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
  let url = '';
  const server: Server = createServer((req, res) => {
    const documents: Record<string, unknown> = {
      '/.well-known/oauth-authorization-server': {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        token_endpoint: `${url}/token`,
      },
      '/.well-known/jwks.json': { keys: [jwk] },
    };
    const document = documents[req.url ?? ''];
    res.writeHead(document === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(document ?? { error: 'not_found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token: (claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return signAccessToken(
        {
          iss: url,
          sub: 'user-42',
          aud: API,
          exp: now + 600,
          iat: now,
          jti: randomUUID(),
          client_id: 'client-7',
          scope: 'read:data write:data',
          ...claims,
        },
        { kid, alg: 'EdDSA', privateKey },
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
